import { type SchoolYear, schoolYearOf, schoolYearStarting } from '../time/school-year.ts';
import type { LocalDate } from '../time/zoned-time.ts';
import type { Holiday } from './calendar.ts';

// Whether the shipped holiday data covers a school year. The ministry publishes the holidays a few years
// ahead; the file in calendar/ holds what was published when this version was built. A school running an
// older version into a year the file does not know would otherwise send prompts in the middle of the
// summer holiday without anyone noticing, so coordinators are told (the coordinator page and
// `calendar show`) while there is still time to add the dates themselves or to update.

export type HolidayCoverageStatus = 'published' | 'provisional' | 'missing';

export interface HolidayCoverage {
  schoolYear: string;
  status: HolidayCoverageStatus;
  /** Names of the holidays whose dates are not confirmed yet (status provisional). */
  provisional: string[];
}

/**
 * A year is missing when the shipped data holds no holiday of it, unless the school entered its own
 * summer holiday for it (a study day alone does not make a year's calendar); provisional when a
 * shipped holiday of that year is not confirmed.
 */
export function holidayCoverage(year: SchoolYear, shipped: readonly Holiday[], own: readonly Holiday[] = []): HolidayCoverage {
  const ofYear = shipped.filter((h) => h.key.startsWith(`${year.id}:`));
  const july = `${year.end.slice(0, 4)}-07`;
  const ownSummer = own.some((h) => h.from.slice(0, 7) <= july && h.to.slice(0, 7) >= july);
  if (ofYear.length === 0) return { schoolYear: year.id, status: ownSummer ? 'published' : 'missing', provisional: [] };
  const provisional = [...new Set(ofYear.filter((h) => h.provisional).map((h) => h.name))];
  return { schoolYear: year.id, status: provisional.length ? 'provisional' : 'published', provisional };
}

/** The current and the coming school year, each only when its data is missing or provisional. */
export function holidayWarnings(today: LocalDate, shipped: readonly Holiday[], own: readonly Holiday[] = []): HolidayCoverage[] {
  const current = schoolYearOf(today);
  const coming = schoolYearStarting(Number(current.start.slice(0, 4)) + 1);
  return [current, coming].map((y) => holidayCoverage(y, shipped, own)).filter((c) => c.status !== 'published');
}
