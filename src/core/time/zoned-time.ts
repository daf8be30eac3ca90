// Dates and wall-clock time in a school's time zone, with the platform's Intl data only (no time-zone
// library). The one home of this arithmetic: schedules, due dates, pauses and quiet hours are written as
// local dates and times ("the same day at 16:00", "due on 31 January"); the engine stores UTC instants.
// A calendar day is a plain 'YYYY-MM-DD' string: such strings compare and sort as dates, so they are
// what is stored.

/** A calendar day, 'YYYY-MM-DD'. */
export type LocalDate = string;

export interface LocalTime {
  date: LocalDate;
  /** HH:MM */
  time: string;
  /** 1 = Monday ... 7 = Sunday (ISO). */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

/** Local offset (local minus UTC) at an instant, in ms, to the minute. */
function offsetAt(ms: number, timeZone: string): number {
  const p: Record<string, string> = {};
  for (const part of formatter(timeZone).formatToParts(new Date(ms))) p[part.type] = part.value;
  const localAsUtc = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
  );
  return localAsUtc - Math.floor(ms / 60_000) * 60_000;
}

// Asking Intl for the parts of every instant is slow (every message asks "is it quiet hours?"). The
// offset from UTC only changes at DST transitions, which fall on quarter hours in every zone, so it is
// looked up once per zone per quarter hour and the rest is arithmetic.
const quarterMs = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetOfQuarter(quarterStart: number, timeZone: string): number {
  const key = `${timeZone}|${quarterStart}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    offset = offsetAt(quarterStart, timeZone);
    if (offsets.size > 5000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** The wall clock in a time zone at an instant. */
export function localTime(instant: Date, timeZone: string): LocalTime {
  const ms = instant.getTime();
  const local = new Date(ms + offsetOfQuarter(Math.floor(ms / quarterMs) * quarterMs, timeZone));
  const hours = local.getUTCHours();
  const minutes = local.getUTCMinutes();
  const day = local.getUTCDay();
  return {
    date: `${local.getUTCFullYear()}-${pad(local.getUTCMonth() + 1)}-${pad(local.getUTCDate())}`,
    time: `${pad(hours)}:${pad(minutes)}`,
    weekday: day === 0 ? 7 : day,
    minutes: hours * 60 + minutes,
  };
}

/** The calendar day in a time zone at an instant. */
export function localDate(instant: Date, timeZone: string): LocalDate {
  return localTime(instant, timeZone).date;
}

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

function dateParts(date: LocalDate): [number, number, number] {
  const m = datePattern.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fromUtc(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for an existing calendar day written as 'YYYY-MM-DD', in the years a school plans for. */
export function isDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string' || !datePattern.test(value)) return false;
  const [y, m, d] = dateParts(value);
  return fromUtc(Date.UTC(y, m - 1, d)) === value && y >= 2000 && y <= 2200;
}

/** HH:MM, 00:00 to 23:59 ("24:00" is accepted by minutesOf only, as the end of a day). */
export function isTime(value: string): boolean {
  return timePattern.test(value);
}

export function minutesOf(time: string): number {
  if (time === '24:00') return 24 * 60;
  const m = timePattern.exec(time);
  if (!m) throw new Error(`not a time: ${time}`);
  return Number(m[1]) * 60 + Number(m[2]);
}

export function timeOf(minutes: number): string {
  return `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = dateParts(date);
  return fromUtc(Date.UTC(y, m - 1, d + days));
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const [ya, ma, da] = dateParts(a);
  const [yb, mb, db] = dateParts(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / 86_400_000);
}

/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function shiftYears(date: LocalDate, years: number): LocalDate {
  const [y, m, d] = dateParts(date);
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return fromUtc(Date.UTC(y + years, m - 1, Math.min(d, last)));
}

/** ISO weekday (1 = Monday) of a calendar date. */
export function weekdayOf(date: LocalDate): number {
  const [y, m, d] = dateParts(date);
  const day = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return day === 0 ? 7 : day;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`. A time skipped by the spring
 * DST change moves forward by the gap (02:30 becomes 03:30); an ambiguous autumn time picks one of the two.
 */
export function zonedInstant(date: LocalDate, time: string, timeZone: string): Date {
  const [y, m, d] = dateParts(date);
  const asUtc = Date.UTC(y, m - 1, d, 0, minutesOf(time));
  const guess = asUtc - offsetAt(asUtc, timeZone);
  const offset = offsetAt(guess, timeZone);
  if (guess + offset === asUtc) return new Date(guess);
  const second = asUtc - offset;
  const secondOffset = offsetAt(second, timeZone);
  if (secondOffset === offset) return new Date(second);
  // In the spring gap. Read with the offset from before the change, the time lands after the gap, east
  // and west of Greenwich alike (west of it the other offset put it before the gap, or on the day before).
  return new Date(asUtc - Math.min(offset, secondOffset));
}

/** The instant a day starts (00:00) in a time zone. */
export function startOfDay(date: LocalDate, timeZone: string): Date {
  return zonedInstant(date, '00:00', timeZone);
}
