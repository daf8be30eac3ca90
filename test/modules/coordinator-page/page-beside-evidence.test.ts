import { describe, expect, it } from 'vitest';
import type { Delivery } from '../../../src/modules/campaigns/campaigns.ts';
import { campaign, evidence, type FakeGroup, overview, prompts, team } from '../../helpers/fake-school.ts';

// A viewer sees the coordinator page and the Check evidence of the teams they may open. Figures of the two
// that add up must be decided with each other, or a figure one of them hides follows from the other.

describe('not reached: a team leader’s page beside each team’s Check evidence', () => {
  // Team A (class A1, 25 students) and team B (class B1, 3 students), one team leader. The page counts per
  // reason over both teams; team A's evidence shows its own count. Page − A = B.
  const A1: FakeGroup = { id: 'A1', team: 'team-a', size: 25 };
  const B1: FakeGroup = { id: 'B1', team: 'team-b', size: 3 };
  const c = campaign('c-open', 'open-day', ['A1', 'B1']);
  const oct = '2026-10-20T13:00:00.000Z';
  // One student of B1 blocked the bot: the ledger says so and Reach marked the person unreachable.
  const blocked = 'B1-s0';
  const deliveries: Delivery[] = [
    ...prompts(c, A1, oct, 12),
    ...prompts(c, B1, oct, 1).map((d) =>
      d.studentId === blocked
        ? ({ ...d, state: 'unreachable', reason: 'blocked', sentAt: undefined, answeredAt: undefined } as Delivery)
        : d,
    ),
  ];
  const teams = [team('team-a'), team('team-b')];
  const school = { groups: [A1, B1], campaigns: [c], deliveries, teams, unreachable: new Set([blocked]) };

  it('the small team’s count does not follow from the page’s counts minus the other team’s', async () => {
    const page = await overview(school, { kind: 'teams', teams }, teams);
    const [a, b] = [await evidence(school, teams[0]!), await evidence(school, teams[1]!)];
    expect(b.unreachable.hidden).toBe(true);
    expect(page.unreachable.students).toBeUndefined();
    let derived: number | undefined;
    if (!page.unreachable.byReason.hidden && !a.unreachable.hidden)
      derived = page.unreachable.byReason.value.reduce((n, r) => n + r.count, 0) - a.unreachable.value.count;
    expect(derived, `team B unreachable derived: ${derived}; page: ${JSON.stringify(page.unreachable.byReason)}`).toBeUndefined();
  });

  it('a team leader of big teams only keeps the counts per reason', async () => {
    const big: FakeGroup = { id: 'B1', team: 'team-b', size: 8 };
    const page = await overview({ ...school, groups: [A1, big] }, { kind: 'teams', teams }, teams);
    expect(page.unreachable.byReason).toEqual({ hidden: false, respondents: 33, value: [{ reason: 'blocked', count: 1 }] });
  });
});
