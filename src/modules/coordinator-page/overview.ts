import { type Aggregate, aggregate, isSmallGroup } from '../../core/aggregates.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SchoolYear } from '../../core/time/school-year.ts';
import type { Campaign, Delivery } from '../campaigns/campaigns.ts';
import type { CampaignRepositories } from '../campaigns/ports.ts';
import { statusOf, unreachablePeople } from '../campaigns/status.ts';
import type { CheckEvidenceSource, CompetencyShares, EvidencePeriod, RelatedPeriods } from '../quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../quality-cycle/quality-cycle.ts';
import type { PhaseCount } from '../quality-cycle/year-cycle.ts';
import { pageCoverage } from './coverage-figures.ts';
import { evidenceFigures, reachedGroups, suppressPage } from './figures.ts';
import { monthsOf, type RateSeries, rateSeries, sentMonth } from './response-rates.ts';

// What the coordinator page shows, computed from the store with the rules the rest of the product uses:
// a campaign's figures are its status (campaign-status.ts, as on the status card), response counts follow
// the Check evidence's counting rule (countSent), competency coverage its shares and small-group rule
// (check-evidence.ts, aggregates.ts). Nothing here reads an answer; figures about fewer than 5 students
// are hidden, and so are as many others as it takes that no hidden one follows from the sums beside it
// (figures.ts decides for the whole page at once, coverage-figures.ts for the coverage).

/** Whose data: the whole school (coordinators, admins) or the groups of some education teams (team leaders). */
export type OverviewScope = { kind: 'school' } | { kind: 'teams'; teams: readonly EducationTeam[] };

export interface OverviewGroup {
  id: string;
  name: string;
  studentIds: readonly string[];
}

export interface CampaignRow {
  id: string;
  name: string;
  state: Campaign['state'];
  activityType: string;
  flowId: string;
  groupIds: string[];
  /** Timeline: from the first moment to the close of the last answer window (ISO). */
  from: string;
  to: string;
  /** Every count of the row, hidden together (as on the status card) when it is about 1 to 4 students. */
  figures: Aggregate<CampaignCounts>;
}

export interface CampaignCounts {
  planned: number;
  sent: number;
  answered: number;
  reminded: number;
  unreachable: number;
  late: number;
  /** answered / sent. */
  response: number;
}

export interface UnreachableRow {
  studentId: string;
  name: string;
  email?: string;
  reason: string;
  campaigns: string[];
}

export interface CoordinatorOverview {
  schoolYear: string;
  from: string;
  to: string;
  campaigns: CampaignRow[];
  /** Months of the school year up to now, `yyyy-mm`. */
  months: string[];
  response: { byGroup: RateSeries[]; byActivity: RateSeries[]; total: RateSeries };
  coverage: {
    groups: { id: string; name: string; students: number; small: boolean; figures: Aggregate<CompetencyShares> }[];
    total: Aggregate<CompetencyShares>;
    /** Distinct students of the groups (a student can be in two). */
    students: number;
  };
  qualityCycle: { level: 'school' | 'team'; teamId?: string; name: string; linked: boolean; counts: PhaseCount[] }[];
  /** Names only for the whole school (coordinators reach these students); per reason for team leaders. */
  unreachable: { students?: UnreachableRow[]; byReason: Aggregate<{ reason: string; count: number }[]> };
}

export interface OverviewDeps {
  camp: CampaignRepositories;
  repos: Pick<Repositories, 'people'>;
  evidence: Pick<CheckEvidenceSource, 'groups' | 'competencies' | 'schoolTeams'>;
  /** Moments of a campaign not planned yet, with their students (the campaign planner's). */
  upcoming(campaign: Campaign): Promise<{ scheduledAt: string; students: number }[]>;
  timeZone: string;
}

export interface OverviewInput {
  schoolId: string;
  scope: OverviewScope;
  year: SchoolYear;
  period: EvidencePeriod;
  qualityCycle: CoordinatorOverview['qualityCycle'];
  /** The teams whose Check evidence this viewer can open, and the periods it offers this year. */
  evidence?: { teams: readonly EducationTeam[]; periods: RelatedPeriods };
}

