import { type Aggregate, type Figure, type FigureSum, isSmallGroup, suppressFigures } from '../../core/aggregates.ts';
import { LinkedSets } from '../../core/linked-sets.ts';
import type { Delivery } from '../campaigns/campaigns.ts';
import { studentsCounted } from '../campaigns/status.ts';
import { hiddenPromptPeriods, type RelatedPeriods } from '../quality-cycle/check-evidence.ts';
import { hiddenSchoolPrompts } from '../quality-cycle/school-prompts.ts';
import type { OverviewDeps, OverviewGroup, OverviewInput, OverviewScope } from './overview.ts';

// The page's counts as one set of figures, so that the small-group rule (aggregates.ts) sees everything a
// viewer sees together: each campaign row, response per group and per kind of activity per month, their
// year totals and the month and year totals beside them. The exports render the same overview, so they
// hide the same figures. One call decides what is hidden; the callers only read the answer.

export interface Counted<T> {
  /** Distinct students the counts are about. */
  respondents: number;
  value: T;
}

export interface RawSeries<T> {
  key: string;
  points: (Counted<T> | undefined)[];
  total: Counted<T> | undefined;
}

export interface PageFigures<C, T> {
  /**
   * Campaign rows; `fixed` when the row must agree with a figure decided elsewhere (the status card).
   * `groups`: the page's groups its prompts went to (the row names them).
   */
  campaigns: { key: string; activityType: string; groups?: readonly string[]; counted: Counted<C>; fixed?: 'shown' | 'hidden' }[];
  byGroup: RawSeries<T>[];
  byActivity: RawSeries<T>[];
  total: RawSeries<T>;
  /**
   * The Check evidence the same viewer can open: per team and period its prompt figure as the evidence
   * decided it (check-evidence.ts), the months it spans and how it adds up from the page's figures.
   */
  evidence: {
    key: string;
    team: string;
    respondents: number;
    fixed: 'shown' | 'hidden';
    /** Indexes into the months. */
    months: number[];
    /** Per month, the same count as: the page's total line (the team is the whole scope) or its groups. */
    equals: { total: true } | { groups: string[] };
  }[];
}

const hiddenFigure = { hidden: true, reason: 'too-few-respondents' } as const;

