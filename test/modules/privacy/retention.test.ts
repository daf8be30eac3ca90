import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import { ensureSchool, type InstallDeps } from '../../../src/core/install.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { openCampaignRepositories } from '../../../src/modules/campaigns/repositories.ts';
import { openPersonalDataStore } from '../../../src/modules/privacy/personal-data-store.ts';
import { PrivacyService } from '../../../src/modules/privacy/privacy-service.ts';
import { openPrivacyRepository } from '../../../src/modules/privacy/repository.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createLogger } from '../../../src/platform/log.ts';
import type { Collection, Doc, DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';

// Retention per school on both backends: a student's data is erased N months after they left (the day
// the school recorded, or else the last sign of them once no group or mentor has them), computed from the
// store, so a missed run is caught up and a second run does nothing twice; staff and students still at
// school are never touched; an erasure interrupted by a crash is finished by the next run.

const school = 'school-1';
const log = createLogger('silent');

/** A store whose collection `failing` throws on its next delete (a crash in the middle of an erasure). */
function crashingOnce(inner: DocumentStore, failing: string): DocumentStore & { arm(): void } {
  let armed = false;
  return {
    kind: inner.kind,
    arm: () => {
      armed = true;
    },
    ping: () => inner.ping(),
    purgeErased: () => inner.purgeErased(),
    close: () => inner.close(),
    async collection<T extends Doc>(def: { name: string; indexes: readonly string[] }): Promise<Collection<T>> {
      const c = await inner.collection<T>(def);
      if (def.name !== failing) return c;
      return Object.assign(Object.create(c) as Collection<T>, {
        delete: async (doc: T) => {
          if (armed) {
            armed = false;
            throw new Error('the process died here');
          }
          return c.delete(doc);
        },
      });
    },
  };
}

describe.each(backends)('retention on $name', (backend) => {
  let store: DocumentStore & { arm(): void };
  let clock: ManualClock;
  let install: InstallDeps;
  let privacy: PrivacyService;

  beforeEach(async () => {
    store = crashingOnce(await backend.open(), 'reflections');
    clock = new ManualClock('2025-09-01T10:00:00Z');
    const repos = await openRepositories(store);
    install = { repos, clock, newId: randomUUID, defaults: { locale: 'nl', timeZone: 'Europe/Amsterdam' } };
    await ensureSchool(install, school);
    const [data, stored] = await Promise.all([openPersonalDataStore(store), openPrivacyRepository(store)]);
    privacy = new PrivacyService({
      repos,
      clock,
      newId: randomUUID,
      log,
      defaultTimeZone: 'Europe/Amsterdam',
      data,
      privacy: stored,
      purgeErased: () => store.purgeErased(),
    });
  });
  afterEach(async () => {
    await store.close();
  });

  const student = async (email: string): Promise<Person> =>
    (await ensurePersonByEmail(install, school, email, 'student', email.split('@')[0])).person;
  const reflect = (p: Person, at: string, text: string) =>
    install.repos.reflections.create({
      id: randomUUID(),
      schoolId: school,
      studentId: p.id,
      flowId: 'free',
      locale: 'nl',
      status: 'submitted',
      createdAt: at,
      submittedAt: at,
      answers: { happened: text },
      competencies: ['qualities'],
      routing: 'none',
    });

  it('erases students N months after they left, catches up missed runs, and never touches staff or those still here', async () => {
    const camp = await openCampaignRepositories(store);
    const { group } = await camp.groups.ensure(newGroup(school, '4H', clock.now().toISOString()));
    const stays = await student('stays@school.nl');
    const leaver = await student('leaver@school.nl');
    const quiet = await student('quiet@school.nl');
    const marked = await student('marked@school.nl');
    const mentor = (await ensurePersonByEmail(install, school, 'mentor@school.nl', 'mentor', 'Mentor')).person;
    for (const p of [stays, leaver, marked]) await camp.groups.addMember(school, group.id, p.id, clock.now().toISOString());
    for (const p of [stays, leaver, quiet, marked]) await reflect(p, clock.now().toISOString(), `antwoord-van-${p.email}`);
    await install.repos.assignments.assign(school, stays.id, mentor.id, clock.now().toISOString());
    await camp.groups.endMember(school, group.id, leaver.id, '2025-10-01T10:00:00Z');
    await reflect(quiet, '2025-11-01T10:00:00Z', 'later-antwoord-quiet');
    await install.repos.people.update(school, marked.id, (p) => ({ ...p, leftAt: '2025-10-15T00:00:00.000Z' }));
    const gone = async (p: Person) => (await docsMentioning(store, [p.id, p.email!])).length === 0;

    // The default term: 12 months. A day after the leaver's twelve months, only the leaver is due.
    expect((await privacy.retention(school)).monthsAfterLeaving).toBe(12);
    clock.set('2026-10-02T01:30:00Z');
    expect((await privacy.dueForErasure(school, clock.now())).map((d) => d.person.email)).toEqual(['leaver@school.nl']);
    expect(await privacy.runRetention(clock.now())).toMatchObject({ erased: 1 });
    expect(await gone(leaver)).toBe(true);
    expect(await gone(marked)).toBe(false);

    // The job did not run for two months: the next run erases everything that fell due meanwhile, once.
    clock.set('2026-12-02T01:30:00Z');
    expect(await privacy.runRetention(clock.now())).toMatchObject({ erased: 2, resumed: 0 });
    expect(await privacy.runRetention(clock.now())).toMatchObject({ erased: 0, resumed: 0, relationsEnded: 0 });
    for (const p of [leaver, marked, quiet]) expect(await gone(p), p.email).toBe(true);
    for (const p of [stays, mentor]) expect(await install.repos.people.get(school, p.id)).toMatchObject({ email: p.email });
    expect(await docsMentioning(store, ['antwoord-van-stays@school.nl'])).toHaveLength(1);
    expect(await docsMentioning(store, ['antwoord-van-leaver', 'antwoord-van-marked', 'antwoord-quiet'])).toEqual([]);
    // The class still counts the student who was marked as left while in it, until the school year ends.
    expect(await camp.groups.members(school, group.id)).toHaveLength(2);
    clock.set('2027-08-02T01:30:00Z');
    expect(await privacy.runRetention(clock.now())).toMatchObject({ erased: 0, relationsEnded: 1 });
    expect((await camp.groups.members(school, group.id)).map((m) => m.personId)).toEqual([stays.id]);
    expect((await privacy.erasures(school)).map((e) => e.reason)).toEqual(['retention', 'retention', 'retention']);

    // A school may switch the term off: then nothing is due, however long ago someone left.
    await camp.groups.endMember(school, group.id, stays.id, clock.now().toISOString());
    await install.repos.assignments.end(school, stays.id, mentor.id, clock.now().toISOString());
    await privacy.setRetention(school, null);
    clock.set('2040-01-01T00:00:00Z');
    expect(await privacy.dueForErasure(school, clock.now())).toEqual([]);
    await privacy.setRetention(school, 6);
    expect((await privacy.dueForErasure(school, clock.now())).map((d) => d.person.email)).toEqual(['stays@school.nl']);
  }, 60_000);

  it('finishes an erasure that a crash interrupted, on the next run', async () => {
    const sanne = await student('sanne@school.nl');
    for (let i = 0; i < 3; i++) await reflect(sanne, clock.now().toISOString(), `geheim-${i}-e1gz`);
    store.arm();
    await expect(privacy.erase(school, sanne.id, 'student')).rejects.toThrow('the process died here');
    // Half done: the person is gone, answers are not, and the record says an erasure is running.
    expect(await install.repos.people.get(school, sanne.id)).toBeUndefined();
    expect((await docsMentioning(store, ['e1gz'])).length).toBeGreaterThan(0);
    expect((await privacy.erasures(school))[0]).toMatchObject({ state: 'running', personId: sanne.id });
    // Not yet taken for abandoned: it might still be running elsewhere.
    expect(await privacy.runRetention(clock.now())).toMatchObject({ resumed: 0 });
    clock.advance(11 * 60_000);
    expect(await privacy.runRetention(clock.now())).toMatchObject({ resumed: 1 });
    expect(await docsMentioning(store, ['e1gz', sanne.id, 'sanne@school.nl'])).toEqual([]);
    const [record] = await privacy.erasures(school);
    expect(record).toMatchObject({ state: 'done', counts: { reflections: { anonymised: 3, deleted: 0 } } });
    expect(record?.personId).toBeUndefined();
    // Nothing left to erase, and nobody else to find.
    expect(await privacy.erase(school, sanne.id, 'student')).toEqual({ kind: 'not-found' });
  }, 60_000);

  it('refuses staff', async () => {
    const mentor = (await ensurePersonByEmail(install, school, 'mentor@school.nl', 'mentor', 'Mentor')).person;
    expect(await privacy.erase(school, mentor.id, 'operator')).toEqual({ kind: 'staff' });
    expect(await privacy.export(school, mentor.id)).toBeUndefined();
    expect(await install.repos.people.get(school, mentor.id)).toBeDefined();
  });
});
