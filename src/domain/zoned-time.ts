// Wall-clock time in a school's time zone, with the platform's Intl data only (no time-zone library).
// Schedules are written as local dates and times ("the same day at 16:00"); the engine works in UTC
// instants. These helpers convert between the two, including across daylight-saving changes.

export interface LocalTime {
  /** YYYY-MM-DD */
  date: string;
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
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

const weekdays: Record<string, number> = { Mon: 1, Tue: 2, Wed: 3, Thu: 4, Fri: 5, Sat: 6, Sun: 7 };

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

function partsOf(instant: Date, timeZone: string): LocalTime {
  const parts: Record<string, string> = {};
  for (const p of formatter(timeZone).formatToParts(instant)) parts[p.type] = p.value;
  const hour = Number(parts['hour']);
  const minute = Number(parts['minute']);
  return {
    date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    time: `${parts['hour']}:${parts['minute']}`,
    weekday: weekdays[parts['weekday'] ?? ''] ?? 1,
    minutes: hour * 60 + minute,
  };
}

// Asking Intl for the parts of every instant is slow (every prompt asks "is it quiet hours?"). The
// offset from UTC only changes at DST transitions, which fall on quarter hours in every zone, so it is
// looked up once per zone per quarter hour and the rest is arithmetic.
const quarterMs = 15 * 60_000;
const offsets = new Map<string, number>();

function offsetOfQuarter(quarterStart: number, timeZone: string): number {
  const key = `${timeZone}|${quarterStart}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const l = partsOf(new Date(quarterStart), timeZone);
    const [y, mo, d] = l.date.split('-').map(Number) as [number, number, number];
    offset = Date.UTC(y, mo - 1, d, Math.floor(l.minutes / 60), l.minutes % 60) - quarterStart;
    if (offsets.size > 5000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

const pad = (n: number) => String(n).padStart(2, '0');

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

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const timePattern = /^([01]\d|2[0-3]):([0-5]\d)$/;

export function isDate(value: string): boolean {
  const m = datePattern.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === value;
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
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`;
}

export function addDays(date: string, days: number): string {
  const m = datePattern.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + days)).toISOString().slice(0, 10);
}

/** ISO weekday (1 = Monday) of a calendar date. */
export function weekdayOf(date: string): number {
  const m = datePattern.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  const day = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]))).getUTCDay();
  return day === 0 ? 7 : day;
}

/** Local offset (local minus UTC) at an instant, in ms, to the minute. */
function offsetAt(ms: number, timeZone: string): number {
  const l = partsOf(new Date(ms), timeZone);
  const [y, mo, d] = l.date.split('-').map(Number) as [number, number, number];
  const localAsUtc = Date.UTC(y, mo - 1, d, Math.floor(l.minutes / 60), l.minutes % 60);
  return localAsUtc - Math.floor(ms / 60_000) * 60_000;
}

/**
 * The instant at which the wall clock in `timeZone` shows `date` `time`. A time skipped by the spring
 * DST change moves forward by the gap (02:30 becomes 03:30); an ambiguous autumn time picks one of the two.
 */
export function zonedInstant(date: string, time: string, timeZone: string): Date {
  const m = datePattern.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  const asUtc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 0, minutesOf(time));
  const guess = asUtc - offsetAt(asUtc, timeZone);
  const offset = offsetAt(guess, timeZone);
  return new Date(guess + offset === asUtc ? guess : asUtc - offset);
}
