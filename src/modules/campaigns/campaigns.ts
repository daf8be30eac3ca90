import { createHash } from 'node:crypto';
import type { Versioned } from '../../core/entities.ts';
import { addDays, isTime, localTime, weekdayOf, zonedInstant } from '../../core/time/zoned-time.ts';
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

/** A prompt after the end of each activity, or every week on a weekday during it (long internships). */
export type Schedule = { kind: 'after-end'; offset: Offset } | { kind: 'weekly'; weekday: number; time: string };

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

// --- offsets and schedules -----------------------------------------------------------------------

const weekdayNames: Record<string, number> = {
  ma: 1,
  maandag: 1,
  mon: 1,
  monday: 1,
  di: 2,
  dinsdag: 2,
  tue: 2,
  tuesday: 2,
  wo: 3,
  woensdag: 3,
  wed: 3,
  wednesday: 3,
  do: 4,
  donderdag: 4,
  thu: 4,
  thursday: 4,
  vr: 5,
  vrijdag: 5,
  fri: 5,
  friday: 5,
  za: 6,
  zaterdag: 6,
  sat: 6,
  saturday: 6,
  zo: 7,
  zondag: 7,
  sun: 7,
  sunday: 7,
};

function normalTime(text: string): string | undefined {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const t = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  return isTime(t) ? t : undefined;
}

/**
 * "0" or "end" (right after the end), "90m", "2h" (after the end), "0d@16:00" (the same day at 16:00),
 * "1d@09:00" (the next day at 09:00).
 */
export function parseOffset(text: string): Offset | undefined {
  const s = text.trim().toLowerCase().replace(/^\+/, '');
  if (s === '0' || s === 'end' || s === 'einde') return { kind: 'after', minutes: 0 };
  const after = /^(\d{1,4})\s*(m|min|h|u)$/.exec(s);
  if (after) {
    const n = Number(after[1]);
    const minutes = after[2] === 'h' || after[2] === 'u' ? n * 60 : n;
    return minutes <= 14 * 24 * 60 ? { kind: 'after', minutes } : undefined;
  }
  const day = /^(\d{1,2})\s*d\s*(?:@|\s)\s*(\d{1,2}[:.]\d{2})$/.exec(s);
  if (day) {
    const time = normalTime(day[2]!);
    const days = Number(day[1]);
    return time && days <= 30 ? { kind: 'day', days, time } : undefined;
  }
  return undefined;
}

export function formatOffset(o: Offset): string {
  if (o.kind === 'after') return o.minutes % 60 === 0 && o.minutes > 0 ? `${o.minutes / 60}h` : o.minutes ? `${o.minutes}m` : '0';
  return `${o.days}d@${o.time}`;
}

/** "fri@15:00", "vrijdag 15:00": a weekly moment. */
export function parseWeekly(text: string): { weekday: number; time: string } | undefined {
  const m = /^([a-z]+)\s*(?:@|\s)\s*(\d{1,2}[:.]\d{2})$/.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  const weekday = weekdayNames[m[1]!];
  const time = normalTime(m[2]!);
  return weekday && time ? { weekday, time } : undefined;
}

/** The moment `offset` after `endsAt`, never before the end itself. */
export function afterEnd(endsAt: string, offset: Offset, timeZone: string): Date {
  const end = new Date(endsAt);
  if (offset.kind === 'after') return new Date(end.getTime() + offset.minutes * 60_000);
  const at = zonedInstant(addDays(localTime(end, timeZone).date, offset.days), offset.time, timeZone);
  return at < end ? end : at;
}

export interface OccurrenceSpec {
  id: string;
  kind: OccurrenceKind;
  scheduledAt: string;
}

