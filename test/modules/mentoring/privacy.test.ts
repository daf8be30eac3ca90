import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import type { Reflection } from '../../../src/core/entities.ts';
import type { MentoringRepositories } from '../../../src/modules/mentoring/ports.ts';
import { tenantId } from '../../helpers/activities.ts';
import { backends } from '../../helpers/backends.ts';
import { cardText, digestsIn, executes, nov, plain, World } from './world.ts';

// A mentor sees only their own students: through every command and every card action, also when the
// card data is tampered with to name another mentor's student, item or digest. Checked over HTTP with
// real activities; nothing may be stored, sent or shown.

const secret = 'Ik twijfel 5e2a of deze opleiding wel bij me past.';
const noteSecret = 'Notitie 8b1f die nooit mag aankomen';

describe('a mentor sees only their own students', () => {
  let w: World;
  let jansen: Awaited<ReturnType<World['person']>>;
  let bakker: Awaited<ReturnType<World['person']>>;
  let sanne: Awaited<ReturnType<World['person']>>;
  let eva: Awaited<ReturnType<World['person']>>;
  let sanneItem: string;
  let evaItem: string;
  let jansensDigest: string;

  beforeAll(async () => {
    w = await World.start({ at: nov(2, '10:00') });
    jansen = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    bakker = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
    sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    eva = await w.person('Eva Peters', 'eva@school.nl');
    await w.assign(sanne.user, jansen.user);
    await w.assign(eva.user, bakker.user);
    const s = await w.reflect(sanne.user, { ...plain, happened: secret, 'wants-to-talk': 'true' });
    const e = await w.reflect(eva.user, { ...plain, 'wants-to-talk': 'true' });
    sanneItem = `${s}:${jansen.person.id}`;
    evaItem = `${e}:${bakker.person.id}`;
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    const digest = digestsIn(w.cards(jansen.user))[0]!;
    jansensDigest = executes(digest).find((a) => a.verb === 'mentor.note')!.data['digestId'] as string;
    expect(jansensDigest).toMatch(/^digest:/);
  });
  afterAll(async () => {
    await w.stop();
  });

  /** Nothing about Sanne was stored or sent by anyone but her own mentor. */
  async function nothingHappened() {
    expect(await w.mentoring.repos.notes.listByStudent(sanne.person.id)).toHaveLength(0);
    expect(await w.mentoring.repos.followUps.get(bakker.person.id, sanne.person.id)).toBeUndefined();
    expect(await w.mentoring.repos.followUps.get(jansen.person.id, sanne.person.id)).toBeUndefined();
    expect(await w.mentoring.repos.followUps.get(bakker.person.id, eva.person.id)).toBeUndefined();
    expect(w.cards(sanne.user).filter((c) => cardText(c).includes('notitie van je mentor'))).toHaveLength(0);
  }

  const tampered = () => [
    { what: "another mentor's item and student", data: { ctx: 'item', itemId: sanneItem, studentId: sanne.person.id } },
    { what: 'own item, another mentor’s student', data: { ctx: 'item', itemId: evaItem, studentId: sanne.person.id } },
    { what: "another mentor's item, own student", data: { ctx: 'item', itemId: sanneItem, studentId: eva.person.id } },
    { what: "another mentor's digest, own student", data: { ctx: 'digest', digestId: jansensDigest, studentId: eva.person.id } },
    { what: "another mentor's digest and student", data: { ctx: 'digest', digestId: jansensDigest, studentId: sanne.person.id } },
    { what: 'a reminder about another mentor’s student', data: { ctx: 'student', card: 'reminder', studentId: sanne.person.id } },
    { what: 'a handover of another mentor’s student', data: { ctx: 'student', card: 'handover', studentId: sanne.person.id } },
  ];

  for (const verb of ['mentor.discussed', 'mentor.plan', 'mentor.note']) {
    it(`refuses ${verb} with tampered card data, and shows nothing of the other student`, async () => {
      for (const { what, data } of tampered()) {
        const sentBefore = w.t.connector.recorded.length;
        const card = await w.act(bakker.user, verb, {
          ...data,
          [`note-${data.studentId}`]: noteSecret,
          [`date-${data.studentId}`]: '2026-11-05',
        });
        const text = cardText(card);
        expect(text, what).toMatch(/niet \(meer\) aan jou gekoppeld|niet \(meer\) van jou/);
        expect(text, what).not.toContain(secret);
        if (data.studentId !== sanne.person.id) expect(text, what).not.toContain('Sanne');
        expect(w.t.connector.recorded.length, what).toBe(sentBefore);
        await nothingHappened();
      }
    });
  }

  it('refuses "show more" on another mentor’s digest', async () => {
    const before = w.t.connector.recorded.length;
    const card = await w.act(bakker.user, 'digest.more', { digestId: jansensDigest, page: 1 });
    expect(cardText(card)).toContain('niet meer beschikbaar');
    expect(w.t.connector.recorded.length).toBe(before);
  });

  it('refuses malformed action data without storing anything', async () => {
    for (const data of [
      { ctx: 'item', studentId: eva.person.id },
      { ctx: 'digest', studentId: eva.person.id },
      { ctx: 'elsewhere', studentId: eva.person.id },
      { ctx: 'item', itemId: evaItem, studentId: 'x'.repeat(65) },
      { ctx: 'item', itemId: evaItem, studentId: 42 },
    ]) {
      expect(cardText(await w.act(bakker.user, 'mentor.note', data))).toContain('kon ik niet verwerken');
    }
    expect(await w.mentoring.repos.notes.listByStudent(eva.person.id)).toHaveLength(0);
  });

  it('lists only the own students in "mijn studenten"', async () => {
    const mine = cardText(await w.say(bakker.user, 'mijn studenten'));
    expect(mine).toContain('Eva Peters');
    expect(mine).not.toContain('Sanne');
    const his = cardText(await w.say(jansen.user, 'mijn studenten'));
    expect(his).toContain('Sanne de Vries');
    expect(his).not.toContain('Eva');
  });

  it('gives students and coordinators no mentor commands or actions', async () => {
    const coordinator = await w.person('Carla Coördinator', 'carla@school.nl', 'coordinator');
    // People who install the app start as students; a pure coordinator has no student or mentor role.
    await w.repos.people.update(tenantId, coordinator.person.id, (p) => ({ ...p, roles: ['coordinator'] }));
    for (const user of [sanne.user, coordinator.user]) {
      expect(cardText(await w.say(user, 'mijn studenten'))).toContain('Dat begreep ik niet');
      expect(cardText(await w.say(user, 'digest'))).toContain('Dat begreep ik niet');
      // A forwarded card: a student presses her mentor's button.
      const card = await w.act(user, 'mentor.note', {
        ctx: 'item',
        itemId: sanneItem,
        studentId: sanne.person.id,
        [`note-${sanne.person.id}`]: noteSecret,
      });
      expect(cardText(card)).toContain('Deze knop ken ik niet');
      expect(cardText(await w.act(user, 'digest.more', { digestId: jansensDigest, page: 1 }))).toContain('Deze knop ken ik niet');
    }
    await nothingHappened();
  });

  it('keeps answers and notes out of the log', async () => {
    await w.act(jansen.user, 'mentor.note', {
      ctx: 'item',
      itemId: sanneItem,
      studentId: sanne.person.id,
      [`note-${sanne.person.id}`]: noteSecret,
    });
    expect(cardText(w.cards(sanne.user).at(-1))).toContain(noteSecret); // her own mentor's note arrives
    const log = w.t.logLines.join('\n');
    expect(log).toContain('mentor action refused');
    expect(log).not.toContain('5e2a');
    expect(log).not.toContain('8b1f');
  });
});

