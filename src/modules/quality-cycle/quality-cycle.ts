import type { Mutate } from '../../core/ports.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import type { Locale } from '../../core/types.ts';

// The yearly quality cycle (PDCA) at two levels, as ../shared/domain.md describes it: the school's LOB
// policy plan and each education team's LOB work plan. An education team is a department or year team
// with team leader(s), mentors and groups; it is linked to a Teams team by that team's id, which is also
// how the campaign engine's groups (classes) point at it.

export const cyclePhases = ['plan', 'do', 'check', 'act'] as const;
export type CyclePhase = (typeof cyclePhases)[number];

/** Roles that can own a milestone: "the team leader", "the LOB coordinator". */
export const ownerRoles = ['team-leader', 'coordinator'] as const;
export type OwnerRole = (typeof ownerRoles)[number];

export type MilestoneOwner = { kind: 'role'; role: OwnerRole } | { kind: 'person'; personId: string };

export interface EducationTeam {
  /** A short key chosen by the school ('havo-4', 'techniek'): unique per school, used by the CLI. */
  id: string;
  version: number;
  schoolId: string;
  name: string;
  /** Department (afdeling) or year team (jaarlaag). */
  kind: 'department' | 'year';
  leaderIds: string[];
  mentorIds: string[];
  /** The Teams team this education team works in: its channel gets the milestone reminders. */
  teamsTeamId?: string;
  teamsTeamName?: string;
  linkedAt?: string;
  createdAt: string;
  updatedAt: string;
}

/** A card the bot posted about a milestone, so it can be updated in place. */
export interface PostedCard {
  kind: 'channel' | 'owner' | 'escalation';
  conversationId: string;
  activityId: string;
  serviceUrl: string;
  locale: Locale;
  personId?: string;
  /** The school day it was sent (cards stored before this field have none). */
  sentOn?: LocalDate;
}

export interface MilestoneDone {
  at: string;
  byPersonId: string;
  note?: string;
  link?: string;
}

export interface Milestone {
  /** Unique within its cycle: the template key ('work-plan') or 'm-' + random. */
  id: string;
  phase: CyclePhase;
  title: string;
  description: string;
  due: LocalDate;
  owner: MilestoneOwner;
  /** A team milestone that still follows the school's template (edits per team end that). */
  fromTemplate?: boolean;
  done?: MilestoneDone;
  /** The day the channel and owner reminders went out. */
  remindedOn?: LocalDate;
  /** The day of the last escalation of this overdue milestone. */
  escalatedOn?: LocalDate;
  cards?: PostedCard[];
  /** Cards that still show an older state (an update failed); the reminder job brings them up to date. */
  cardsStale?: boolean;
  /** A reminder run holds this milestone while it sends one card, until then (ISO): the delivery engine's lease. */
  claimedUntil?: string;
}

/** A milestone of the school's template for team work plans. */
export type TemplateMilestone = Pick<Milestone, 'id' | 'phase' | 'title' | 'description' | 'due' | 'owner'>;

export interface QualityCycle {
  /** `<year>:school` or `<year>:team:<teamId>` */
  id: string;
  version: number;
  schoolId: string;
  schoolYear: string;
  level: 'school' | 'team';
  teamId?: string;
  milestones: Milestone[];
  /** School level: the milestones a team's work plan starts with. */
  teamTemplate?: TemplateMilestone[];
  /** School level: how many days before the due date the channel and the owner are reminded. */
  remindDaysBefore?: number;
  createdAt: string;
  updatedAt: string;
}

export const defaultRemindDaysBefore = 14;
/** Most milestones in one cycle: keeps cards readable and documents small. */
export const maxMilestones = 30;
/** Most cards remembered per milestone (the channel card first). */
export const maxPostedCards = 20;

export function schoolCycleId(schoolYear: string): string {
  return `${schoolYear}:school`;
}

export function teamCycleId(schoolYear: string, teamId: string): string {
  return `${schoolYear}:team:${teamId}`;
}

export interface EducationTeamRepository {
  get(schoolId: string, id: string): Promise<EducationTeam | undefined>;
  list(schoolId: string): Promise<EducationTeam[]>;
  findByTeamsTeam(schoolId: string, teamsTeamId: string): Promise<EducationTeam | undefined>;
  /** Throws DuplicateError when the id is taken. */
  create(team: Omit<EducationTeam, 'version'>): Promise<EducationTeam>;
  update(schoolId: string, id: string, mutate: Mutate<EducationTeam>): Promise<EducationTeam>;
}

export interface QualityCycleRepository {
  get(schoolId: string, id: string): Promise<QualityCycle | undefined>;
  listByYear(schoolId: string, schoolYear: string): Promise<QualityCycle[]>;
  /** Creates the cycle unless it exists; returns the stored one either way. */
  ensure(cycle: Omit<QualityCycle, 'version'>): Promise<QualityCycle>;
  update(schoolId: string, id: string, mutate: Mutate<QualityCycle>): Promise<QualityCycle>;
}

export interface QualityCycleRepositories {
  teams: EducationTeamRepository;
  cycles: QualityCycleRepository;
}
