import {
  type Aggregate,
  aggregate,
  type Figure,
  type FigureSum,
  mayShowAggregate,
  suppressFigures,
} from '../../core/aggregates.ts';
import type { Competency } from '../../core/types.ts';
import {
  type CompetencyShares,
  competencyShares,
  type EvidenceGroup,
  hiddenCoverageGroups,
} from '../quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../quality-cycle/quality-cycle.ts';
import type { CoordinatorOverview, OverviewDeps, OverviewGroup } from './overview.ts';

// Competency coverage on the page, decided with the Check evidence the same viewer can open. Each team's
// evidence shows its total and hides some of its groups (hiddenCoverageGroups); the page shows the groups
// of its scope and their total. A group hidden in one and shown in the other, beside a total shown in
// either, gives a small group away, so the evidence's figures are fixed here and the page makes up for them.

const hiddenFigure = { hidden: true, reason: 'too-few-respondents' } as const;

export async function pageCoverage(
  deps: Pick<OverviewDeps, 'evidence'>,
  page: {
    groups: readonly OverviewGroup[];
    studentIds: readonly string[];
    entries: Map<string, ReadonlySet<Competency>>;
    /** The teams whose Check evidence the viewer can open. */
    teams: readonly EducationTeam[];
  },
): Promise<CoordinatorOverview['coverage']> {
  const figures = new Map<string, Figure<string>>();
  const sums: FigureSum<string>[] = [];
  const own = (id: string) => `group:${id}`;
  for (const g of page.groups) figures.set(own(g.id), { key: own(g.id), respondents: g.studentIds.length });
  const total = page.studentIds.length;
  figures.set('total', { key: 'total', respondents: total, fixed: mayShowAggregate(total) ? 'shown' : 'hidden' });
  sums.push({ total: 'total', parts: page.groups.map((g) => own(g.id)) });
  for (const team of page.teams) {
    const groups: readonly EvidenceGroup[] = await deps.evidence.groups(team);
    const hidden = hiddenCoverageGroups(groups);
    const students = new Set(groups.flatMap((g) => g.studentIds)).size;
    figures.set(`team:${team.id}`, {
      key: `team:${team.id}`,
      respondents: students,
      fixed: mayShowAggregate(students) ? 'shown' : 'hidden',
    });
    sums.push({ total: `team:${team.id}`, parts: groups.map((g) => own(g.id)) });
    for (const g of groups) {
      const onPage = figures.get(own(g.id));
      const n = g.studentIds.length;
      // Shown in the evidence: the viewer knows it, wherever else it is hidden.
      if (!hidden.has(g.id)) figures.set(own(g.id), { key: own(g.id), respondents: n, fixed: 'shown' });
      // On the page and hidden in the evidence: the page decides. Only in the evidence: hidden there, for
      // its own size (to protect) or to protect another (unknown to the viewer, protects nothing itself).
      else if (!onPage)
        figures.set(
          own(g.id),
          mayShowAggregate(n)
            ? { key: own(g.id), respondents: n, virtual: true }
            : { key: own(g.id), respondents: n, fixed: 'hidden' },
        );
    }
  }
  const hidden = suppressFigures([...figures.values()], sums);
  return {
    groups: page.groups.map((g) => ({
      id: g.id,
      name: g.name,
      students: g.studentIds.length,
      small: !mayShowAggregate(g.studentIds.length),
      figures: (hidden.has(own(g.id))
        ? hiddenFigure
        : aggregate(g.studentIds.length, competencyShares(g.studentIds, page.entries))) as Aggregate<CompetencyShares>,
    })),
    total: aggregate(total, competencyShares(page.studentIds, page.entries)),
    students: total,
  };
}