describe.each(backends)('the mentor scope in the store: $name', (backend) => {
  it('reads only students actively assigned to the mentor', async () => {
    const store = await backend.open();
    const w = await World.start({ store });
    try {
      const { person: a } = await ensurePersonByEmail(w.t.bot.deps.install, tenantId, 'a@school.nl', 'mentor');
      const { person: b } = await ensurePersonByEmail(w.t.bot.deps.install, tenantId, 'b@school.nl', 'mentor');
      const { person: s } = await ensurePersonByEmail(w.t.bot.deps.install, tenantId, 's@school.nl', 'student');
      const { reflection } = await w.t.bot.deps.reflections.start(s);
      await w.t.bot.deps.reflections.submit(s, reflection.id, { ...plain, 'good-at': 'Rustig blijven.' });
      await w.repos.assignments.assign(tenantId, s.id, a.id, nov(2, '10:00'));
      expect(await w.mentoring.repos.scope(tenantId, b.id).student(s.id)).toBeUndefined();
      expect(await w.mentoring.repos.scope(tenantId, b.id).reflections(s.id)).toEqual([]);
      expect((await w.mentoring.repos.scope(tenantId, a.id).reflections(s.id)).map((r) => r.id)).toEqual([reflection.id]);
      // The assignment ends: the mentor's reads stop there.
      await w.repos.assignments.end(tenantId, s.id, a.id, nov(3, '10:00'));
      expect(await w.mentoring.repos.scope(tenantId, a.id).reflections(s.id)).toEqual([]);
    } finally {
      await w.stop();
      await store.close();
    }
  });
});