export function suppressPage<C, T>(
  input: PageFigures<C, T>,
): {
  campaigns: Aggregate<C>[];
  byGroup: { key: string; points: (Aggregate<T> | undefined)[]; total: Aggregate<T> | undefined }[];
  byActivity: { key: string; points: (Aggregate<T> | undefined)[]; total: Aggregate<T> | undefined }[];
  total: { key: string; points: (Aggregate<T> | undefined)[]; total: Aggregate<T> | undefined };
} {
  const figures: Figure<string>[] = [];
  const sums: FigureSum<string>[] = [];
  const months = input.total.points.length;
  const at = (prefix: string, s: RawSeries<T>, m: number | 'year') => `${prefix}:${s.key}:${m}`;
  const addSeries = (prefix: string, s: RawSeries<T>) => {
    s.points.forEach((p, m) => {
      figures.push({ key: at(prefix, s, m), respondents: p?.respondents ?? 0 });
    });
    figures.push({ key: at(prefix, s, 'year'), respondents: s.total?.respondents ?? 0 });
    sums.push({ total: at(prefix, s, 'year'), parts: s.points.map((_, m) => at(prefix, s, m)) });
  };
  addSeries('total', input.total);
  for (const [prefix, list] of [
    ['group', input.byGroup],
    ['type', input.byActivity],
  ] as const) {
    for (const s of list) addSeries(prefix, s);
    for (let m = 0; m < months; m++) sums.push({ total: at('total', input.total, m), parts: list.map((s) => at(prefix, s, m)) });
    sums.push({ total: at('total', input.total, 'year'), parts: list.map((s) => at(prefix, s, 'year')) });
  }
  // A campaign's counts add up, with the other campaigns of its kind, to that kind's figures: the ledger
  // counts a campaign over its whole run, the series over the school year, so this is exact whenever the
  // campaigns lie within the year, and only hides more when they do not.
  for (const c of input.campaigns)
    figures.push({ key: `campaign:${c.key}`, respondents: c.counted.respondents, ...(c.fixed ? { fixed: c.fixed } : {}) });
  for (const s of input.byActivity) {
    const parts = input.campaigns.filter((c) => c.activityType === s.key).map((c) => `campaign:${c.key}`);
    if (parts.length) sums.push({ total: at('type', s, 'year'), parts });
  }
  // A row names the groups its campaign reached, so its counts add up from what it sent to each of them,
  // and those, over the campaigns, to each group's year (a campaign that reached one group alone is that
  // group's year). Those per-campaign-and-group counts are shown nowhere; all that the two sums give
  // without them is, per set of campaigns and groups linked that way, that the campaigns add up to the
  // same as the groups' years. One unknown per set keeps the sums small. Exact for campaigns within the
  // year, like the kinds' sums above.
  const sets = linkedSets(
    input.campaigns.map((c) => ({ key: `campaign:${c.key}`, groups: (c.groups ?? []).map((g) => `group:${g}:year`) })),
  );
  const shownGroupYears = new Set(input.byGroup.map((g) => at('group', g, 'year')));
  sets.forEach((set, i) => {
    // A group the page does not show: its year is unknown, and so is the set's sum.
    if (!set.groups.every((g) => shownGroupYears.has(g))) return;
    figures.push({ key: `reached:${i}`, respondents: 0, virtual: true });
    sums.push({ total: `reached:${i}`, parts: set.campaigns }, { total: `reached:${i}`, parts: set.groups });
  });
  // A team's Check evidence for a period is the sum of its months; a month of the team is the page's
  // total line when the team is all the page shows, or else the sum of the team's groups.
  const shownGroups = new Set(input.byGroup.map((g) => g.key));
  const teamMonths = new Set<string>();
  for (const e of input.evidence) {
    // Hidden there for another reason than its own size (a small campaign in it, a half beside it): the
    // viewer does not know it, and the page need not protect it beyond what protects that campaign or half.
    figures.push(
      e.fixed === 'hidden' && !isSmallGroup(e.respondents)
        ? { key: `evidence:${e.key}`, respondents: e.respondents, virtual: true }
        : { key: `evidence:${e.key}`, respondents: e.respondents, fixed: e.fixed },
    );
    const month = (m: number) => `evidence:${e.team}:${m}`;
    for (const m of e.months) {
      if (teamMonths.has(month(m))) continue;
      teamMonths.add(month(m));
      figures.push({ key: month(m), respondents: 0, virtual: true });
      if ('total' in e.equals) sums.push({ total: at('total', input.total, m), parts: [month(m)] });
      // A group the page does not show leaves the month unknown: no sum then.
      else if (e.equals.groups.every((g) => shownGroups.has(g)))
        sums.push({ total: month(m), parts: e.equals.groups.map((g) => `group:${g}:${m}`) });
    }
    sums.push({ total: `evidence:${e.key}`, parts: e.months.map(month) });
  }
  const hidden = suppressFigures(figures, sums);
  const show = <V>(key: string, c: Counted<V> | undefined): Aggregate<V> | undefined =>
    c === undefined ? undefined : hidden.has(key) ? hiddenFigure : { hidden: false, respondents: c.respondents, value: c.value };
  const series = (prefix: string, s: RawSeries<T>) => ({
    key: s.key,
    points: s.points.map((p, m) => show(at(prefix, s, m), p)),
    total: show(at(prefix, s, 'year'), s.total),
  });
  return {
    campaigns: input.campaigns.map((c) => show(`campaign:${c.key}`, c.counted)!),
    byGroup: input.byGroup.map((s) => series('group', s)),
    byActivity: input.byActivity.map((s) => series('type', s)),
    total: series('total', input.total),
  };
}

