import { createHash } from 'node:crypto';
import type { Versioned } from '../../core/entities.ts';
import type { Level } from '../../core/types.ts';

// Campaigns: "for activities of type X of group Y, send flow Z at <offset> after the activity ends,
// remind non-responders after N hours (at most M times), close the window after D days". A campaign
// and an activity give occurrences (moments); an occurrence gives one delivery per student. The
// deliveries are the ledger: every prompt's state, with the reason when it could not be delivered.

/** Activity types of the LOB programme (see ../shared/domain.md, "What triggers a reflection"). */
export const activityTypes = [
  'internship',
  'taster-internship',
  'shadow-day',
  'open-day',
  'trial-studying',
  'guest-lesson',
  'company-visit',
  'intake',
  'profile-choice',
  'study-choice',
  'first-100-days',
  'minor-choice',
  'real-life-assignment',
  'interview',
  'profile-paper',
  'elective-choice',
  'graduation',
  'study-progress',
  'applying',
  'other',
] as const;
export type ActivityType = (typeof activityTypes)[number];

export function isActivityType(value: string): value is ActivityType {
  return (activityTypes as readonly string[]).includes(value);
}

/** A class or team of students (from the school's SIS), optionally linked to a Teams team. */
export interface Group extends Versioned {
  schoolId: string;
  name: string;
  /** The name compared without case and spacing; unique per school. */
  key: string;
  teamId?: string;
  teamName?: string;
  /** The class's level (4vmbo-b, 5havo-a): a student's own level wins over it, it wins over the school's. */
  level?: Level;
  createdAt: string;
  updatedAt: string;
}

export interface GroupMembership extends Versioned {
  schoolId: string;
  groupId: string;
  personId: string;
  active: boolean;
  since: string;
  endedAt?: string;
}

/** An internship period, shadow day, open day, ...: when it happens and whom it concerns. */
export interface Activity extends Versioned {
  schoolId: string;
  type: ActivityType;
  title: string;
  startsAt: string;
  endsAt: string;
  groupIds: string[];
  /** Students named individually (e.g. a shadow day only some students of a class go to). */
  studentIds: string[];
  /** The id the school's system gave it, when imported. */
  externalId?: string;
  createdAt: string;
  updatedAt: string;
}

/** When, relative to the end of an activity: N minutes after it, or N days later at a local time. */
export type Offset = { kind: 'after'; minutes: number } | { kind: 'day'; days: number; time: string };

/**
 * A prompt after the end of each activity, every week on a weekday during it (long internships), or once
 * on the day halfway through it at a local time (the mid-BPV trialoog).
 */
export type Schedule =
  | { kind: 'after-end'; offset: Offset }
  | { kind: 'weekly'; weekday: number; time: string }
  | { kind: 'midway'; time: string };

export const campaignStates = ['active', 'paused', 'cancelled', 'completed'] as const;
export type CampaignState = (typeof campaignStates)[number];

/** A card that shows a campaign's status and is updated in place while it sends. */
export interface StatusCardRef {
  conversationId: string;
  activityId: string;
  serviceUrl: string;
  locale: 'nl' | 'en';
  /** The coordinator it was sent to. */
  personId: string;
}

export interface Campaign extends Versioned {
  schoolId: string;
  name: string;
  flowId: string;
  activityType: ActivityType;
  groupIds: string[];
  /** When set, only these activities (a campaign made for one shadow day); otherwise every activity of the type. */
  activityIds?: string[];
  schedule: Schedule;
  /** A preparation prompt N days before the activity starts, at a local time. */
  preparation?: { daysBefore: number; time: string };
  /**
   * A trialoog campaign: its prompt asks the student to choose a reflection and ask their internship
   * supervisor about it (the sharing module's card), or to add their supervisor first. Answered when the
   * student makes the supervisor link. The flow names the prompt in the ledger and the mentors' digest.
   */
  trialoog?: true;
  reminders: { afterHours: number; max: number };
  /** The answer window: a prompt not answered this many days after it was sent is closed (answers still count, marked late). */
  closeAfterDays: number;
  state: CampaignState;
  /** Occurrences before this moment are not planned (activities long past when the campaign was made). */
  notBefore: string;
  createdBy?: string;
  createdAt: string;
  updatedAt: string;
  statusCards: StatusCardRef[];
}

export type OccurrenceKind = 'prompt' | 'preparation';

/** One moment of a campaign for one activity; planned once into deliveries. */
export interface Occurrence extends Versioned {
  schoolId: string;
  campaignId: string;
  activityId: string;
  kind: OccurrenceKind;
  scheduledAt: string;
  /** 'superseded': a later weekly prompt for the same activity was due too (after downtime); only the latest is sent. */
  state: 'planning' | 'planned' | 'superseded';
  deliveries: number;
  plannedAt?: string;
  supersededBy?: string;
}

