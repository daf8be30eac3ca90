import { type Aggregate, aggregate, aggregateGroups, mayShowAggregate, suppressFigures } from '../../core/aggregates.ts';
import { previousSchoolYear, type SchoolYear } from '../../core/time/school-year.ts';
import { addDays, type LocalDate, startOfDay } from '../../core/time/zoned-time.ts';
import { type Competency, competencies } from '../../core/types.ts';
import type { EducationTeam } from './quality-cycle.ts';
import type { SchoolClock } from './year-cycle.ts';

// Evidence for the Check phase, from the product's own data: what the team did (activities, prompts,
// reminders), whether students were reached and answered, which career competencies their reflections
// touched, and whether mentors followed up. Figures about students pass through aggregates.ts: a group
// under 5 students is listed without figures.
//
// The figures come through one port, CheckEvidenceSource. On main, StoreEvidenceSource answers the parts
// held in our own store (groups from mentor assignments, competencies from reflections, reachability from
// people) and asks two narrower ports for the rest: the campaign delivery ledger (issue 4) and mentor
// follow-up (issue 5). docs/quality-cycle.md describes exactly what each must return.

/** A group of students in the team (a class, or a mentor's group). */
export interface EvidenceGroup {
  id: string;
  name: string;
  studentIds: readonly string[];
}

/** A period: from the start of `from` to the end of `to`, both days in the school's time zone. */
export interface EvidencePeriod {
  from: LocalDate;
  to: LocalDate;
  /** The same period as instants: [start, end). */
  start: Date;
  end: Date;
}

export interface EvidenceQuery {
  schoolId: string;
  team: EducationTeam;
  period: EvidencePeriod;
  groups: readonly EvidenceGroup[];
  /** Every student of the team: the distinct students of `groups`. */
  studentIds: readonly string[];
}

/** From the campaign delivery ledger (issue 4), for the team's groups and students in the period. */
export interface CampaignFigures {
  /** Activities (internship, open day, ...) for any of the team's groups, dated in the period, counted per type. */
  activitiesHeld: { activityType: string; count: number }[];
  /** Prompts (deliveries) to the team's students first sent in the period: sent, answered, reminded or closed after sending. */
  promptsSent: number;
  /** Of those prompts, the ones answered (late answers too). */
  answered: number;
  /** Of those prompts, the ones that got at least one reminder. */
  reminded: number;
  /** Distinct students those prompts went to: the group size the small-group rule looks at. */
  studentsPrompted: number;
  /** Campaigns among those prompts whose own counts are hidden on their status card (about 1 to 4 students). */
  smallCampaigns?: number;
}

/** From mentor follow-up (issue 5), for the team's students in the period. */
export interface FollowUpFigures {
  /** Reflections of the team's students, submitted in the period, that reached at least one mentor. */
  reflections: number;
  /** Of those, marked as discussed by a mentor. */
  discussed: number;
  /** Of those, with a follow-up note by a mentor. */
  withNote: number;
  /** Distinct students those reflections are from. */
  students: number;
}

/** From the student pulse (student-voice module): the pulses to the team or the whole school that closed in the period. */
export interface StudentVoiceFigures {
  pulses: {
    id: string;
    scope: 'school' | 'team';
    opensOn: LocalDate;
    closesOn: LocalDate;
    invited: number;
    /** Hidden under 5 answers; shares of students satisfied (4 or 5 on the scale). */
    figures: Aggregate<{ respondents: number; satisfied: Record<'guidance' | 'choice' | 'internship', number> }>;
  }[];
}

export interface CheckEvidenceSource {
  /** The team's groups with their current students. */
  groups(team: EducationTeam): Promise<EvidenceGroup[]>;
  /** Per student: the career competencies of their reflections submitted in the period (students without any are left out). */
  competencies(studentIds: readonly string[], period: EvidencePeriod): Promise<Map<string, ReadonlySet<Competency>>>;
  /** How many of these students cannot be reached in Teams now (blocked the bot, removed the app, left). */
  unreachableStudents(schoolId: string, studentIds: readonly string[]): Promise<number>;
  /** Undefined while no campaign ledger is connected. */
  campaigns(query: EvidenceQuery): Promise<CampaignFigures | undefined>;
  /** Undefined while no mentor follow-up is connected. */
  followUp(query: EvidenceQuery): Promise<FollowUpFigures | undefined>;
  /** Undefined (or absent) while no student pulse is connected. */
  studentVoice?(query: EvidenceQuery): Promise<StudentVoiceFigures | undefined>;
}

