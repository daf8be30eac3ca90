import type { SchoolRepository } from '../ports.ts';
import { addDays, isTime, localTime, minutesOf, zonedInstant } from '../time/zoned-time.ts';
import { type CalendarRepository, type Holiday, holidaysFor, type SchoolCalendar } from './calendar.ts';

// May the bot message a person now? The one rule for every message the bot sends on its own initiative
// (docs/quiet-hours.md). A school sets its quiet hours once (`calendar set`); they hold every kind of
// message, and so do weekends unless the school allows them. School holidays (and the school's own days
// off) are days without students: they hold what goes to students, not what goes to staff. A student's
// own pause holds the questions the bot asks them. Replies to what a person just typed or pressed are not
// proactive and are never held.

/** When messages are held back: before `before`, from `after` on, and at weekends when `weekends` is true. */
export interface QuietHours {
  before: string;
  after: string;
  weekends: boolean;
}

export const defaultQuietHours: QuietHours = { before: '08:00', after: '20:00', weekends: true };

/** Every kind of proactive message. */
export type MessageKind =
  /** A campaign's reflection prompt, its preparation question and its reminder. */
  | 'campaign-prompt'
  /** "Did your step happen?", some days after a reflection. */
  | 'student-follow-up'
  /** A mentor's feedforward note, delivered to the student. */
  | 'mentor-note'
  /** The mentor's digest of their students' entries. */
  | 'mentor-digest'
  /** The reminder of a conversation the mentor planned. */
  | 'mentor-reminder'
  /** The summary a new mentor gets of a student handed over to them. */
  | 'mentor-handover'
  /** Quality-cycle milestone reminders and escalations, in the team's channel and the owners' chats. */
  | 'quality-cycle-reminder';

export interface MessageRule {
  /** Held in school holidays and on the school's own days off. */
  holidays: boolean;
  /** Held while the student paused questions. */
  pause: boolean;
}

/**
 * What holds each kind besides quiet hours and weekends. Messages to students wait for the end of a
 * holiday; staff read theirs when they choose, a handover must not wait six weeks of summer, and the
 * quality cycle's end-of-summer milestones are reminded in the last weeks of the summer holiday. A pause
 * is the student's "no questions for now": it holds questions, not their mentor's note.
 */
export const messageRules: Record<MessageKind, MessageRule> = {
  'campaign-prompt': { holidays: true, pause: true },
  'student-follow-up': { holidays: true, pause: true },
  'mentor-note': { holidays: true, pause: false },
  'mentor-digest': { holidays: false, pause: false },
  'mentor-reminder': { holidays: false, pause: false },
  'mentor-handover': { holidays: false, pause: false },
  'quality-cycle-reminder': { holidays: false, pause: false },
};

/** A school's calendar as far as sending goes. */
export interface SendPolicy {
  timeZone: string;
  quietHours: QuietHours;
  holidays: Holiday[];
}

export type Pause = { since: string; until: string };

export function sendPolicy(
  calendar: Pick<SchoolCalendar, 'region' | 'quietHours' | 'addedHolidays' | 'removedHolidays'> | undefined,
  timeZone: string,
  shipped: Holiday[],
): SendPolicy {
  const c = calendar ?? { quietHours: defaultQuietHours, addedHolidays: [], removedHolidays: [] };
  return { timeZone, quietHours: c.quietHours, holidays: holidaysFor(c, shipped) };
}

/** A school's send policy by school id. */
export type SendPolicies = (schoolId: string) => Promise<SendPolicy>;

/** Send policies from the store: the school's time zone and calendar (defaults until it sets one). */
export function storedSendPolicies(input: {
  schools: Pick<SchoolRepository, 'get'>;
  calendars: Pick<CalendarRepository, 'get'>;
  shipped: Holiday[];
  defaultTimeZone: string;
}): SendPolicies {
  return async (schoolId) => {
    const [school, calendar] = await Promise.all([input.schools.get(schoolId), input.calendars.get(schoolId)]);
    return sendPolicy(calendar, school?.timeZone || input.defaultTimeZone, input.shipped);
  };
}

export type QuietReason = 'night' | 'weekend' | 'holiday' | 'paused';

export function holidayOn(date: string, policy: SendPolicy): Holiday | undefined {
  return policy.holidays.find((h) => h.from <= date && date <= h.to);
}

/** Whether a pause (set by the student) covers an instant. Compared as instants, whatever ISO form was stored. */
export function inPause(instant: Date, pause: Pause | undefined): boolean {
  if (!pause) return false;
  const t = instant.getTime();
  return Date.parse(pause.since) <= t && t < Date.parse(pause.until);
}

/** Why a message of this kind may not go out at this moment, or undefined when it may. */
export function quietReason(instant: Date, policy: SendPolicy, kind: MessageKind, pause?: Pause): QuietReason | undefined {
  const rule = messageRules[kind];
  if (rule.pause && inPause(instant, pause)) return 'paused';
  const l = localTime(instant, policy.timeZone);
  if (rule.holidays && holidayOn(l.date, policy)) return 'holiday';
  if (policy.quietHours.weekends && l.weekday >= 6) return 'weekend';
  if (l.minutes < minutesOf(policy.quietHours.before) || l.minutes >= minutesOf(policy.quietHours.after)) return 'night';
  return undefined;
}

export function isAllowed(instant: Date, policy: SendPolicy, kind: MessageKind, pause?: Pause): boolean {
  return quietReason(instant, policy, kind, pause) === undefined;
}

/**
 * The first moment at or after `from` at which a message of this kind may go out. Undefined when the
 * calendar allows nothing for a year (a misconfiguration, reported rather than looped on).
 */
export function nextAllowed(from: Date, policy: SendPolicy, kind: MessageKind, pause?: Pause): Date | undefined {
  const { timeZone, quietHours } = policy;
  const rule = messageRules[kind];
  const start = minutesOf(quietHours.before);
  const end = minutesOf(quietHours.after);
  let t = from;
  for (let step = 0; step < 800; step++) {
    if (rule.pause && inPause(t, pause)) {
      t = new Date(pause!.until);
      continue;
    }
    const l = localTime(t, timeZone);
    const closedDay = (rule.holidays && holidayOn(l.date, policy)) || (quietHours.weekends && l.weekday >= 6);
    if (closedDay || l.minutes >= end) {
      t = zonedInstant(addDays(l.date, 1), quietHours.before, timeZone);
      continue;
    }
    if (l.minutes < start) {
      t = zonedInstant(l.date, quietHours.before, timeZone);
      continue;
    }
    return t;
  }
  return undefined;
}

/** Problems with quiet-hours settings, as message keys (campaigns.calendar.*). */
export function checkQuietHours(q: QuietHours): string | undefined {
  if (!isTime(q.before) || !(isTime(q.after) || q.after === '24:00')) return 'badTime';
  if (minutesOf(q.after) - minutesOf(q.before) < 60) return 'tooNarrow';
  return undefined;
}
