import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../../src/core/entities.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { defaultQuietHours } from '../../../src/core/send-policy/quiet-hours.ts';
import { parseSchoolYear } from '../../../src/core/time/school-year.ts';
import { DeliveryEngine } from '../../../src/delivery/engine.ts';
import { defaultMilestoneTexts } from '../../../src/modules/quality-cycle/cards.ts';
import { MilestoneCards, type MilestoneView } from '../../../src/modules/quality-cycle/milestone-cards.ts';
import { channelTarget, type MilestoneSend, milestoneSends } from '../../../src/modules/quality-cycle/milestone-sends.ts';
import type { QualityCycle } from '../../../src/modules/quality-cycle/quality-cycle.ts';
import { openQualityCycleRepositories } from '../../../src/modules/quality-cycle/repositories.ts';
import { TeamsCycleNotifier } from '../../../src/modules/quality-cycle/teams-notifier.ts';
import type { QualityCycleDeps } from '../../../src/modules/quality-cycle/year-cycle.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createLogger } from '../../../src/platform/log.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient } from '../../../src/teams/connector.ts';
import { TeamsSendThrottle } from '../../../src/teams/rate-limit.ts';
import { Reach } from '../../../src/teams/reach.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';

// Quality-cycle channel posts and their updates in place are proactive messages like any other: they
// take their place in the tenant's send windows, so a reminder run next to a campaign cannot push the
// tenant over Teams' limit. The posts go out as the reminder job sends them: the module's milestone
// sends through the delivery engine.

const schoolId = 'school-tenant';

function view(i: number): MilestoneView {
  const cycle: QualityCycle = {
    id: '2026-2027:team:havo-4',
    version: 1,
    schoolId,
    schoolYear: '2026-2027',
    level: 'team',
    teamId: 'havo-4',
    milestones: [],
    createdAt: '2026-09-01T07:00:00Z',
    updatedAt: '2026-09-01T07:00:00Z',
  };
  return {
    cycle,
    milestone: {
      id: `m-${i}`,
      phase: 'plan',
      title: `Mijlpaal ${i}`,
      description: 'Werkplan LOB vastgesteld',
      due: '2026-10-01',
      owner: { kind: 'role', role: 'team-leader' },
    },
    team: undefined,
    state: 'due-soon',
    timeZone: 'Europe/Amsterdam',
    ownerNames: ['Lisa de Teamleider'],
    purpose: 'channel',
  };
}

describe('quality-cycle channel posts and updates', () => {
  const opened: { close(): Promise<void> | void }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
  });

  it("are counted by the tenant's send throttle and stay inside its window", async () => {
    const connector = await LoopbackConnector.start({
      limits: { tenantPerSecond: 5, conversationPerSecond: 7, window: 'sliding' },
    });
    opened.push(connector);
    const store = SqliteStore.open(':memory:');
    opened.push(store);
    const repos = await openRepositories(store);
    const throttle = new TeamsSendThrottle({ tenantPerSecond: 5, conversationPerSecond: 7 });
    const client = new ConnectorClient({ token: async () => undefined });
    opened.push(client);
    const reach = new Reach({
      repos,
      connector: client,
      clock: new ManualClock('2026-09-16T07:00:00Z'),
      defaultServiceUrl: connector.url,
      throttle,
    });
    // Thursday 17 September, 09:00 in Amsterdam: the reminder window of a milestone due 1 October opens.
    const clock = new ManualClock('2026-09-17T07:00:00Z');
    const cycleDeps: QualityCycleDeps = {
      repos,
      cycles: await openQualityCycleRepositories(store),
      clock,
      newId: () => 'id',
      defaults: { locale: 'nl', timeZone: 'Europe/Amsterdam' },
      defaultTexts: defaultMilestoneTexts,
    };
    const notifier = new TeamsCycleNotifier({ reach });
    const cards = new MilestoneCards({ ...cycleDeps, updater: notifier, log: createLogger('silent') });
    const engine = new DeliveryEngine({
      sender: reach,
      conversations: reach,
      sendPolicy: async () => ({ timeZone: 'Europe/Amsterdam', quietHours: defaultQuietHours, holidays: [] }),
      log: createLogger('silent'),
    });

    // Six channels (six education teams) reminded at once, then every card updated in place.
    const channels: ConversationRef[] = Array.from({ length: 6 }, (_, i) => ({
      id: `team-${i}`,
      version: 1,
      schoolId,
      kind: 'team',
      tenantId: schoolId,
      conversationId: `19:channel-${i}@thread.tacv2`,
      serviceUrl: connector.url,
      botId: '28:bot',
      installed: true,
      updatedAt: '2026-09-16T07:00:00Z',
    }));
    const cycle = await cycleDeps.cycles.cycles.ensure({
      ...view(0).cycle,
      milestones: channels.map((_, i) => view(i).milestone),
    });
    const schoolClock = {
      school: undefined,
      timeZone: 'Europe/Amsterdam',
      locale: 'nl' as const,
      today: '2026-09-17',
      year: parseSchoolYear('2026-2027')!,
    };
    const sends: MilestoneSend[] = channels.map((ref, i) => ({
      key: `m-${i}`,
      step: 'reminder',
      purpose: 'channel',
      cycle,
      milestoneId: `m-${i}`,
      team: undefined,
      clock: schoolClock,
      days: 14,
      to: channelTarget(ref),
    }));
    const outcomes: string[] = [];
    const tally = await engine.deliver(
      milestoneSends({ ...cycleDeps, cards }, (_s, o) => outcomes.push(o)),
      sends,
      clock.now(),
    );
    expect(tally.sent).toBe(6);
    const posted = (await cycleDeps.cycles.cycles.get(schoolId, cycle.id))!.milestones.flatMap((m) => m.cards ?? []);
    expect(posted.map((c) => c.conversationId)).toEqual(channels.map((c) => c.conversationId));
    await Promise.all(posted.map((card, i) => notifier.update(card, { ...view(i), state: 'done' })));

    expect(connector.recorded.filter((r) => r.op === 'create')).toHaveLength(6);
    expect(connector.recorded.filter((r) => r.op === 'update')).toHaveLength(6);
    expect(throttle.stats.requests).toBe(12);
    expect(connector.stats.limited).toBe(0);
  });
});