export type CompetencyShares = Record<Competency, number>;

export interface CheckEvidence {
  schoolId: string;
  teamId: string;
  teamName: string;
  schoolYear: string;
  from: LocalDate;
  to: LocalDate;
  generatedAt: string;
  /** Distinct students in the team's groups. */
  students: number;
  /** Undefined: the campaign ledger is not connected. */
  activitiesHeld?: { activityType: string; count: number }[];
  prompts?: Aggregate<{ sent: number; answered: number; responseRate: number; reminded: number; reminderRate: number }>;
  unreachable: Aggregate<{ count: number; share: number }>;
  coverage: {
    /** `small`: under 5 students (hidden for that reason, not to protect another group). */
    groups: { id: string; name: string; small: boolean; figures: Aggregate<CompetencyShares> }[];
    total: Aggregate<CompetencyShares>;
  };
  followUp?: Aggregate<{ reflections: number; discussed: number; discussedRate: number; withNote: number; noteRate: number }>;
  /** The student's voice: each pulse on its own (no sums between them), figures hidden under 5 answers. */
  studentVoice?: StudentVoiceFigures['pulses'];
}

function rate(part: number, whole: number): number {
  return whole > 0 ? part / whole : 0;
}

/** Per competency: the share of these students with at least one reflection touching it. */
export function competencyShares(studentIds: readonly string[], entries: Map<string, ReadonlySet<Competency>>): CompetencyShares {
  const out = {} as CompetencyShares;
  for (const c of competencies) out[c] = rate(studentIds.filter((s) => entries.get(s)?.has(c)).length, studentIds.length);
  return out;
}

/** The periods a team leader can pick in the current school year, which add up: the year is its halves. */
export type RelatedPeriods = Record<'year' | 'h1' | 'h2', EvidencePeriod>;
type PromptPeriod = keyof RelatedPeriods;

/**
 * Which of a team's prompt figures are hidden, decided for the periods a viewer can put side by side (the
 * year so far and its halves: hide one half and the year minus the other gives it away). Hidden: about 1 to
 * 4 students, or with a campaign whose own counts are hidden (its status card shows the others'), and
 * then by suppressFigures. The coordinator page decides its figures with this too (figures.ts).
 */
export function hiddenPromptPeriods(
  periods: Partial<Record<PromptPeriod, Pick<CampaignFigures, 'studentsPrompted' | 'smallCampaigns'>>>,
): Set<PromptPeriod> {
  const keys = Object.keys(periods) as PromptPeriod[];
  return suppressFigures(
    keys.map((key) => ({
      key,
      respondents: periods[key]!.studentsPrompted,
      ...(periods[key]!.smallCampaigns ? { fixed: 'hidden' as const } : {}),
    })),
    keys.length === 3 ? [{ total: 'year' as const, parts: ['h1' as const, 'h2' as const] }] : [],
  );
}

/** The related periods for a choice; none for last year (the page shows this year only). */
export function relatedPeriods(
  choice: EvidencePeriodChoice,
  clock: Pick<SchoolClock, 'today' | 'year' | 'timeZone'>,
): RelatedPeriods | undefined {
  if (choice === 'previous') return undefined;
  return {
    year: evidencePeriod('year', clock).period,
    h1: evidencePeriod('h1', clock).period,
    h2: evidencePeriod('h2', clock).period,
  };
}

const samePeriod = (a: EvidencePeriod, b: EvidencePeriod) => a.from === b.from && a.to === b.to;

async function promptsHidden(
  source: CheckEvidenceSource,
  query: EvidenceQuery,
  own: CampaignFigures,
  related: RelatedPeriods | undefined,
): Promise<boolean> {
  const ownKey = related && (Object.keys(related) as PromptPeriod[]).find((k) => samePeriod(related[k], query.period));
  if (!related || !ownKey) return hiddenPromptPeriods({ year: own }).has('year');
  const figures: Partial<Record<PromptPeriod, CampaignFigures>> = {};
  for (const key of Object.keys(related) as PromptPeriod[]) {
    const f = samePeriod(related[key], query.period) ? own : await source.campaigns({ ...query, period: related[key] });
    if (f) figures[key] = f;
  }
  return hiddenPromptPeriods(figures).has(ownKey);
}

