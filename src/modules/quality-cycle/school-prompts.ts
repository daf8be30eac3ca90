import { type Figure, type FigureSum, isSmallGroup, suppressFigures } from '../../core/aggregates.ts';
import { LinkedSets } from '../../core/linked-sets.ts';
import type { RelatedPeriods } from './evidence-periods.ts';
import type { EvidencePeriod } from './evidence-source.ts';

// Every team's prompt figures in the Check evidence, decided for the whole school at once. A coordinator
// opens every team's evidence and every campaign's status card: a campaign that reached two teams counts
// on its card what the two teams' evidence counts of it, so the card minus one team's shown figures gives
// the other team's back. Judged per team, that cannot be seen; here the cards and the teams' figures are
// one set of figures (aggregates.ts), decided for the coordinator's view and used for every viewer (team
// leaders see no status cards, so for them it only hides more).

type PromptPeriod = keyof RelatedPeriods;

/** A row of the campaign ledger: its campaign, its student and, once sent, its first send time (ISO). */
export interface LedgerRow {
  campaignId: string;
  studentId: string;
  sentAt?: string | undefined;
}

/** An education team whose Check evidence can be opened, with its students (its groups' distinct students). */
export interface SchoolTeam {
  id: string;
  studentIds: readonly string[];
}

/**
 * Per team, the periods whose prompt figures are hidden. `periods`: the year so far, with its halves when
 * they are shown beside it (relatedPeriods). The figures:
 * - each team's prompts per period (about the students prompted; hidden under 5, and when a campaign among
 *   them has its own counts hidden: the primary rule of hiddenPromptPeriods), the year being its halves;
 * - each campaign's status card, as the card decides it (hidden when its ledger is about 1 to 4 students);
 * - per set of campaigns and teams linked by prompts sent in the year: the cards add up to the teams' years
 *   plus a rest (prompts sent outside the year, or to students in no team or in two), which is unknown and,
 *   about 1 to 4 students, protected too: card minus team is then that handful of students.
 * Exact for campaigns within the year; a campaign across two school years only hides more.
 */
export function hiddenSchoolPrompts(input: {
  teams: readonly SchoolTeam[];
  ledger: readonly LedgerRow[];
  periods: Pick<RelatedPeriods, 'year'> & Partial<RelatedPeriods>;
}): Map<string, Set<PromptPeriod>> {
  const periodKeys = (Object.keys(input.periods) as PromptPeriod[]).filter((k) => input.periods[k]);
  const byCampaign = new Map<string, LedgerRow[]>();
  for (const d of input.ledger) {
    const list = byCampaign.get(d.campaignId);
    if (list) list.push(d);
    else byCampaign.set(d.campaignId, [d]);
  }
  const cardStudents = new Map([...byCampaign].map(([id, rows]) => [id, new Set(rows.map((d) => d.studentId)).size]));
  const smallCard = (id: string) => isSmallGroup(cardStudents.get(id) ?? 0);
  const teamsOf = new Map<string, number[]>();
  input.teams.forEach((t, i) => {
    for (const s of new Set(t.studentIds)) teamsOf.set(s, [...(teamsOf.get(s) ?? []), i]);
  });
  const sent = input.ledger.filter((d) => d.sentAt !== undefined);
  const bounds = new Map<EvidencePeriod, [string, string]>();
  const within = (d: LedgerRow, p: EvidencePeriod) => {
    let b = bounds.get(p);
    if (!b) {
      b = [p.start.toISOString(), p.end.toISOString()];
      bounds.set(p, b);
    }
    return d.sentAt! >= b[0] && d.sentAt! < b[1];
  };

  const figures: Figure<string>[] = [];
  const sums: FigureSum<string>[] = [];
  const teamKey = (i: number, p: PromptPeriod) => `team:${i}:${p}`;
  // Each team's prompts per period: the distinct students prompted, and whether a small campaign is among them.
  const perTeam = input.teams.map(() => new Map<PromptPeriod, { students: Set<string>; small: boolean }>());
  for (const p of periodKeys) {
    for (const m of perTeam) m.set(p, { students: new Set(), small: false });
    for (const d of sent) {
      if (!within(d, input.periods[p]!)) continue;
      for (const i of teamsOf.get(d.studentId) ?? []) {
        const f = perTeam[i]!.get(p)!;
        f.students.add(d.studentId);
        if (smallCard(d.campaignId)) f.small = true;
      }
    }
  }
  perTeam.forEach((m, i) => {
    for (const [p, f] of m)
      figures.push({ key: teamKey(i, p), respondents: f.students.size, ...(f.small ? { fixed: 'hidden' as const } : {}) });
    if (m.size === 3) sums.push({ total: teamKey(i, 'year'), parts: [teamKey(i, 'h1'), teamKey(i, 'h2')] });
  });

  // Campaigns and teams linked by a prompt sent in the year, and per campaign the sent prompts that its
  // teams' years do not count exactly once.
  const joined = new LinkedSets();
  const linked = new Set<string>();
  for (const d of sent) {
    if (!within(d, input.periods.year)) continue;
    for (const i of teamsOf.get(d.studentId) ?? []) {
      linked.add(d.campaignId);
      joined.link(`campaign:${d.campaignId}`, `team:${i}`);
    }
  }
  const sets = new Map<string, { campaigns: string[]; teams: Set<number>; rest: Set<string> }>();
  for (const id of linked) {
    const r = joined.root(`campaign:${id}`);
    const set = sets.get(r) ?? { campaigns: [], teams: new Set<number>(), rest: new Set<string>() };
    sets.set(r, set);
    set.campaigns.push(id);
    for (const d of byCampaign.get(id)!) {
      if (d.sentAt === undefined) continue;
      const teams = teamsOf.get(d.studentId) ?? [];
      if (!within(d, input.periods.year) || teams.length !== 1) set.rest.add(d.studentId);
      if (within(d, input.periods.year)) for (const i of teams) set.teams.add(i);
    }
  }
  [...sets.values()].forEach((set, n) => {
    for (const id of set.campaigns)
      figures.push({ key: `card:${id}`, respondents: cardStudents.get(id)!, fixed: smallCard(id) ? 'hidden' : 'shown' });
    const rest = set.rest.size ? [`rest:${n}`] : [];
    if (rest.length)
      figures.push(
        isSmallGroup(set.rest.size)
          ? { key: `rest:${n}`, respondents: set.rest.size, fixed: 'hidden' }
          : { key: `rest:${n}`, respondents: set.rest.size, virtual: true },
      );
    figures.push({ key: `set:${n}`, respondents: 0, virtual: true });
    sums.push(
      { total: `set:${n}`, parts: set.campaigns.map((id) => `card:${id}`) },
      { total: `set:${n}`, parts: [...[...set.teams].map((i) => teamKey(i, 'year')), ...rest] },
    );
  });

  const hidden = suppressFigures(figures, sums);
  return new Map(input.teams.map((t, i) => [t.id, new Set(periodKeys.filter((p) => hidden.has(teamKey(i, p))))] as const));
}