/** Every moment a campaign prompts for one activity, in time order. */
export function occurrencesOf(
  campaign: Pick<Campaign, 'id' | 'schedule' | 'preparation'>,
  activity: Pick<Activity, 'id' | 'startsAt' | 'endsAt'>,
  timeZone: string,
): OccurrenceSpec[] {
  const specs: { kind: OccurrenceKind; at: Date }[] = [];
  if (campaign.preparation) {
    const startDate = localTime(new Date(activity.startsAt), timeZone).date;
    const at = zonedInstant(addDays(startDate, -campaign.preparation.daysBefore), campaign.preparation.time, timeZone);
    specs.push({ kind: 'preparation', at: at < new Date(activity.startsAt) ? at : new Date(activity.startsAt) });
  }
  const schedule = campaign.schedule;
  if (schedule.kind === 'after-end') {
    specs.push({ kind: 'prompt', at: afterEnd(activity.endsAt, schedule.offset, timeZone) });
  } else {
    const first = localTime(new Date(activity.startsAt), timeZone).date;
    const last = localTime(new Date(activity.endsAt), timeZone).date;
    for (let d = first, n = 0; d <= last && n < 400; d = addDays(d, 1), n++) {
      if (weekdayOf(d) === schedule.weekday) specs.push({ kind: 'prompt', at: zonedInstant(d, schedule.time, timeZone) });
    }
  }
  return specs
    .map((s) => {
      const scheduledAt = s.at.toISOString();
      return { id: ids.occurrence(campaign.id, activity.id, s.kind, scheduledAt), kind: s.kind, scheduledAt };
    })
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}

// --- templates -----------------------------------------------------------------------------------

export interface CampaignTemplate {
  id: string;
  activityType: ActivityType;
  /**
   * The kinds of flow to propose when they differ from the activity's, in order of preference; the first
   * the school's sector has wins (mbo's weekly BPV check-in, else the mid-way flow).
   */
  flowTypes?: string[];
  schedule: Schedule;
  reminders: { afterHours: number; max: number };
  closeAfterDays: number;
  /** Whether the activity spans several days (asks for a start and an end date). */
  period: boolean;
}

/** What a coordinator starts from in Teams; every field can be changed in the form. */
export const campaignTemplates: CampaignTemplate[] = [
  {
    id: 'shadow-day',
    activityType: 'shadow-day',
    schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
    reminders: { afterHours: 4, max: 1 },
    closeAfterDays: 7,
    period: false,
  },
  {
    id: 'open-day',
    activityType: 'open-day',
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 1, time: '09:00' } },
    reminders: { afterHours: 24, max: 1 },
    closeAfterDays: 7,
    period: false,
  },
  {
    id: 'taster-internship',
    activityType: 'taster-internship',
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 0, time: '16:00' } },
    reminders: { afterHours: 24, max: 1 },
    closeAfterDays: 7,
    period: true,
  },
  {
    id: 'internship-weekly',
    activityType: 'internship',
    flowTypes: ['bpv-week', 'internship-midway'],
    schedule: { kind: 'weekly', weekday: 5, time: '15:00' },
    reminders: { afterHours: 48, max: 1 },
    closeAfterDays: 3,
    period: true,
  },
  {
    id: 'internship-end',
    activityType: 'internship',
    flowTypes: ['internship-end'],
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 1, time: '09:00' } },
    reminders: { afterHours: 24, max: 2 },
    closeAfterDays: 14,
    period: true,
  },
];

// --- checks --------------------------------------------------------------------------------------

/** Why a campaign is refused: a key under campaigns.refusals, with its parameters. */
export interface Refusal {
  code:
    | 'badName'
    | 'unknownFlow'
    | 'noPreparation'
    | 'noGroups'
    | 'unknownGroup'
    | 'emptyGroup'
    | 'unknownActivity'
    | 'wrongActivityType'
    | 'inPast'
    | 'badSchedule'
    | 'badReminders'
    | 'badWindow'
    | 'badPreparation'
    | 'unknownActivityType';
  params?: Record<string, string | number>;
}

export interface CampaignInput {
  name: string;
  flowId: string;
  activityType: string;
  groupIds: string[];
  activityIds?: string[];
  schedule: Schedule;
  preparation?: { daysBefore: number; time: string };
  reminders: { afterHours: number; max: number };
  closeAfterDays: number;
}

