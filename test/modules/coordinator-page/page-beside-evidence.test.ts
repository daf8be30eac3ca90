import { describe, expect, it } from 'vitest';
import type { Competency } from '../../../src/core/types.ts';
import type { Delivery } from '../../../src/modules/campaigns/campaigns.ts';
import { campaign, evidence, type FakeGroup, overview, prompts, studentsOf, team } from '../../helpers/fake-school.ts';

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

describe('competency coverage: the coordinator page beside each team’s Check evidence', () => {
  // Team A: A1 (25 students) and A2 (3); team B: B1 (20) and B2 (30). The evidence of team A shows the team
  // total and hides A2 and, to protect it, A1. If the page, deciding over all four classes, hides another
  // class instead and shows A1, the coordinator subtracts: team A's total − A1 = A2.
  const A1: FakeGroup = { id: 'A1', team: 'team-a', size: 25 };
  const A2: FakeGroup = { id: 'A2', team: 'team-a', size: 3 };
  const B1: FakeGroup = { id: 'B1', team: 'team-b', size: 20 };
  const B2: FakeGroup = { id: 'B2', team: 'team-b', size: 30 };
  const teams = [team('team-a'), team('team-b')];
  const competencies = new Map<string, Set<Competency>>();
  for (const id of [...studentsOf(A1).slice(0, 10), ...studentsOf(A2).slice(0, 2)]) competencies.set(id, new Set(['qualities']));
  for (const g of [B1, B2]) for (const id of studentsOf(g).slice(0, 7)) competencies.set(id, new Set(['qualities']));
  const school = { groups: [A1, A2, B1, B2], teams, competencies };

  it('the 3-student class does not follow from the team total (evidence) minus the class the page shows', async () => {
    const page = await overview(school, { kind: 'school' }, teams);
    const teamA = await evidence(school, teams[0]!);
    const pageA1 = page.coverage.groups.find((g) => g.id === 'A1')!;
    expect(page.coverage.groups.find((g) => g.id === 'A2')!.figures.hidden).toBe(true);
    expect(teamA.coverage.groups.find((g) => g.id === 'A2')!.figures.hidden).toBe(true);
    // Percentages rounded as the page, its CSV and the evidence card print them.
    let derived: number | undefined;
    if (!teamA.coverage.total.hidden && !pageA1.figures.hidden) {
      const teamCount = (Math.round(teamA.coverage.total.value.qualities * 100) / 100) * teamA.students;
      const a1Count = (Math.round(pageA1.figures.value.qualities * 100) / 100) * pageA1.students;
      derived = Math.round(teamCount - a1Count);
    }
    expect(derived, `A2 students with 'qualities': ${derived}`).toBeUndefined();
  });

  it('a class the Check evidence shows is shown on the page too, and the page hides no more than it needs', async () => {
    const page = await overview(school, { kind: 'school' }, teams);
    const shown = page.coverage.groups.filter((g) => !g.figures.hidden).map((g) => g.id);
    // B1 and B2 are on team B's evidence: hiding them on the page would protect nothing.
    expect(shown).toEqual(['B1', 'B2']);
    expect(page.coverage.total.hidden).toBe(false);
  });
});
