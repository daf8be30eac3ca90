import type { Versioned } from './entities.ts';
import { addDays, isDate, isTime, localTime, minutesOf, zonedInstant } from './zoned-time.ts';

// The school calendar decides when a prompt may reach a student: not at night, not at weekends, not in
// a school holiday (which depends on the school's region), and not while the student paused prompts.
// Holiday dates are data (calendar/school-holidays.yaml) that a school can amend with its own days.

export const regions = ['noord', 'midden', 'zuid'] as const;
export type Region = (typeof regions)[number];

export interface Holiday {
  /** Stable key, e.g. "2026-2027:herfst"; a school removes a shipped holiday by this key. */
  key: string;
  name: string;
  /** First and last day, inclusive (YYYY-MM-DD, local dates). */
  from: string;
  to: string;
  regions: Region[];
}

/** When prompts are held back: before `before`, from `after` on, and at weekends when `weekends` is true. */
export interface QuietHours {
  before: string;
  after: string;
  weekends: boolean;
}

export const defaultQuietHours: QuietHours = { before: '08:00', after: '20:00', weekends: true };
export const defaultRegion: Region = 'midden';

/** A school's own calendar settings; the time zone is the school's (School.timeZone). */
export interface SchoolCalendar extends Versioned {
  schoolId: string;
  /** Unset until the school chooses; the default region is then used (and `calendar show` says so). */
  region?: Region;
  quietHours: QuietHours;
  /** Days the school adds (study days, a local holiday). */
  addedHolidays: Holiday[];
  /** Keys of shipped holidays the school does not follow. */
  removedHolidays: string[];
  updatedAt: string;
}

/** Everything needed to decide whether a moment is allowed for sending. */
export interface SendPolicy {
  timeZone: string;
  quietHours: QuietHours;
  holidays: Holiday[];
}

export function holidaysFor(calendar: Pick<SchoolCalendar, 'region' | 'addedHolidays' | 'removedHolidays'>, shipped: Holiday[]) {
  const region = calendar.region ?? defaultRegion;
  const removed = new Set(calendar.removedHolidays);
  return [
    // A shipped holiday with regional dates is removed by its own key or by the key of the whole holiday.
    ...shipped.filter((h) => h.regions.includes(region) && !removed.has(h.key) && !removed.has(baseKey(h.key))),
    ...calendar.addedHolidays.filter((h) => h.regions.includes(region)),
  ].sort((a, b) => a.from.localeCompare(b.from));
}

function baseKey(key: string): string {
  return key.split(':').slice(0, 2).join(':');
}

export function sendPolicy(
  calendar: Pick<SchoolCalendar, 'region' | 'quietHours' | 'addedHolidays' | 'removedHolidays'> | undefined,
  timeZone: string,
  shipped: Holiday[],
): SendPolicy {
  const c = calendar ?? { quietHours: defaultQuietHours, addedHolidays: [], removedHolidays: [] };
  return { timeZone, quietHours: c.quietHours, holidays: holidaysFor(c, shipped) };
}

export type QuietReason = 'night' | 'weekend' | 'holiday' | 'paused';

export function holidayOn(date: string, policy: SendPolicy): Holiday | undefined {
  return policy.holidays.find((h) => h.from <= date && date <= h.to);
}

/** Whether a pause (set by the student) covers an instant. Compared as instants, whatever ISO form was stored. */
export function inPause(instant: Date, pause: { since: string; until: string } | undefined): boolean {
  if (!pause) return false;
  const t = instant.getTime();
  return Date.parse(pause.since) <= t && t < Date.parse(pause.until);
}

/** Why a moment is not allowed for sending, or undefined when it is. */
export function quietReason(
  instant: Date,
  policy: SendPolicy,
  pause?: { since: string; until: string },
): QuietReason | undefined {
  if (inPause(instant, pause)) return 'paused';
  const l = localTime(instant, policy.timeZone);
  if (holidayOn(l.date, policy)) return 'holiday';
  if (policy.quietHours.weekends && l.weekday >= 6) return 'weekend';
  if (l.minutes < minutesOf(policy.quietHours.before) || l.minutes >= minutesOf(policy.quietHours.after)) return 'night';
  return undefined;
}

/**
 * The first moment at or after `from` at which a prompt may be sent: outside quiet hours, weekends,
 * holidays and the student's pause. Undefined when the calendar allows nothing for a year (a
 * misconfiguration, reported rather than looped on).
 */
export function nextAllowed(from: Date, policy: SendPolicy, pause?: { since: string; until: string }): Date | undefined {
  const { timeZone, quietHours } = policy;
  const start = minutesOf(quietHours.before);
  const end = minutesOf(quietHours.after);
  let t = from;
  for (let step = 0; step < 800; step++) {
    if (inPause(t, pause)) {
      t = new Date(pause!.until);
      continue;
    }
    const l = localTime(t, timeZone);
    const closedDay = holidayOn(l.date, policy) || (quietHours.weekends && l.weekday >= 6);
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

export function checkHoliday(h: Pick<Holiday, 'from' | 'to' | 'name'>): string | undefined {
  if (!isDate(h.from) || !isDate(h.to)) return 'badDate';
  if (h.to < h.from) return 'endBeforeStart';
  if (!h.name.trim() || h.name.length > 80) return 'badName';
  return undefined;
}

/** The school year (Dutch: 1 August to 31 July) a local date falls in, e.g. "2026-2027". */
export function schoolYearOf(date: string): string {
  const year = Number(date.slice(0, 4));
  const month = Number(date.slice(5, 7));
  return month >= 8 ? `${year}-${year + 1}` : `${year - 1}-${year}`;
}

export function schoolYearRange(schoolYear: string): { from: string; to: string } {
  const first = Number(schoolYear.slice(0, 4));
  return { from: `${first}-08-01`, to: `${first + 1}-07-31` };
}