/** The scope's groups, and whether one of its teams is about 1 to 4 students (see `unreachable` below). */
async function scopeGroups(
  deps: OverviewDeps,
  schoolId: string,
  scope: OverviewScope,
): Promise<{ groups: OverviewGroup[]; smallTeam: boolean }> {
  if (scope.kind === 'teams') {
    const seen = new Map<string, OverviewGroup>();
    let smallTeam = false;
    for (const team of scope.teams) {
      const groups = await deps.evidence.groups(team);
      for (const g of groups) seen.set(g.id, g);
      if (isSmallGroup(new Set(groups.flatMap((g) => g.studentIds)).size)) smallTeam = true;
    }
    const groups = [...seen.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl', { numeric: true }));
    return { groups, smallTeam };
  }
  const groups = await deps.camp.groups.list(schoolId);
  return {
    groups: await Promise.all(
      groups.map(async (g) => ({
        id: g.id,
        name: g.name,
        studentIds: (await deps.camp.groups.members(schoolId, g.id)).map((m) => m.personId),
      })),
    ),
    smallTeam: false,
  };
}

export async function buildCoordinatorOverview(deps: OverviewDeps, input: OverviewInput): Promise<CoordinatorOverview> {
  const { schoolId, scope, period } = input;
  const { groups, smallTeam } = await scopeGroups(deps, schoolId, scope);
  const groupIds = new Set(groups.map((g) => g.id));
  const studentIds = [...new Set(groups.flatMap((g) => g.studentIds))];
  const students = new Set(studentIds);
  const start = period.start.toISOString();
  const end = period.end.toISOString();

  // Campaigns: the school's, or those reaching the team leader's groups (with figures for those groups only).
  // The school's ledger is read once and counted in memory by the status card's rules (statusOf).
  const campaigns = (await deps.camp.campaigns.list(schoolId)).filter(
    (c) => scope.kind === 'school' || c.groupIds.some((g) => groupIds.has(g)),
  );
  const [ledger, entries, timeline] = await Promise.all([
    deps.camp.deliveries.find(schoolId, {}),
    deps.evidence.competencies(studentIds, period),
    Promise.all(
      campaigns.map(async (c) => ({
        occurrences: await deps.camp.occurrences.listByCampaign(schoolId, c.id),
        upcoming: scope.kind === 'school' ? await deps.upcoming(c) : [],
      })),
    ),
  ]);
  const byCampaign = new Map<string, Delivery[]>();
  for (const d of ledger) {
    if (scope.kind === 'teams' && !(d.groupId !== undefined && groupIds.has(d.groupId))) continue;
    const list = byCampaign.get(d.campaignId);
    if (list) list.push(d);
    else byCampaign.set(d.campaignId, [d]);
  }
  const people = await unreachablePeople(deps.repos, schoolId, [...byCampaign.values()].flat());
  const statuses = campaigns.map((c, i) => ({
    status: statusOf(c, byCampaign.get(c.id) ?? [], timeline[i]!.occurrences, timeline[i]!.upcoming, people),
    occurrences: timeline[i]!.occurrences,
  }));
  // The same rows the Check evidence counts: prompts first sent in the period.
  const sentRows = ledger.filter((d) => d.sentAt !== undefined && d.sentAt >= start && d.sentAt < end);

  const allRows: (Omit<CampaignRow, 'figures'> & { counts: CampaignCounts; students: number })[] = statuses.map(
    ({ status: s, occurrences }) => {
      const c = s.campaign;
      const moments = [...occurrences.map((o) => o.scheduledAt), ...(s.nextAt ? [s.nextAt] : [])].sort();
      const first = moments[0] ?? c.createdAt;
      const lastMoment = moments.at(-1) ?? c.createdAt;
      const to = new Date(Date.parse(lastMoment) + c.closeAfterDays * 86_400_000).toISOString();
      return {
        id: c.id,
        name: c.name,
        state: c.state,
        activityType: c.activityType,
        flowId: c.flowId,
        groupIds: c.groupIds,
        from: first,
        to,
        counts: {
          planned: s.toSend + s.upcoming,
          sent: s.sent,
          answered: s.answered,
          reminded: s.reminded,
          unreachable: s.unreachable,
          late: s.late,
          response: s.sent ? s.answered / s.sent : 0,
        },
        students: s.students,
      };
    },
  );

  // A campaign is on the page of the school years its timeline touches: on 1 August last year's campaigns
  // leave it (with their unreachable students), and one that runs across the summer shows in both.
  const inYear = allRows.map((r) => r.to >= start && r.from < end);
  const campaignRows = allRows.filter((_, i) => inYear[i]);
  const yearStatuses = statuses.filter((_, i) => inYear[i]);

  // Response over time, per group (the group a prompt reached the student through) and per kind of activity.
  const months = monthsOf(period);
  const typeOf = new Map(campaigns.map((c) => [c.id, c.activityType as string]));
  const inScope = scope.kind === 'school' ? sentRows : sentRows.filter((d) => students.has(d.studentId));
  const month = sentMonth(deps.timeZone);
  const byGroupRows = inScope
    .filter((d) => d.groupId && groupIds.has(d.groupId))
    .map((d) => ({ key: d.groupId!, month: month(d), d }));
  const byType = inScope.map((d) => ({ key: typeOf.get(d.campaignId) ?? 'other', month: month(d), d }));
  const types = [...new Set(byType.map((r) => r.key))].sort();
  const groupSeries = rateSeries(
    groups.map((g) => g.id),
    months,
    byGroupRows,
  );
  const typeSeries = rateSeries(types, months, byType);
  // One decision for every count on the page. The whole school's campaign rows are the status cards'
  // figures, so they keep the status card's decision and the rest of the page makes up for them.
  const evidence = input.evidence
    ? await evidenceFigures(deps, input.evidence, { schoolId, ledger, months, scope, groups, month })
    : [];
  const shown = suppressPage({
    campaigns: campaignRows.map((c) => ({
      key: c.id,
      activityType: c.activityType,
      groups: reachedGroups(byCampaign.get(c.id), groupIds),
      counted: { respondents: c.students, value: c.counts },
      ...(scope.kind === 'school' ? { fixed: isSmallGroup(c.students) ? ('hidden' as const) : ('shown' as const) } : {}),
    })),
    byGroup: groupSeries.series,
    byActivity: typeSeries.series,
    total: typeSeries.total,
    evidence,
  });

  // Competency coverage per group, with the team's (school's) total: the Check evidence's shares and rule,
  // decided with the evidence the viewer can open.
  const coverage = await pageCoverage(deps, { groups, studentIds, entries, teams: input.evidence?.teams ?? [] });

  // Who was not reached and why: the campaigns' ledger, as the status card lists it.
  const unreachable = new Map<string, UnreachableRow>();
  for (const { status } of yearStatuses) {
    for (const u of status.unreachableStudents) {
      const row = unreachable.get(u.studentId) ?? { ...u, campaigns: [] };
      row.campaigns.push(status.campaign.name);
      unreachable.set(u.studentId, row);
    }
  }
  const reasons = new Map<string, number>();
  for (const u of unreachable.values()) reasons.set(u.reason, (reasons.get(u.reason) ?? 0) + 1);
  const byReason = [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);

  return {
    schoolYear: input.year.id,
    from: period.from,
    to: period.to,
    campaigns: campaignRows
      .map(({ students: _, counts: __, ...c }, i) => ({ ...c, figures: shown.campaigns[i]! }))
      .sort((a, b) => a.from.localeCompare(b.from) || a.name.localeCompare(b.name)),
    months,
    response: {
      byGroup: shown.byGroup.filter((s) => s.total !== undefined),
      byActivity: shown.byActivity,
      total: shown.total,
    },
    coverage,
    qualityCycle: input.qualityCycle,
    unreachable: {
      ...(scope.kind === 'school'
        ? { students: [...unreachable.values()].sort((a, b) => a.name.localeCompare(b.name, 'nl')) }
        : {}),
      // Each team's Check evidence shows its own count of students not reached (hidden under 5): beside it,
      // counts over several teams would give a small team's away, so they go when one team is small.
      byReason: smallTeam ? { hidden: true, reason: 'too-few-respondents' } : aggregate(studentIds.length, byReason),
    },
  };
}
