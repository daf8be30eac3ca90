import { afterAll, beforeAll, expect, it } from 'vitest';
import { ids } from '../../../src/modules/campaigns/campaigns.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { tenantId } from '../../helpers/activities.ts';
import { classWith, promptsTo } from '../../helpers/campaigns.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// Two bot instances on one Cosmos DB (the emulator), sending one campaign at the same time: leases and
// claims (ETag compare-and-swap) make sure every student gets the prompt exactly once.

let emulator: Awaited<ReturnType<typeof startCosmosEmulator>>;
let connector: LoopbackConnector;
const bots: TestBot[] = [];

beforeAll(async () => {
  emulator = await startCosmosEmulator();
  connector = await LoopbackConnector.start({ latencyMs: 3 });
});
afterAll(async () => {
  for (const b of bots) await b.stop();
  for (const b of bots) await b.store.close();
  await connector.close();
  await emulator.close();
});

it('sends each prompt once with two instances on one Cosmos DB, planning and sending at the same time', async () => {
  const clock = new ManualClock('2026-11-25T13:00:00Z');
  const database = `campaigns${Date.now()}`;
  for (let i = 0; i < 2; i++)
    bots.push(await startTestBot({ clock, connector, store: await openEmulatedCosmosStore(emulator.endpoint, database) }));
  const [a, b] = bots as [TestBot, TestBot];
  const { users, groupId } = await classWith(a, '4H', 12);
  const engineA = a.bot.deps.modules.campaigns;
  const engineB = b.bot.deps.modules.campaigns;
  const now = clock.now().toISOString();
  await engineA.camp.activities.save({
    id: 'act-1',
    schoolId: tenantId,
    type: 'shadow-day',
    title: '',
    startsAt: '2026-11-25T08:00:00.000Z',
    endsAt: '2026-11-25T12:59:00.000Z',
    groupIds: [groupId],
    studentIds: [],
    createdAt: now,
    updatedAt: now,
  });
  const { campaign } = await engineA.camp.campaigns.create({
    id: ids.campaign(tenantId, 'cosmos-test'),
    schoolId: tenantId,
    name: 'Meeloopdag',
    flowId: 'free',
    activityType: 'shadow-day',
    groupIds: [groupId],
    activityIds: ['act-1'],
    schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
    reminders: { afterHours: 4, max: 1 },
    closeAfterDays: 7,
    state: 'active',
    notBefore: '2026-11-18T13:00:00.000Z',
    createdAt: now,
    updatedAt: now,
    statusCards: [],
  });
  // Both instances plan the same occurrence at once: one wins the lease; the ids make a second run harmless.
  await Promise.all([engineA.planner.planCampaign(campaign), engineB.planner.planCampaign(campaign)]);
  await engineB.planner.planCampaign(campaign);
  expect(await engineA.camp.deliveries.count(tenantId, { campaignId: campaign.id })).toBe(12);

  // Both send at once without the school's lease: the claims (ETag compare-and-swap) keep them apart.
  const [ra, rb] = await Promise.all([engineA.sender.sendDue(tenantId), engineB.sender.sendDue(tenantId)]);
  expect(ra.sent + rb.sent).toBe(12);
  await Promise.all([engineA.sender.run(), engineB.sender.run()]);
  expect(users.map((u) => promptsTo(a, u).length)).toEqual(users.map(() => 1));
});
