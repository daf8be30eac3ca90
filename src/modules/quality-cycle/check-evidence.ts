import { type Aggregate, aggregate, aggregateGroups, mayShowAggregate } from '../../core/aggregates.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import { type Competency, competencies } from '../../core/types.ts';
import { hiddenFollowUpPeriods, hiddenPromptPeriods, type RelatedPeriods } from './evidence-periods.ts';
import type {
  CheckEvidenceSource,
  EvidenceGroup,
  EvidencePeriod,
  EvidenceQuery,
  StudentVoiceFigures,
} from './evidence-source.ts';
import type { EducationTeam } from './quality-cycle.ts';
import { hiddenSchoolPrompts } from './school-prompts.ts';

// Evidence for the Check phase, from the product's own data: what the team did (activities, prompts,
// reminders), whether students were reached and answered, which career competencies their reflections
// touched, whether mentors followed up, and what students said in the pulse. Figures about students pass
// through aggregates.ts: a group under 5 students is listed without figures. What it is built from is
// ./evidence-source.ts; the periods are ./evidence-periods.ts (both re-exported here for their users).

export {
  type EvidencePeriodChoice,
  evidencePeriod,
  evidencePeriodChoices,
  hiddenFollowUpPeriods,
  hiddenPromptPeriods,
  type RelatedPeriods,
  relatedPeriods,
} from './evidence-periods.ts';
export type {
  CampaignFigures,
  CheckEvidenceSource,
  EvidenceGroup,
  EvidencePeriod,
  EvidenceQuery,
  FollowUpFigures,
  StudentVoiceFigures,
} from './evidence-source.ts';

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

/**
 * A team's groups whose coverage is hidden: the team total is shown too, so a single hidden group takes
 * the next smallest with it. The coordinator page keeps these decisions (coverage-figures.ts).
 */
export function hiddenCoverageGroups(groups: readonly Pick<EvidenceGroup, 'id' | 'studentIds'>[]): Set<string> {
  const decided = aggregateGroups(
    groups.map((g) => ({ key: g.id, respondents: g.studentIds.length, value: null })),
    { totalShown: true },
  );
  return new Set(decided.filter((g) => g.figures.hidden).map((g) => g.key));
}

type PromptPeriod = keyof RelatedPeriods;

const samePeriod = (a: EvidencePeriod, b: EvidencePeriod) => a.from === b.from && a.to === b.to;

/**
 * Whether a figure counted per period is hidden in this one, decided with the periods it is shown beside
 * (`related`): the year so far is the sum of its halves, so one period alone cannot decide.
 */
async function hiddenBeside<F>(
  query: EvidenceQuery,
  own: F,
  related: RelatedPeriods | undefined,
  figuresIn: (q: EvidenceQuery) => Promise<F | undefined>,
  decide: (periods: Partial<Record<PromptPeriod, F>>) => Set<PromptPeriod>,
): Promise<boolean> {
  const ownKey = related && (Object.keys(related) as PromptPeriod[]).find((k) => samePeriod(related[k], query.period));
  if (!related || !ownKey) return decide({ year: own }).has('year');
  const figures: Partial<Record<PromptPeriod, F>> = {};
  for (const key of Object.keys(related) as PromptPeriod[]) {
    const f = samePeriod(related[key], query.period) ? own : await figuresIn({ ...query, period: related[key] });
    if (f) figures[key] = f;
  }
  return decide(figures).has(ownKey);
}

/**
 * Whether the team's prompt figures are hidden once every team's are decided with the status cards
 * (school-prompts.ts): a campaign's card minus the other teams' shown figures must not give this team's
 * back. False when the source cannot give the whole school (each team is then decided on its own).
 */
async function hiddenBesideSchool(source: CheckEvidenceSource, query: EvidenceQuery, related: RelatedPeriods | undefined) {
  if (!source.schoolTeams || !source.ledger) return false;
  const ledger = await source.ledger(query.schoolId);
  if (!ledger) return false;
  const ownKey = related && (Object.keys(related) as PromptPeriod[]).find((k) => samePeriod(related[k], query.period));
  const periods = related && ownKey ? related : { year: query.period };
  const teams = (await source.schoolTeams(query.schoolId)).filter((t) => t.id !== query.team.id);
  teams.push({ id: query.team.id, studentIds: query.studentIds });
  return (
    hiddenSchoolPrompts({ teams, ledger, periods })
      .get(query.team.id)
      ?.has(ownKey ?? 'year') ?? false
  );
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
  const hidePrompts = campaigns
    ? (await hiddenBeside(query, campaigns, input.related, (q) => source.campaigns(q), hiddenPromptPeriods)) ||
      (await hiddenBesideSchool(source, query, input.related))
    : false;
  const hideFollowUp = followUp
    ? await hiddenBeside(query, followUp, input.related, (q) => source.followUp(q), hiddenFollowUpPeriods)
    : false;
  const hiddenGroups = hiddenCoverageGroups(groups);
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
      groups: groups.map((g) => ({
        id: g.id,
        name: g.name,
        small: !mayShowAggregate(g.studentIds.length),
        figures: hiddenGroups.has(g.id)
          ? { hidden: true as const, reason: 'too-few-respondents' as const }
          : aggregate(g.studentIds.length, competencyShares(g.studentIds, entries)),
      })),
      total: aggregate(studentIds.length, competencyShares(studentIds, entries)),
    },
    ...(followUp
      ? {
          followUp: hideFollowUp
            ? { hidden: true as const, reason: 'too-few-respondents' as const }
            : aggregate(followUp.students, {
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
