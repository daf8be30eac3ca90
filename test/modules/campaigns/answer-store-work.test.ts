import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import { promptReflection } from '../../../src/modules/campaigns/delivery-ledger.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { Write, Written } from '../../../src/platform/store/document-store.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { backends } from '../../helpers/backends.ts';
import {
  actionData,
  shadowDayAnswer as answer,
  cardText,
  classWith,
  execute,
  install,
  invokeCard,
  personOf,
  promptsTo,
  runJob,
  shadowDayCampaignFor,
} from '../../helpers/campaigns.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';
import { CountingStore, describeWork } from '../../helpers/counting-store.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// What the answer to a campaign prompt costs the store (issue 14), posted to /api/messages as Teams posts
// it and counted on the real store. The prompt's delivery stands for the reflection until the student's
// first answer, so the lookup reads the delivery; the submit then uses that read for the ledger too: the
// delivery is read once per turn, and its version is the check of the ledger's write, which joins the
// answer's write call (after the reflection, the write that decides). The first tap (the emotion, which
// opens the questions) only reads.

/** The counting store, where a test can have another writer get in just before the answer's write call. */
class RacedStore extends CountingStore {
  before: (() => Promise<unknown>) | undefined;
  override async writeAll(writes: readonly Write[]): Promise<Written> {
    const other = this.before;
    this.before = undefined;
    await other?.();
    return super.writeAll(writes);
  }
}

/** A class of two with a mentor, a shadow-day campaign for it, and its prompts sent. */
async function prompted(t: TestBot): Promise<{ users: TestUser[]; person: Person; mentorId: string; reflectionId: string }> {
  const { users, groupId } = await classWith(t, '4H', 2);
  const mentor = testUser('Mo Mentor', 'mo@school.nl');
  await install(t, mentor);
  for (const u of users) await assignMentor(t.bot.deps.install, tenantId, { studentEmail: u.email, mentorEmail: mentor.email });
  const engine = t.bot.deps.modules.campaigns;
  const created = await shadowDayCampaignFor(engine, groupId, t.bot.deps.clock.now().toISOString(), {
    name: 'Meeloopdag',
    activityKey: 'answer-store-work',
    reminders: { afterHours: 4, max: 1 },
  });
  expect(created.ok).toBe(true);
  await runJob(t, 'campaigns.plan');
  expect(((await runJob(t, 'campaigns.send')) as { sent: number }).sent).toBe(2);
  const { reflectionId } = actionData(promptsTo(t, users[0]!)[0], 'reflection.feel') as { reflectionId: string };
  return { users, person: await personOf(t, users[0]!), mentorId: (await personOf(t, mentor)).id, reflectionId };
}

