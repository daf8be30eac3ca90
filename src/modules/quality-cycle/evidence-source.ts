import type { Aggregate } from '../../core/aggregates.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import type { Competency } from '../../core/types.ts';
import type { EducationTeam } from './quality-cycle.ts';
import type { LedgerRow, SchoolTeam } from './school-prompts.ts';

// What the Check evidence is built from: one port, CheckEvidenceSource. On main, StoreEvidenceSource
// answers the parts held in our own store (groups from mentor assignments, competencies from reflections,
// reachability from people) and asks narrower ports for the rest: the campaign delivery ledger (issue 4),
// mentor follow-up (issue 5) and the student pulse (student-voice). docs/quality-cycle.md describes
// exactly what each must return.

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
  /**
   * The school's teams whose evidence can be opened (linked to a Teams team), with their students. With
   * `ledger`, every team's prompt figures are decided together with the status cards (school-prompts.ts).
   */
  schoolTeams?(schoolId: string): Promise<SchoolTeam[]>;
  /** Every row of the school's campaign ledger; undefined (or absent) while no ledger is connected. */
  ledger?(schoolId: string): Promise<readonly LedgerRow[] | undefined>;
}
