import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reflection } from '../../../src/core/entities.ts';
import { loadLibrary } from '../../../src/core/flows/load-flows.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { sendPolicy } from '../../../src/core/send-policy/quiet-hours.ts';
import { DeliveryEngine } from '../../../src/delivery/engine.ts';
import { Downloads } from '../../../src/modules/downloads/downloads.ts';
import { Router } from '../../../src/modules/mentoring/routing.ts';
import { ReflectionService } from '../../../src/modules/reflection/reflections.ts';
import { StudentFollowUps } from '../../../src/modules/reflection/student-follow-up.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createLogger } from '../../../src/platform/log.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';

// What the student side asks of the store, on both backends: due follow-ups across students, and the
// single-use download links of the dossier (one winner when a link is used twice at once).

const flows = loadLibrary();

describe.each(backends)('student side on the store: $name', (backend) => {
  let store: DocumentStore;
  beforeEach(async () => {
    store = await backend.open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('finds the follow-ups due up to now, across students, and claims each once', async () => {
    const repos = await openRepositories(store);
    const clock = new ManualClock('2026-03-12T10:00:00.000Z');
    const followUps = new StudentFollowUps({ repos, clock, flows, days: 5 });
    const make = async (id: string, studentId: string, submittedAt: string, step = 'Een stap.') => {
      const r = await repos.reflections.create({
        id,
        schoolId: 's',
        studentId,
        flowId: 'free',
        locale: 'nl',
        status: 'submitted',
        createdAt: submittedAt,
        submittedAt,
        answers: { feeling: 'good', happened: 'x', 'good-at': 'y', ...(step ? { 'next-step': step } : {}) },
        competencies: [],
        routing: 'routed',
      } satisfies Omit<Reflection, 'version'>);
      return (await followUps.schedule(r)) ?? r;
    };
    await make('a', 'p1', '2026-03-01T10:00:00.000Z');
    await make('b', 'p2', '2026-03-06T10:00:00.000Z');
    await make('c', 'p2', '2026-03-10T10:00:00.000Z');
    const none = await make('d', 'p3', '2026-03-01T10:00:00.000Z', '');
    expect(none.followUpDueAt).toBeUndefined(); // no next step, nothing to follow up

    const due = await followUps.due(clock.now());
    expect(due.map((r) => r.id)).toEqual(['a', 'b']);
    const until = new Date(clock.now().getTime() + 120_000);
    const claims = await Promise.all([
      followUps.claim(due[0]!, clock.now(), until),
      followUps.claim(due[0]!, clock.now(), until),
    ]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    await followUps.sent(claims.find(Boolean)!, { conversationId: 'c', activityId: 'm' });
    expect((await followUps.due(clock.now())).map((r) => r.id)).toEqual(['b']);
    expect(await followUps.askedRecently('p1', clock.now())).toBe(true);
    expect(await followUps.askedRecently('p2', clock.now())).toBe(false);
  });

  it('takes two submits of one reflection at the same moment as one', async () => {
    const repos = await openRepositories(store);
    const clock = new ManualClock('2026-03-12T10:00:00.000Z');
    const quiet = { info() {}, warn() {}, debug() {} };
    const policies = async () => sendPolicy(undefined, 'Europe/Amsterdam', []);
    const router = new Router({
      repos,
      clock,
      log: quiet,
      delivery: new DeliveryEngine({
        sender: { sendCard: async () => ({ conversationId: 'c', activityId: 'a' }) },
        sendPolicy: policies,
        log: createLogger('silent'),
      }),
      message: ({ mentor }) => ({ to: mentor, card: {} }),
      sendPolicy: policies,
    });
    let n = 0;
    const reflections = new ReflectionService({ repos, flows, clock, router, newId: () => `r${++n}` });
    const student = await repos.people.create({
      id: 'p1',
      schoolId: 's',
      name: 'Sanne',
      locale: 'nl',
      localeSource: 'teams',
      roles: ['student'],
      reachability: { state: 'reachable' },
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    const { reflection } = await reflections.start(student, 'free');
    const answers = { feeling: 'good', happened: 'Iets.', 'good-at': 'Iets.', 'next-step': 'Iets.' };
    const results = await Promise.all([1, 2, 3].map(() => reflections.submit(student, reflection.id, answers)));
    expect(results.map((r) => r.kind).sort()).toEqual(['already-submitted', 'already-submitted', 'submitted']);
  });

  it('issues links that work once, for one person, until they expire; cleans up old ones', async () => {
    const now = new Date('2026-03-12T10:00:00.000Z');
    const clock = new ManualClock(now.toISOString());
    const links = await Downloads.open(store, { clock, baseUrl: 'http://x' });
    const served: string[] = [];
    links.register('dossier', async (owner) => {
      served.push(owner.personId);
      return { filename: 'd.md', contentType: 'text/markdown', body: `dossier of ${owner.personId}` };
    });
    const issue = async (personId: string) => {
      const { urls } = await links.create({
        schoolId: 's',
        personId,
        render: { kind: 'dossier', formats: ['md'] },
        singleUse: true,
        ttlMs: 600_000,
      });
      return new URL(urls['md']!).pathname.split('/')[2]!;
    };
    const token = await issue('p1');
    const twice = await Promise.all([links.open(token, 'md'), links.open(token, 'md')]);
    expect(twice.filter((r) => r.status === 200).map((r) => r.status === 200 && r.file.body)).toEqual(['dossier of p1']);
    expect(twice.find((r) => r.status !== 200)?.status).toBe(410);

    const otherToken = await issue('p2');
    // One character off opens nothing; another format of the link neither.
    const altered = `${otherToken.slice(0, -1)}${otherToken.endsWith('A') ? 'B' : 'A'}`;
    expect((await links.open(altered, 'md')).status).toBe(404);
    expect((await links.open(otherToken, 'csv')).status).toBe(404);
    clock.set(new Date(now.getTime() + 600_001).toISOString());
    expect((await links.open(otherToken, 'md')).status).toBe(410);
    expect(served).not.toContain('p2');
    expect(await links.purge(new Date(now.getTime() + 2 * 86_400_000))).toBe(2);
  });
});
