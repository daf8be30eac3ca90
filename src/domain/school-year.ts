// Calendar dates as schools use them: a due date is a day in the school's own time zone, not an instant,
// and a Dutch school year runs from 1 August to 31 July. Plain 'YYYY-MM-DD' strings compare and sort as
// dates, so they are what is stored.

/** A calendar day, 'YYYY-MM-DD'. */
export type LocalDate = string;

const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

function parts(date: LocalDate): [number, number, number] {
  const m = datePattern.exec(date);
  if (!m) throw new Error(`not a date: ${date}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}

function fromUtc(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10);
}

/** True for an existing calendar day written as 'YYYY-MM-DD'. */
export function isLocalDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string' || !datePattern.test(value)) return false;
  const [y, m, d] = parts(value);
  return fromUtc(Date.UTC(y, m - 1, d)) === value && y >= 2000 && y <= 2200;
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const [y, m, d] = parts(date);
  return fromUtc(Date.UTC(y, m - 1, d + days));
}

/** Whole days from `a` to `b` (negative when b is earlier). */
export function daysBetween(a: LocalDate, b: LocalDate): number {
  const [ya, ma, da] = parts(a);
  const [yb, mb, db] = parts(b);
  return Math.round((Date.UTC(yb, mb - 1, db) - Date.UTC(ya, ma - 1, da)) / 86_400_000);
}

/** The same day `years` later; 29 February becomes 28 February in a common year. */
export function shiftYears(date: LocalDate, years: number): LocalDate {
  const [y, m, d] = parts(date);
  const last = new Date(Date.UTC(y + years, m, 0)).getUTCDate();
  return fromUtc(Date.UTC(y + years, m - 1, Math.min(d, last)));
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
      second: '2-digit',
      weekday: 'short',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The wall clock in a time zone at an instant. */
export function wallClock(instant: Date, timeZone: string): { date: LocalDate; hour: number; minute: number; weekday: number } {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  const weekdays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  return {
    date: `${p['year']}-${p['month']}-${p['day']}`,
    hour: Number(p['hour']),
    minute: Number(p['minute']),
    weekday: weekdays.indexOf(p['weekday'] ?? ''),
  };
}

export function localDateOf(instant: Date, timeZone: string): LocalDate {
  return wallClock(instant, timeZone).date;
}

function offsetMs(instant: Date, timeZone: string): number {
  const p = Object.fromEntries(
    formatter(timeZone)
      .formatToParts(instant)
      .map((x) => [x.type, x.value]),
  );
  const asUtc = Date.UTC(
    Number(p['year']),
    Number(p['month']) - 1,
    Number(p['day']),
    Number(p['hour']),
    Number(p['minute']),
    Number(p['second']),
  );
  return asUtc - Math.floor(instant.getTime() / 1000) * 1000;
}

/** The instant a day starts (00:00) in a time zone. */
export function startOfDay(date: LocalDate, timeZone: string): Date {
  const [y, m, d] = parts(date);
  const guess = Date.UTC(y, m - 1, d);
  const first = guess - offsetMs(new Date(guess), timeZone);
  // Twice: the offset at the guess can differ from the offset at the answer around a DST change.
  return new Date(guess - offsetMs(new Date(first), timeZone));
}

export interface SchoolYear {
  /** '2026-2027' */
  id: string;
  /** 1 August */
  start: LocalDate;
  /** 31 July of the next calendar year */
  end: LocalDate;
}

const yearPattern = /^(\d{4})-(\d{4})$/;

export function schoolYearStarting(year: number): SchoolYear {
  return { id: `${year}-${year + 1}`, start: `${year}-08-01`, end: `${year + 1}-07-31` };
}

/** The school year a day falls in. */
export function schoolYearOf(date: LocalDate): SchoolYear {
  const [y, m] = parts(date);
  return schoolYearStarting(m >= 8 ? y : y - 1);
}

/** '2026-2027' (also '2026/2027'), or undefined when it is not a school year. */
export function parseSchoolYear(value: string): SchoolYear | undefined {
  const m = yearPattern.exec(value.trim().replace('/', '-'));
  if (!m) return undefined;
  const start = Number(m[1]);
  if (Number(m[2]) !== start + 1 || start < 2000 || start > 2200) return undefined;
  return schoolYearStarting(start);
}

export function previousSchoolYear(year: SchoolYear): SchoolYear {
  return schoolYearStarting(Number(year.start.slice(0, 4)) - 1);
}

export function inSchoolYear(date: LocalDate, year: SchoolYear): boolean {
  return date >= year.start && date <= year.end;
}
