import type { LocalDate } from './zoned-time.ts';

// A Dutch school year runs from 1 August to 31 July. Dates and time zones are in zoned-time.ts.

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
  const year = Number(date.slice(0, 4));
  return schoolYearStarting(Number(date.slice(5, 7)) >= 8 ? year : year - 1);
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