export async function buildCheckEvidence(
  source: CheckEvidenceSource,
  input: {
    schoolId: string;
    team: EducationTeam;
    schoolYear: string;
    period: EvidencePeriod;
    now: Date;
    /** The periods this one is shown beside (relatedPeriods); without them it is judged alone. */
    related?: RelatedPeriods | undefined;
  },
): Promise<CheckEvidence> {
  const { schoolId, team, period } = input;
  const groups = await source.groups(team);
  const studentIds = [...new Set(groups.flatMap((g) => g.studentIds))];
  const query: EvidenceQuery = { schoolId, team, period, groups, studentIds };
  const [entries, unreachableCount, campaigns, followUp, voice] = await Promise.all([
    source.competencies(studentIds, period),
    source.unreachableStudents(schoolId, studentIds),
    source.campaigns(query),
    source.followUp(query),
    source.studentVoice?.(query),
  ]);
  const hidePrompts = campaigns ? await promptsHidden(source, query, campaigns, input.related) : false;
  // The team total is shown too, so a single hidden group takes the next smallest with it.
  const perGroup = aggregateGroups(
    groups.map((g) => ({ key: g.id, respondents: g.studentIds.length, value: competencyShares(g.studentIds, entries) })),
    { totalShown: true },
  );
  return {
    schoolId,
    teamId: team.id,
    teamName: team.name,
    schoolYear: input.schoolYear,
    from: period.from,
    to: period.to,
    generatedAt: input.now.toISOString(),
    students: studentIds.length,
    ...(campaigns
      ? {
          activitiesHeld: [...campaigns.activitiesHeld].sort(
            (a, b) => b.count - a.count || a.activityType.localeCompare(b.activityType),
          ),
          prompts: hidePrompts
            ? { hidden: true as const, reason: 'too-few-respondents' as const }
            : aggregate(campaigns.studentsPrompted, {
                sent: campaigns.promptsSent,
                answered: campaigns.answered,
                responseRate: rate(campaigns.answered, campaigns.promptsSent),
                reminded: campaigns.reminded,
                reminderRate: rate(campaigns.reminded, campaigns.promptsSent),
              }),
        }
      : {}),
    unreachable: aggregate(studentIds.length, { count: unreachableCount, share: rate(unreachableCount, studentIds.length) }),
    coverage: {
      groups: groups.map((g, i) => ({
        id: g.id,
        name: g.name,
        small: !mayShowAggregate(g.studentIds.length),
        figures: perGroup[i]!.figures,
      })),
      total: aggregate(studentIds.length, competencyShares(studentIds, entries)),
    },
    ...(followUp
      ? {
          followUp: aggregate(followUp.students, {
            reflections: followUp.reflections,
            discussed: followUp.discussed,
            discussedRate: rate(followUp.discussed, followUp.reflections),
            withNote: followUp.withNote,
            noteRate: rate(followUp.withNote, followUp.reflections),
          }),
        }
      : {}),
    ...(voice ? { studentVoice: voice.pulses } : {}),
  };
}

// --- periods -------------------------------------------------------------------------------------

/** The periods a team leader picks from: the school year so far, either half, or last year. */
export type EvidencePeriodChoice = 'year' | 'h1' | 'h2' | 'previous';
export const evidencePeriodChoices: readonly EvidencePeriodChoice[] = ['year', 'h1', 'h2', 'previous'];

/** A period up to today (a half that has not started yet is shown whole, with what there is). */
export function evidencePeriod(
  choice: EvidencePeriodChoice,
  clock: Pick<SchoolClock, 'today' | 'year' | 'timeZone'>,
): { year: SchoolYear; period: EvidencePeriod } {
  const y = clock.year;
  const secondHalf = `${y.end.slice(0, 4)}-02-01`;
  const upToToday = (end: LocalDate, from: LocalDate) => (clock.today < from ? end : clock.today < end ? clock.today : end);
  let year = y;
  let from: LocalDate;
  let to: LocalDate;
  if (choice === 'previous') {
    year = previousSchoolYear(y);
    from = year.start;
    to = year.end;
  } else if (choice === 'h1') {
    from = y.start;
    to = upToToday(addDays(secondHalf, -1), from);
  } else if (choice === 'h2') {
    from = secondHalf;
    to = upToToday(y.end, from);
  } else {
    from = y.start;
    to = upToToday(y.end, from);
  }
  return {
    year,
    period: { from, to, start: startOfDay(from, clock.timeZone), end: startOfDay(addDays(to, 1), clock.timeZone) },
  };
}
