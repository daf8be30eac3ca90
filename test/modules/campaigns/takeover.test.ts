import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { classWith, promptsTo, shadowDayCampaignFor } from '../../helpers/campaigns.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// An instance that dies while its prompts are on the wire leaves them claimed. Another instance may take
// over the school once the dead one's lease ends (CAMPAIGN_LEASE_SECONDS, 30 s); the prompts it held must
// be free by then too, not two minutes later (issue 14). The dead instance is one whose sends wait in its
// send window (one request a second), so its claims are still held when the clock moves on.

const bots: TestBot[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('a dead instance’s prompts', () => {
  it('are sent by another instance as soon as the dead one’s lease on the school ends', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-takeover-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.db');
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const connector = await LoopbackConnector.start();
    // The first instance may send one request a second: its claimed prompts wait in its send window when it "dies".
    const a = await startTestBot({ clock, store: SqliteStore.open(file), connector, env: { TEAMS_TENANT_RPS: '1' } });
    const b = await startTestBot({ clock, store: SqliteStore.open(file), connector });
    bots.push(a, b);
    const { users, groupId } = await classWith(b, '4H', 5);
    const engineA = a.bot.deps.modules.campaigns;
    const engineB = b.bot.deps.modules.campaigns;
    const now = clock.now().toISOString();
    const created = await shadowDayCampaignFor(engineA, groupId, now, { activityKey: 'takeover' });
    expect(created.ok).toBe(true);

    // The first instance takes the school's lease and claims every prompt; then it is as good as dead.
    const dying = engineA.sender.run();
    const claimed = async () =>
      (await engineA.camp.deliveries.find(tenantId, {})).filter((d) => d.state === 'sending' || d.state === 'sent');
    for (let i = 0; i < 300 && (await claimed()).length < 5; i++) await new Promise((r) => setTimeout(r, 10));
    const leaseEnds = clock.now().getTime() + 30_000;
    for (const d of await claimed())
      if (d.state === 'sending') expect(new Date(d.dueAt!).getTime()).toBeLessThanOrEqual(leaseEnds);

    // Before the lease ends the other instance sends nothing; just after, it sends what the dead one still held.
    clock.advance(29_000);
    expect((await engineB.sender.run()).sent).toBe(0);
    clock.advance(2_000);
    const held = (await engineB.camp.deliveries.find(tenantId, { states: ['sending'] })).length;
    const taken = await engineB.sender.run();
    expect(held).toBeGreaterThan(0);
    expect(taken.sent).toBe(held);
    await dying;
    const ledger = await engineB.camp.deliveries.find(tenantId, {});
    expect(ledger.map((d) => d.state)).toEqual(users.map(() => 'sent'));
    // The dead instance's requests still waiting in its window go out too: at most one more per prompt held.
    for (const u of users) expect(promptsTo(a, u).length).toBeGreaterThanOrEqual(1);
    for (const u of users) expect(promptsTo(a, u).length).toBeLessThanOrEqual(2);
    await connector.close();
  }, 30_000);
});
