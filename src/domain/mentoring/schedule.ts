// Wall-clock time in the school's time zone: when a mentor's digest is due, and when the bot may write
// at all. Nothing is sent in quiet hours (before 08:00, from 20:00, at weekends); what falls there waits
// for the next allowed moment.

export interface LocalParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  /** ISO weekday: 1 is Monday, 7 is Sunday. */
  weekday: number;
}

/** The allowed window for messages: weekdays from 08:00 until 20:00. */
export const allowedHours = { from: 8, until: 20 } as const;

const formatters = new Map<string, Intl.DateTimeFormat>();
const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function localParts(at: Date, timeZone: string): LocalParts {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(at)) parts[p.type] = p.value;
  return {
    year: Number(parts['year']),
    month: Number(parts['month']),
    day: Number(parts['day']),
    hour: Number(parts['hour']),
    minute: Number(parts['minute']),
    weekday: weekdays[parts['weekday'] ?? ''] ?? 0,
  };
}

const dates = new Map<string, string>();

/** The local calendar date (YYYY-MM-DD) of an instant in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  // Asked for every card drawn; the answer only changes on the (whole) hour in the zones schools use.
  const key = `${timeZone}|${at.toISOString().slice(0, 13)}`;
  let date = dates.get(key);
  if (date === undefined) {
    const p = localParts(at, timeZone);
    date = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
    if (dates.size > 10_000) dates.clear();
    dates.set(key, date);
  }
  return date;
}

/** The instant at which the clock in `timeZone` shows the given local date and time. */
export function zonedInstant(year: number, month: number, day: number, hour: number, minute: number, timeZone: string): Date {
  const wanted = Date.UTC(year, month - 1, day, hour, minute);
  let guess = wanted;
  // Two rounds settle the offset, also across a daylight-saving change between guess and answer.
  for (let i = 0; i < 2; i++) {
    const p = localParts(new Date(guess), timeZone);
    const offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute) - guess;
    guess = wanted - offset;
  }
  return new Date(guess);
}

/** A local date `days` after the given one, with its ISO weekday. */
function shiftDate(p: { year: number; month: number; day: number }, days: number) {
  const d = new Date(Date.UTC(p.year, p.month - 1, p.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: ((d.getUTCDay() + 6) % 7) + 1 };
}

export function isSchoolDay(weekday: number): boolean {
  return weekday >= 1 && weekday <= 5;
}

/** True when a message may be sent at this moment. */
export function isAllowed(at: Date, timeZone: string): boolean {
  const p = localParts(at, timeZone);
  return isSchoolDay(p.weekday) && p.hour >= allowedHours.from && p.hour < allowedHours.until;
}

/** `at` itself when allowed, otherwise the next 08:00 on a school day. */
export function nextAllowed(at: Date, timeZone: string): Date {
  if (isAllowed(at, timeZone)) return at;
  const today = localParts(at, timeZone);
  for (let k = 0; k <= 7; k++) {
    const d = shiftDate(today, k);
    if (!isSchoolDay(d.weekday)) continue;
    const start = zonedInstant(d.year, d.month, d.day, allowedHours.from, 0, timeZone);
    if (start.getTime() >= at.getTime()) return start;
  }
  throw new Error(`no allowed time within a week of ${at.toISOString()} in ${timeZone}`);
}

export interface DigestSchedule {
  frequency: 'daily' | 'weekly';
  /** ISO weekday 1–5, for a weekly digest. */
  weekday: number;
  /** Local hour, inside the allowed window. */
  hour: number;
}

/** The most recent moment at or before `at` at which this schedule puts a digest. */
export function latestSlot(at: Date, schedule: DigestSchedule, timeZone: string): Date {
  const today = localParts(at, timeZone);
  for (let k = 0; k <= 14; k++) {
    const d = shiftDate(today, -k);
    const eligible = schedule.frequency === 'daily' ? isSchoolDay(d.weekday) : d.weekday === schedule.weekday;
    if (!eligible) continue;
    const slot = zonedInstant(d.year, d.month, d.day, schedule.hour, 0, timeZone);
    if (slot.getTime() <= at.getTime()) return slot;
  }
  throw new Error(`no digest slot within two weeks before ${at.toISOString()}`);
}

/** The first moment after `at` at which this schedule puts a digest. */
export function nextSlot(at: Date, schedule: DigestSchedule, timeZone: string): Date {
  const today = localParts(at, timeZone);
  for (let k = 0; k <= 14; k++) {
    const d = shiftDate(today, k);
    const eligible = schedule.frequency === 'daily' ? isSchoolDay(d.weekday) : d.weekday === schedule.weekday;
    if (!eligible) continue;
    const slot = zonedInstant(d.year, d.month, d.day, schedule.hour, 0, timeZone);
    if (slot.getTime() > at.getTime()) return slot;
  }
  throw new Error(`no digest slot within two weeks after ${at.toISOString()}`);
}

/** Adds whole days, then moves the result to the next allowed moment. */
export function afterDays(at: Date, days: number, timeZone: string): Date {
  return nextAllowed(new Date(at.getTime() + days * 86_400_000), timeZone);
}