export interface CheckContext {
  now: Date;
  timeZone: string;
  /** Flow title when the flow exists. */
  flow: { id: string; title: string } | undefined;
  /** Whether the flow has a preparation prompt (the prompt library decides). */
  flowHasPreparation: boolean;
  /** The groups asked for, with their number of active students; undefined when unknown. */
  groups: { id: string; name?: string; members: number }[];
  /** The activities asked for (activityIds) or, without them, the activities of the type for these groups. */
  activities: (Activity | undefined)[];
}

/** Every reason to refuse a campaign, in the order a coordinator can fix them. Empty: accepted. */
export function checkCampaign(input: CampaignInput, ctx: CheckContext): Refusal[] {
  const out: Refusal[] = [];
  if (!input.name.trim() || input.name.length > 120) out.push({ code: 'badName' });
  if (!isActivityType(input.activityType)) out.push({ code: 'unknownActivityType', params: { type: input.activityType } });
  if (!ctx.flow) out.push({ code: 'unknownFlow', params: { flow: input.flowId } });
  else if (input.preparation && !ctx.flowHasPreparation) out.push({ code: 'noPreparation', params: { flow: ctx.flow.title } });
  if (input.groupIds.length === 0) out.push({ code: 'noGroups' });
  for (const g of ctx.groups) {
    if (g.name === undefined) out.push({ code: 'unknownGroup', params: { group: g.id } });
    else if (g.members === 0) out.push({ code: 'emptyGroup', params: { group: g.name } });
  }
  const s = input.schedule;
  if (s.kind === 'after-end') {
    const o = s.offset;
    if (o.kind === 'after' ? o.minutes < 0 || o.minutes > 14 * 24 * 60 : o.days < 0 || o.days > 30 || !isTime(o.time))
      out.push({ code: 'badSchedule' });
  } else if (!(s.weekday >= 1 && s.weekday <= 7) || !isTime(s.time)) out.push({ code: 'badSchedule' });
  if (
    input.preparation &&
    !(input.preparation.daysBefore >= 0 && input.preparation.daysBefore <= 30 && isTime(input.preparation.time))
  )
    out.push({ code: 'badPreparation' });
  const r = input.reminders;
  if (!(Number.isInteger(r.max) && r.max >= 0 && r.max <= 3) || !(r.afterHours >= 1 && r.afterHours <= 14 * 24))
    out.push({ code: 'badReminders' });
  if (!(Number.isInteger(input.closeAfterDays) && input.closeAfterDays >= 1 && input.closeAfterDays <= 60))
    out.push({ code: 'badWindow' });
  if (r.max > 0 && r.afterHours * r.max >= input.closeAfterDays * 24 && !out.some((x) => x.code === 'badWindow'))
    out.push({ code: 'badReminders' });
  ctx.activities.forEach((a, i) => {
    if (!a) out.push({ code: 'unknownActivity', params: { activity: input.activityIds?.[i] ?? '?' } });
    else if (a.type !== input.activityType) out.push({ code: 'wrongActivityType', params: { activity: a.title, type: a.type } });
  });
  const known = ctx.activities.filter((a): a is Activity => Boolean(a));
  if (known.length > 0 && !out.some((x) => x.code === 'badSchedule' || x.code === 'badWindow')) {
    const windowMs = input.closeAfterDays * 24 * 3_600_000;
    const last = known
      .flatMap((a) => occurrencesOf({ id: 'check', schedule: input.schedule, preparation: input.preparation }, a, ctx.timeZone))
      .map((o) => o.scheduledAt)
      .sort()
      .at(-1);
    // A prompt whose whole answer window lies in the past is pointless: refuse instead of sending it now.
    if (!last || new Date(last).getTime() + windowMs < ctx.now.getTime())
      out.push({ code: 'inPast', params: { date: last ?? known[0]!.endsAt } });
  }
  return out;
}