/** Campaigns and the groups they reached, split into the sets that no campaign links to one another. */
function linkedSets(
  campaigns: readonly { key: string; groups: readonly string[] }[],
): { campaigns: string[]; groups: string[] }[] {
  const linked = new LinkedSets();
  for (const c of campaigns) for (const g of c.groups) linked.link(g, c.key);
  const sets = new Map<string, { campaigns: string[]; groups: Set<string> }>();
  for (const c of campaigns) {
    if (!c.groups.length) continue;
    const set = sets.get(linked.root(c.key)) ?? { campaigns: [], groups: new Set<string>() };
    set.campaigns.push(c.key);
    for (const g of c.groups) set.groups.add(g);
    sets.set(linked.root(c.key), set);
  }
  return [...sets.values()].map((s) => ({ campaigns: s.campaigns, groups: [...s.groups] }));
}

/** The page's groups that a campaign's sent prompts went to (its row's `groups`). */
export function reachedGroups(rows: readonly Delivery[] | undefined, groupIds: ReadonlySet<string>): string[] {
  return [...new Set((rows ?? []).flatMap((d) => (d.sentAt && d.groupId && groupIds.has(d.groupId) ? [d.groupId] : [])))];
}

/**
 * The prompt figures of the Check evidence the viewer can open, as the evidence decides them: each team's
 * periods together, and every team of the school with the status cards (hiddenSchoolPrompts).
 */
export async function evidenceFigures(
  deps: OverviewDeps,
  evidence: NonNullable<OverviewInput['evidence']>,
  page: {
    schoolId: string;
    ledger: readonly Delivery[];
    months: readonly string[];
    scope: OverviewScope;
    groups: readonly OverviewGroup[];
    month: (d: Delivery) => string;
  },
) {
  const byCampaign = new Map<string, Delivery[]>();
  for (const d of page.ledger) {
    const list = byCampaign.get(d.campaignId);
    if (list) list.push(d);
    else byCampaign.set(d.campaignId, [d]);
  }
  const small = new Set([...byCampaign].filter(([, rows]) => isSmallGroup(studentsCounted(rows))).map(([id]) => id));
  const scopeStudents = new Set(page.groups.flatMap((g) => g.studentIds));
  const school = deps.evidence.schoolTeams
    ? hiddenSchoolPrompts({
        teams: await deps.evidence.schoolTeams(page.schoolId),
        ledger: page.ledger,
        periods: evidence.periods,
      })
    : undefined;
  const out = [];
  for (const team of evidence.teams) {
    const groups = await deps.evidence.groups(team);
    const students = new Set(groups.flatMap((g) => g.studentIds));
    const wholePage =
      page.scope.kind === 'teams' && students.size === scopeStudents.size && [...students].every((s) => scopeStudents.has(s));
    const sent = page.ledger.filter((d) => d.sentAt !== undefined && students.has(d.studentId));
    const periods = Object.entries(evidence.periods).map(([key, p]) => {
      const start = p.start.toISOString();
      const end = p.end.toISOString();
      const rows = sent.filter((d) => d.sentAt! >= start && d.sentAt! < end);
      const figures = {
        studentsPrompted: new Set(rows.map((d) => d.studentId)).size,
        smallCampaigns: new Set(rows.filter((d) => small.has(d.campaignId)).map((d) => d.campaignId)).size,
      };
      const months = page.months.flatMap((m, i) => (m >= p.from.slice(0, 7) && m <= p.to.slice(0, 7) ? [i] : []));
      return { key: key as keyof RelatedPeriods, figures, months };
    });
    const hidden = hiddenPromptPeriods(Object.fromEntries(periods.map((p) => [p.key, p.figures])));
    for (const p of school?.get(team.id) ?? []) hidden.add(p);
    for (const p of periods)
      out.push({
        key: `${team.id}:${p.key}`,
        team: team.id,
        respondents: p.figures.studentsPrompted,
        fixed: hidden.has(p.key) ? ('hidden' as const) : ('shown' as const),
        months: p.months,
        equals: wholePage ? { total: true as const } : { groups: groups.map((g) => g.id) },
      });
  }
  return out;
}