describe.each(backends)('the store work of the answer to a campaign prompt: $name', (backend) => {
  let t: TestBot;
  let store: RacedStore;
  const clock = new ManualClock('2026-11-25T13:00:00Z');
  beforeEach(async () => {
    clock.set('2026-11-25T13:00:00Z');
    store = new RacedStore(await backend.open());
    store.trace = true;
    t = await startTestBot({ clock, store });
  });
  afterEach(async () => {
    await t.stop();
    await store.close();
  });

  it('reads the delivery once per turn and writes the answer, the mentor item and the ledger in one call', async () => {
    const { users, person, mentorId, reflectionId } = await prompted(t);

    // The first tap: the emotion, which shows the questions. It reads and writes nothing.
    let mark = store.mark();
    const branch = invokeCard(await execute(t, users[0]!, 'reflection.feel', { reflectionId, emotion: 'proud' }));
    expect(cardText(branch).length).toBeGreaterThan(0);
    let work = store.since(mark);
    let trace = describeWork(work);
    expect(work.writes, trace).toBe(0);
    expect(work.byCollection['deliveries']?.reads, trace).toBe(1);
    expect(work.reads, trace).toBeLessThanOrEqual(4);

    // The submit: the submit's 4 reads and the delivery once; one write call, the ledger's write last.
    mark = store.mark();
    const summary = invokeCard(await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer }));
    expect(cardText(summary)).toContain('Dank je wel');
    await t.bot.router.idle();
    work = store.since(mark);
    trace = describeWork(work);
    expect(work.byCollection['deliveries']?.reads, trace).toBe(1);
    expect(work.reads, trace).toBeLessThanOrEqual(5);
    expect(work.transactions, trace).toBe(1);
    expect(
      work.calls.filter((c) => c.unit !== undefined).map((c) => `${c.op} ${c.collection}`),
      trace,
    ).toEqual(['create mentor_items', 'create reflections', 'replace deliveries']);
    expect(work.commits, trace).toBe(backend.name === 'sqlite' ? 1 : 3);

    // What the coordinator's ledger and the mentor see.
    const camp = t.bot.deps.modules.campaigns.camp;
    const ledger = await camp.deliveries.find(tenantId, {});
    expect(ledger.find((d) => d.studentId === person.id)).toMatchObject({
      state: 'answered',
      answeredAt: clock.now().toISOString(),
    });
    expect(ledger.find((d) => d.studentId === person.id)).not.toHaveProperty('dueAt');
    expect(ledger.find((d) => d.studentId !== person.id)).toMatchObject({ state: 'sent' });
    const stored = await t.bot.deps.repos.reflections.get(person.id, reflectionId);
    expect(stored).toMatchObject({ status: 'submitted', routing: 'routed', source: { kind: 'campaign' } });
    expect(stored).not.toHaveProperty('late');
    expect(await t.bot.deps.repos.mentorItems.listByMentor(mentorId)).toMatchObject([{ reflectionId, state: 'pending' }]);
  });

  it('marks an answer after the window closed late in the same write call, the reflection and the delivery', async () => {
    const { users, person, reflectionId } = await prompted(t);
    clock.advance(8 * 24 * 3_600_000);
    const mark = store.mark();
    invokeCard(await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer }));
    await t.bot.router.idle();
    const work = store.since(mark);
    const trace = describeWork(work);
    expect(work.byCollection['deliveries']?.reads, trace).toBe(1);
    // A week on, the school is read again too (each process keeps the schools it saw for 5 minutes).
    expect(work.reads - (work.byCollection['schools']?.reads ?? 0), trace).toBeLessThanOrEqual(5);
    expect(work.transactions, trace).toBe(1);
    expect(await t.bot.deps.repos.reflections.get(person.id, reflectionId)).toMatchObject({ status: 'submitted', late: true });
    const ledger = await t.bot.deps.modules.campaigns.camp.deliveries.find(tenantId, { studentId: person.id });
    expect(ledger).toMatchObject([{ state: 'answered', late: true }]);
  });

  it('still marks the delivery answered when the sender moved it between the lookup and the write', async () => {
    const { users, person, reflectionId } = await prompted(t);
    const camp = t.bot.deps.modules.campaigns.camp;
    const [read] = await camp.deliveries.find(tenantId, { studentId: person.id });
    // A reminder went out meanwhile: the delivery's version moved on. The answer is not refused for it.
    store.before = () => camp.deliveries.update(tenantId, read!.id, (d) => ({ ...d, state: 'reminded', reminders: 1 }));
    const mark = store.mark();
    const summary = invokeCard(await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer }));
    expect(cardText(summary)).toContain('Dank je wel');
    const work = store.since(mark);
    const trace = describeWork(work);
    // The other writer's replace, the joined one (skipped: the version it checks is gone), then the ledger's
    // read-modify-write of what is there now.
    expect(
      work.calls.filter((c) => c.unit !== undefined && c.collection === 'deliveries').map((c) => c.op),
      trace,
    ).toEqual(['replace', 'replace', 'replace']);
    expect(await t.bot.deps.repos.reflections.get(person.id, reflectionId)).toMatchObject({ status: 'submitted' });
    expect(await camp.deliveries.find(tenantId, { studentId: person.id })).toMatchObject([
      { state: 'answered', reminders: 1, version: read!.version + 2 },
    ]);
  });

  it('reads the delivery once for a campaign reflection stored before its submit, and joins the ledger to the write', async () => {
    const { users, person, reflectionId } = await prompted(t);
    const camp = t.bot.deps.modules.campaigns.camp;
    const [d] = await camp.deliveries.find(tenantId, { studentId: person.id });
    // As a preparation answer stores it (or an answer whose ledger write was lost).
    const { version: _, ...draft } = promptReflection(d!, t.bot.deps.flows.get(d!.flowId)!, 'nl');
    await t.bot.deps.repos.reflections.create(draft);
    const mark = store.mark();
    invokeCard(await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer }));
    await t.bot.router.idle();
    const work = store.since(mark);
    const trace = describeWork(work);
    expect(work.byCollection['deliveries']?.reads, trace).toBe(1);
    expect(work.reads, trace).toBeLessThanOrEqual(5);
    expect(work.transactions, trace).toBe(1);
    expect(
      work.calls.filter((c) => c.unit !== undefined).map((c) => `${c.op} ${c.collection}`),
      trace,
    ).toEqual(['create mentor_items', 'replace reflections', 'replace deliveries']);
    expect(await camp.deliveries.find(tenantId, { studentId: person.id })).toMatchObject([{ state: 'answered' }]);
  });
});

describe('the requests the answer to a campaign prompt makes of Cosmos DB (the emulator counts them)', () => {
  it('is 5 reads and 3 writes: no read of the delivery again before its version-checked write', async () => {
    const emulator = await startCosmosEmulator();
    const store = await openEmulatedCosmosStore(emulator.endpoint);
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const t = await startTestBot({ clock, store });
    try {
      const { users, person, reflectionId } = await prompted(t);
      expect((await execute(t, users[0]!, 'reflection.feel', { reflectionId, emotion: 'proud' })).status).toBe(200);
      await t.bot.router.idle();
      const before = { ...emulator.requests };
      expect((await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer })).status).toBe(200);
      await t.bot.router.idle();
      const reads = emulator.requests.reads - before.reads + emulator.requests.queries - before.queries;
      expect({ reads, writes: emulator.requests.writes - before.writes }).toEqual({ reads: 5, writes: 3 });
      expect(await t.bot.deps.repos.reflections.get(person.id, reflectionId)).toMatchObject({ status: 'submitted' });
      const ledger = await t.bot.deps.modules.campaigns.camp.deliveries.find(tenantId, { studentId: person.id });
      expect(ledger).toMatchObject([{ state: 'answered' }]);
    } finally {
      await t.stop();
      await store.close();
      await emulator.close();
    }
  });
});
