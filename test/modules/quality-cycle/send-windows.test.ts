import { afterEach, describe, expect, it } from 'vitest';
import type { ConversationRef } from '../../../src/core/entities.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import type { QualityCycle } from '../../../src/modules/quality-cycle/quality-cycle.ts';
import type { MilestoneView } from '../../../src/modules/quality-cycle/reminders.ts';
import { TeamsCycleNotifier } from '../../../src/modules/quality-cycle/teams-notifier.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient } from '../../../src/teams/connector.ts';
import { TeamsSendThrottle } from '../../../src/teams/rate-limit.ts';
import { Reach } from '../../../src/teams/reach.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';

// Quality-cycle channel posts and their updates in place are proactive messages like any other: they
// take their place in the tenant's send windows, so a reminder run next to a campaign cannot push the
// tenant over Teams' limit.

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
    const deps = { reach, connector: client, repos, defaultLocale: 'nl' as const };
    const notifier = new TeamsCycleNotifier(deps);

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
    const posted = await Promise.all(channels.map((ref, i) => notifier.postToChannel(ref, view(i), undefined)));
    await Promise.all(posted.map((card, i) => notifier.update(card, { ...view(i), state: 'done' })));

    expect(connector.recorded.filter((r) => r.op === 'create')).toHaveLength(6);
    expect(connector.recorded.filter((r) => r.op === 'update')).toHaveLength(6);
    expect(throttle.stats.requests).toBe(12);
    expect(connector.stats.limited).toBe(0);
  });
});
