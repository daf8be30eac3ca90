import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { Collection, Doc, DocumentStore } from '../../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import {
  actionData,
  shadowDayAnswer as answer,
  cardText,
  classWith,
  execute,
  invokeCard,
  personOf,
  promptsTo,
  runJob,
  shadowDayCampaignFor,
} from '../../helpers/campaigns.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// What a campaign prompt costs the store (issue 14): the delivery's claim and its outcome, two writes, and
// no reflection until the student answers. The store is the real SQLite store; a thin layer in front of it
// counts the writes per collection.

/** The real store, with every create, replace and delete counted per collection. */
function countingStore(inner: DocumentStore) {
  const writes = new Map<string, number>();
  const count = (name: string) => writes.set(name, (writes.get(name) ?? 0) + 1);
  const store: DocumentStore = {
    kind: inner.kind,
    async collection<T extends Doc>(def: Parameters<DocumentStore['collection']>[0]): Promise<Collection<T>> {
      const c = await inner.collection<T>(def);
      return {
        name: c.name,
        get: (pk, id) => c.get(pk, id),
        find: (q) => c.find(q),
        count: (q) => c.count(q),
        create: (doc) => {
          count(def.name);
          return c.create(doc);
        },
        replace: (doc) => {
          count(def.name);
          return c.replace(doc);
        },
        delete: (doc) => {
          count(def.name);
          return c.delete(doc);
        },
      };
    },
    ping: () => inner.ping(),
    purgeErased: () => inner.purgeErased(),
    close: () => inner.close(),
  };
  return { store, writes };
}

const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

describe('a campaign prompt in the store', () => {
  it('costs two writes (claim, outcome) and no reflection; the student’s answer stores the reflection once', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const { store, writes } = countingStore(SqliteStore.open(':memory:'));
    const t = await startTestBot({ clock, store });
    bots.push(t);
    const { users, groupId } = await classWith(t, '4H', 4);
    const engine = t.bot.deps.modules.campaigns;
    const now = clock.now().toISOString();
    const created = await shadowDayCampaignFor(engine, groupId, now, {
      name: 'Meeloopdag',
      activityKey: 'store-writes',
      reminders: { afterHours: 4, max: 1 },
    });
    expect(created.ok).toBe(true);
    await runJob(t, 'campaigns.plan');

    writes.clear();
    const sent = (await runJob(t, 'campaigns.send')) as { sent: number };
    expect(sent.sent).toBe(4);
    expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 1, 1, 1]);
    expect(writes.get('deliveries')).toBe(2 * 4);
    expect(writes.get('reflections') ?? 0).toBe(0);
    const student = await personOf(t, users[0]!);
    expect(await t.bot.repos.reflections.listByStudent(student.id)).toEqual([]);

    // Choosing a feeling shows the questions of that branch and still writes nothing.
    const { reflectionId } = actionData(promptsTo(t, users[0]!)[0], 'reflection.feel') as { reflectionId: string };
    writes.clear();
    const branch = invokeCard(await execute(t, users[0]!, 'reflection.feel', { reflectionId, emotion: 'proud' }));
    expect(cardText(branch).length).toBeGreaterThan(0);
    expect(writes.get('reflections') ?? 0).toBe(0);

    // Someone else's prompt cannot be answered: refused, nothing stored for either of them.
    const other = await personOf(t, users[1]!);
    const refused = invokeCard(await execute(t, users[1]!, 'reflection.submit', { reflectionId, ...answer }));
    expect(cardText(refused)).not.toContain('Dank je wel');
    expect(await t.bot.repos.reflections.listByStudent(other.id)).toEqual([]);
    expect(await t.bot.repos.reflections.listByStudent(student.id)).toEqual([]);

    // The answer stores the reflection, as the campaign's, and the ledger counts it answered.
    const summary = invokeCard(await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer }));
    expect(cardText(summary)).toContain('Dank je wel');
    const stored = await t.bot.repos.reflections.get(student.id, reflectionId);
    expect(stored).toMatchObject({
      status: 'submitted',
      source: { kind: 'campaign', campaignId: created.ok && created.campaign.id },
    });
    expect(await engine.camp.deliveries.find(tenantId, { studentId: student.id })).toMatchObject([{ state: 'answered' }]);
    // A second tap on the same card finds the stored answer (the summary), not a second reflection.
    const again = invokeCard(await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer }));
    expect(cardText(again)).not.toContain('Dank je wel');
    expect(await t.bot.repos.reflections.listByStudent(student.id)).toHaveLength(1);

    // The reminder goes to those who did not answer, for the same reflection, still without storing one.
    clock.advance(4 * 3_600_000 + 60_000);
    writes.clear();
    const reminded = (await runJob(t, 'campaigns.send')) as { reminded: number };
    expect(reminded.reminded).toBe(3);
    expect(writes.get('reflections') ?? 0).toBe(0);
    expect(promptsTo(t, users[1]!)).toHaveLength(2);
    expect(actionData(promptsTo(t, users[1]!)[1], 'reflection.feel')).toEqual(
      actionData(promptsTo(t, users[1]!)[0], 'reflection.feel'),
    );
    expect(promptsTo(t, users[0]!)).toHaveLength(1);
  });
});
