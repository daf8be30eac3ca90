import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { backends } from '../../helpers/backends.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';
import { CountingStore, describeWork } from '../../helpers/counting-store.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// What one answer costs the store (issue 14): the submit that finishes a reflection, posted to
// /api/messages as Teams posts it, through the real server, counted on the real store. Person, school and
// conversation are read once per turn at most (the school is known from the student's turn before: the
// emotion tap on the same card), the reflection once, the assignments once; the answers, the follow-up,
// the routing state and the mentor's item are one write call. SQLite makes that one transaction; Cosmos
// DB writes the item first and the reflection last, and a retry completes a write left half done.

const answer = {
  feeling: 'good',
  happened: 'Ik heb vandaag zelf een klant geholpen bij de balie.',
  'good-at': 'Rustig blijven en goed luisteren.',
  'next-step': 'Morgen vragen of ik de telefoon mag aannemen.',
};

describe.each(backends)('the store work of one submit: $name', (backend) => {
  let t: TestBot;
  let store: CountingStore;
  let student: TestUser;
  let mentor: TestUser;
  let person: Person;
  beforeEach(async () => {
    store = new CountingStore(await backend.open());
    // Twelve taps at once are a flood to the per-user limit, which is not what is looked at here.
    t = await startTestBot({ store, env: { RATE_LIMIT_PER_MINUTE: '1000', RATE_LIMIT_BURST: '1000' } });
    student = testUser('Sanne de Vries', 'sanne@school.nl');
    mentor = testUser('Mo Mentor', 'mo@school.nl');
    for (const u of [student, mentor]) {
      t.join(u);
      expect((await t.send('personal-installation-add', u)).status).toBe(200);
    }
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    person = (await t.bot.deps.repos.people.findByEmail(tenantId, student.email))!;
  });
  afterEach(async () => {
    await t.stop();
    await store.close();
  });

  const tap = (verb: string, data: Record<string, unknown>) =>
    t.send('card-action-execute', student, { verb, replyToId: 'act-1', data });

  /** A reflection opened, and the emotion tapped on its card: what comes before the submit. */
  async function opened(): Promise<string> {
    const { reflection } = await t.bot.deps.reflections.start(person, 'free');
    expect((await tap('reflection.feel', { reflectionId: reflection.id, emotion: 'good' })).status).toBe(200);
    return reflection.id;
  }

  it('reads at most 4 documents and writes the answer, its follow-up, routing and the mentor item in one call', async () => {
    const reflectionId = await opened();
    store.trace = true;
    const mark = store.mark();
    const res = await tap('reflection.submit', { reflectionId, ...answer });
    expect(res.status).toBe(200);
    const work = store.since(mark);
    const trace = describeWork(work);

    expect(work.reads, trace).toBeLessThanOrEqual(4);
    expect(work.transactions, trace).toBe(1);
    const writes = work.calls.filter((c) => c.unit !== undefined);
    // The mentor's item, then the reflection: the version-checked write that decides is the last.
    expect(
      writes.map((c) => `${c.op} ${c.collection}`),
      trace,
    ).toEqual(['create mentor_items', 'replace reflections']);
    expect(work.commits, trace).toBe(backend.name === 'sqlite' ? 1 : 2);

    const stored = await t.bot.deps.repos.reflections.get(person.id, reflectionId);
    expect(stored).toMatchObject({ status: 'submitted', routing: 'routed', followUp: { state: 'scheduled', rounds: 0 } });
    expect(stored!.followUpDueAt).toBeDefined();
    const mentorId = (await t.bot.deps.repos.people.findByEmail(tenantId, mentor.email))!.id;
    expect(await t.bot.deps.repos.mentorItems.listByMentor(mentorId)).toMatchObject([
      { reflectionId, mode: 'digest', priority: 'other', state: 'pending', submittedAt: stored!.submittedAt },
    ]);
  });

  it('takes 12 submits of one reflection at once as one answer, routed once, its item matching the stored answer', async () => {
    const reflectionId = await opened();
    // Half of them ask to talk: an item for the other half's answer would go out at the wrong moment.
    const results = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        tap('reflection.submit', {
          reflectionId,
          ...answer,
          happened: `Poging ${i}.`,
          ...(i % 2 ? { 'wants-to-talk': 'true' } : {}),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(12).fill(200));
    const stored = (await t.bot.deps.repos.reflections.listByStudent(person.id)).filter((r) => r.id === reflectionId);
    expect(stored).toHaveLength(1);
    expect(stored[0]).toMatchObject({ status: 'submitted', routing: 'routed' });
    const mentorId = (await t.bot.deps.repos.people.findByEmail(tenantId, mentor.email))!.id;
    const items = await t.bot.deps.repos.mentorItems.listByMentor(mentorId);
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({
      reflectionId,
      mode: stored[0]!.wantsToTalk ? 'now' : 'digest',
      priority: stored[0]!.wantsToTalk ? 'talk' : 'other',
      submittedAt: stored[0]!.submittedAt,
    });
  });

  it('completes a submit whose mentor item was written before the answer was (a write left half done)', async () => {
    const reflectionId = await opened();
    const mentorId = (await t.bot.deps.repos.people.findByEmail(tenantId, mentor.email))!.id;
    // As a first attempt leaves it on Cosmos DB when the process stops between the two writes.
    await t.bot.deps.repos.mentorItems.ensure({
      id: `${reflectionId}:${mentorId}`,
      schoolId: person.schoolId,
      mentorId,
      studentId: person.id,
      reflectionId,
      createdAt: '2026-01-01T00:00:00.000Z',
      mode: 'now',
      priority: 'signal',
      state: 'pending',
      attempts: 0,
    });
    // Meanwhile the sweep sends nothing for an answer that is not stored.
    const welcomed = t.connector.cardsIn(mentor.conversationId).length;
    expect((await t.bot.router.sweep()).sent).toBe(0);
    expect(t.connector.cardsIn(mentor.conversationId)).toHaveLength(welcomed);

    const res = await tap('reflection.submit', { reflectionId, ...answer, 'wants-to-talk': 'true' });
    expect(res.status).toBe(200);
    const stored = await t.bot.deps.repos.reflections.get(person.id, reflectionId);
    expect(stored).toMatchObject({ status: 'submitted', routing: 'routed', wantsToTalk: true });
    const items = await t.bot.deps.repos.mentorItems.listByMentor(mentorId);
    expect(items).toMatchObject([{ reflectionId, mode: 'now', priority: 'talk', state: 'sent' }]);
    expect(t.connector.cardsIn(mentor.conversationId)).toHaveLength(welcomed + 1);
  });
});

describe('the requests one submit makes of Cosmos DB (the emulator counts them)', () => {
  it('is 4 reads and 2 writes: no read of its own before a version-checked write', async () => {
    const emulator = await startCosmosEmulator();
    const store = await openEmulatedCosmosStore(emulator.endpoint);
    const t = await startTestBot({ store });
    try {
      const student = testUser('Sanne de Vries', 'sanne@school.nl');
      const mentor = testUser('Mo Mentor', 'mo@school.nl');
      for (const u of [student, mentor]) {
        t.join(u);
        expect((await t.send('personal-installation-add', u)).status).toBe(200);
      }
      await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
      const person = (await t.bot.deps.repos.people.findByEmail(tenantId, student.email))!;
      const { reflection } = await t.bot.deps.reflections.start(person, 'free');
      const tap = (verb: string, data: Record<string, unknown>) =>
        t.send('card-action-execute', student, { verb, replyToId: 'act-1', data: { reflectionId: reflection.id, ...data } });
      expect((await tap('reflection.feel', { emotion: 'good' })).status).toBe(200);
      await t.bot.router.idle();
      const before = { ...emulator.requests };
      expect((await tap('reflection.submit', answer)).status).toBe(200);
      const reads = emulator.requests.reads - before.reads + emulator.requests.queries - before.queries;
      // Each query is preceded by the SDK's request for its plan (2 here): round trips that read no document.
      expect({ reads, writes: emulator.requests.writes - before.writes }).toEqual({ reads: 4, writes: 2 });
      expect(await t.bot.deps.repos.reflections.get(person.id, reflection.id)).toMatchObject({ status: 'submitted' });
    } finally {
      await t.stop();
      await store.close();
      await emulator.close();
    }
  });
});