describe('the domain check on its own', () => {
  it('refuses another mentor’s student even when the store scope lets everything through', async () => {
    const w = await World.start({ at: nov(2, '10:00') });
    try {
      const jansen = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
      const bakker = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
      const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
      const eva = await w.person('Eva Peters', 'eva@school.nl');
      await w.assign(sanne.user, jansen.user);
      await w.assign(eva.user, bakker.user);
      await w.reflect(sanne.user, { ...plain, happened: secret });
      await w.reflect(eva.user);
      const repos = w.repos;
      const everyone = new Set([sanne.person.id, eva.person.id]);
      // A store scope with the mentor check forgotten: it hands out every student.
      const leaky: MentoringRepositories = {
        ...w.mentoring.repos,
        scope: (schoolId, mentorId) => ({
          schoolId,
          mentorId,
          studentIds: async () => everyone,
          student: (id) => repos.people.get(schoolId, id),
          reflections: async (id) => (await repos.reflections.listByStudent(id)).filter((r) => r.status === 'submitted'),
          students: async (ids) => new Map((await repos.people.getMany(schoolId, ids)).map((p) => [p.id, p])),
          reflectionsOf: async (ids) => {
            const out = new Map<string, Reflection[]>();
            for (const id of ids)
              out.set(
                id,
                (await repos.reflections.listByStudent(id)).filter((r) => r.status === 'submitted'),
              );
            return out;
          },
          // Every assignment of these students, whoever's they are.
          assignments: async () =>
            (await Promise.all([...everyone].map((id) => repos.assignments.activeMentorsOf(schoolId, id)))).flat(),
          names: async (ids) => new Map((await repos.people.namesOf(schoolId, ids)).map((p) => [p.id, p])),
          reflectionHeadsOf: async (ids) => {
            const out = new Map<string, Reflection[]>();
            for (const id of ids)
              out.set(
                id,
                (await repos.reflections.listByStudent(id)).filter((r) => r.status === 'submitted'),
              );
            return out;
          },
          wholeReflections: async (heads) =>
            new Map(
              (
                await repos.reflections.getMany(
                  [...new Set(heads.map((h) => h.studentId))],
                  heads.map((h) => h.id),
                )
              ).map((r) => [r.id, r]),
            ),
        }),
      };
      const m = w.variant({ mentoring: leaky });
      const mieke = bakker.person;
      for (const ctx of [{ kind: 'student' } as const, { kind: 'digest', digestId: 'x', page: 0 } as const]) {
        expect(await m.followUps.note(mieke, ctx, sanne.person.id, noteSecret)).toEqual({
          ok: false,
          reason: 'not-your-student',
        });
        expect(await m.followUps.discussed(mieke, ctx, sanne.person.id, '')).toEqual({ ok: false, reason: 'not-your-student' });
        expect(await m.followUps.plan(mieke, ctx, sanne.person.id)).toEqual({ ok: false, reason: 'not-your-student' });
      }
      expect(await m.views.recent(mieke, sanne.person.id)).toBeUndefined();
      expect(await m.views.handover(mieke, sanne.person.id, [])).toBeUndefined();
      expect((await m.views.overview(mieke)).map((o) => o.student.name)).toEqual(['Eva Peters']);
      expect((await m.digests.runNow({ mentorIds: [mieke.id] })).sent).toBe(1);
      const digest = cardText(digestsIn(w.cards(bakker.user)).at(-1));
      expect(digest).toContain('Eva Peters');
      expect(digest).not.toContain('Sanne');
      expect(digest).not.toContain(secret);
      expect(await w.mentoring.repos.notes.listByStudent(sanne.person.id)).toHaveLength(0);
    } finally {
      await w.stop();
    }
  });
});