export const deliveryStates = [
  'planned',
  'sending',
  'sent',
  'reminded',
  'answered',
  'closed',
  'unreachable',
  'cancelled',
] as const;
export type DeliveryState = (typeof deliveryStates)[number];
export const finalDeliveryStates: readonly DeliveryState[] = ['answered', 'closed', 'unreachable', 'cancelled'];

/**
 * One prompt to one student. `dueAt` is when the engine must next look at it (send, remind, close, or
 * take over an expired claim); it is absent once the delivery is final or parked (campaign paused).
 */
export interface Delivery extends Versioned {
  schoolId: string;
  campaignId: string;
  occurrenceId: string;
  activityId: string;
  studentId: string;
  /** The campaign group the student was reached through (for per-group figures). */
  groupId?: string;
  flowId: string;
  kind: OccurrenceKind;
  scheduledAt: string;
  dueAt?: string;
  state: DeliveryState;
  /** Why it is unreachable, closed or waiting: blocked, uninstalled, not-found, no-conversation, no-licence, app-blocked, paused, error, ... */
  reason?: string;
  /** What a live claim is for; with `claimedBy`, set while an instance sends. */
  op?: 'send' | 'remind';
  claimedBy?: string;
  attempts: number;
  reflectionId: string;
  sentAt?: string;
  message?: { conversationId: string; activityId: string };
  /** The student had never opened the app: the school installed it for them to send this prompt. */
  installedBySchool?: true;
  closesAt?: string;
  reminders: number;
  remindedAt?: string;
  answeredAt?: string;
  late?: boolean;
  parked?: boolean;
  lastError?: string;
  createdAt: string;
  updatedAt: string;
}

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('base64url').slice(0, 22);
}

/** Ids are derived from what a thing is, so planning twice or importing twice creates nothing twice. */
export const ids = {
  group: (schoolId: string, key: string) => `grp-${hash(schoolId, key)}`,
  membership: (groupId: string, personId: string) => `${groupId}:${personId}`,
  activity: (schoolId: string, natural: string) => `act-${hash(schoolId, natural)}`,
  campaign: (schoolId: string, natural: string) => `cmp-${hash(schoolId, natural).slice(0, 10)}`,
  occurrence: (campaignId: string, activityId: string, kind: OccurrenceKind, at: string) =>
    `occ-${hash(campaignId, activityId, kind, at)}`,
  delivery: (occurrenceId: string, studentId: string) => `dlv-${hash(occurrenceId, studentId)}`,
  /** The reflection a delivery opens: fixed, so a resend after a crash reopens the same one. */
  reflection: (deliveryId: string) => `${deliveryId}-r`,
  /** The delivery a reflection id was derived from, if it was. */
  deliveryOf: (reflectionId: string) => (reflectionId.endsWith('-r') ? reflectionId.slice(0, -2) : undefined),
};

/**
 * A delivery's dueAt: the moment, with sub-millisecond digits derived from its id. Thousands of prompts
 * of one campaign fall due at one moment; with these digits their dueAt values differ (the time itself
 * does not: ISO 8601 allows more digits, they compare as strings and Date ignores them), so the outbox
 * query reads them in index order instead of sorting them all on every batch.
 */
export function spreadDue(at: Date | number, deliveryId: string): string {
  let h = 2166136261;
  for (let i = 0; i < deliveryId.length; i++) h = Math.imul(h ^ deliveryId.charCodeAt(i), 16777619);
  const iso = (typeof at === 'number' ? new Date(at) : at).toISOString();
  return `${iso.slice(0, 23)}${String((h >>> 0) % 1_000_000).padStart(6, '0')}Z`;
}

export function groupKey(name: string): string {
  return name.normalize('NFKC').toLowerCase().replace(/\s+/g, '');
}

/** Why a group name from a file or the command line cannot be used, or undefined when it can. */
export function groupNameProblem(name: string): string | undefined {
  // A class name is shown in lists, cards and the coordinator page; 80 is well over any school's.
  return name && name.length <= 80 ? undefined : 'group name is missing or longer than 80 characters';
}

/** A new group by its name (its id follows from the name, so creating it twice gives one group). */
export function newGroup(
  schoolId: string,
  name: string,
  at: string,
  team?: { teamId?: string; teamName?: string; level?: Level },
): Omit<Group, 'version'> {
  const key = groupKey(name);
  return {
    id: ids.group(schoolId, key),
    schoolId,
    name,
    key,
    ...(team?.teamId ? { teamId: team.teamId } : {}),
    ...(team?.level ? { level: team.level } : {}),
    ...(team?.teamName ? { teamName: team.teamName } : {}),
    createdAt: at,
    updatedAt: at,
  };
}
