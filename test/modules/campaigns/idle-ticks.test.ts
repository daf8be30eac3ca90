import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { classWith, promptsTo, runJob, shadowDayCampaignFor } from '../../helpers/campaigns.ts';
import { CountingStore, describeWork } from '../../helpers/counting-store.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// What the campaign jobs cost a quiet school (issue 14, bench/README.md "Store work and the Cosmos DB
// bill"): on Cosmos DB every read is billed, and these jobs tick all year on every instance. A campaign
// has sent its prompts and waits for answers; nothing is due. The planner reads only what can have
// changed, and the sender's 5-second ticks read nothing until the earliest dueAt or a minute has passed,
// while work made due is still sent at once on the instance that made it, and within that minute on
// another.

const bots: TestBot[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the campaign jobs with nothing to do', () => {
  it('read little per tick, and still send new work promptly', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-idle-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.db');
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const connector = await LoopbackConnector.start();
    const store = new CountingStore(SqliteStore.open(file));
    const t = await startTestBot({ clock, store, connector });
    // Another process on the same store: the command line, or a second instance.
    const other = await startTestBot({ clock, store: SqliteStore.open(file), connector });
    bots.push(t, other);
    const engine = t.bot.deps.modules.campaigns;
    const { users, groupId } = await classWith(t, '4H', 5);
    expect((await shadowDayCampaignFor(engine, groupId, clock.now().toISOString(), { activityKey: 'idle-1' })).ok).toBe(true);
    await runJob(t, 'campaigns.plan');
    expect((await runJob(t, 'campaigns.send')) as { sent: number }).toMatchObject({ sent: 5 });

    // Quiet: the prompts are out, the answers are open for a week.
    clock.advance(60 * 60_000);
    for (const job of ['campaigns.plan', 'campaigns.send'] as const) {
      await runJob(t, job);
      await runJob(t, job);
    }
    let mark = store.mark();
    await runJob(t, 'campaigns.plan');
    const plan = store.since(mark);
    // The job's own lease (a read to take it, one to give it back) is the scheduler's; the planner reads
    // the active campaigns, the school's send policy (school, calendar), the activity and the count of
    // open deliveries (is the campaign finished?): 7 in all, where it read 12.
    expect(plan.reads, describeWork(plan)).toBeLessThanOrEqual(7);
    expect(plan.byCollection['occurrences'], describeWork(plan)).toBeUndefined();

    // A minute of 5-second send ticks: one look at the outboxes (the schools, one school's outbox), where
    // every tick used to read both.
    mark = store.mark();
    for (let i = 0; i < 12; i++) {
      clock.advance(5_000);
      await runJob(t, 'campaigns.send');
    }
    const send = store.since(mark);
    expect(send.reads, describeWork(send)).toBeLessThanOrEqual(2);
    expect(send.writes).toBe(0);

    // A campaign created on this instance is sent by the next tick, without waiting for the minute.
    const second = await classWith(t, '4V', 2);
    expect((await shadowDayCampaignFor(engine, second.groupId, clock.now().toISOString(), { activityKey: 'idle-2' })).ok).toBe(
      true,
    );
    expect((await runJob(t, 'campaigns.send')) as { sent: number }).toMatchObject({ sent: 2 });
    for (const u of second.users) expect(promptsTo(t, u)).toHaveLength(1);
    await runJob(t, 'campaigns.send');

    // One created by another process is seen within the minute: not at the next tick, at the latest 60 s on.
    const third = await classWith(t, '4A', 2);
    const otherEngine = other.bot.deps.modules.campaigns;
    expect(
      (await shadowDayCampaignFor(otherEngine, third.groupId, clock.now().toISOString(), { activityKey: 'idle-3' })).ok,
    ).toBe(true);
    clock.advance(5_000);
    expect(await runJob(t, 'campaigns.send')).toBeUndefined();
    clock.advance(55_000);
    expect((await runJob(t, 'campaigns.send')) as { sent: number }).toMatchObject({ sent: 2 });
    for (const u of [...users, ...second.users, ...third.users]) expect(promptsTo(t, u)).toHaveLength(1);
    await connector.close();
  }, 60_000);
  it('do not sleep through a wake-up that came while a run was reading', async () => {
    const t = await startTestBot({ clock: new ManualClock('2026-11-25T13:00:00Z') });
    bots.push(t);
    const sender = t.bot.deps.modules.campaigns.sender;
    expect(await sender.tick()).toBeDefined();
    expect(await sender.tick()).toBeUndefined();
    // Deliveries planned while a run reads the outboxes (it finds nothing): the next tick must look.
    sender.wake();
    const reading = sender.tick();
    sender.wake();
    await reading;
    expect(await sender.tick()).toBeDefined();
  });
});
