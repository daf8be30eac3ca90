import type { Versioned } from '../entities.ts';
import type { Mutate } from '../ports.ts';
import { isDate } from '../time/zoned-time.ts';
import type { QuietHours } from './quiet-hours.ts';

// A school's calendar: its region (which decides the school holidays), its quiet hours, and the days it
// adds or does not follow. Holiday dates are data (calendar/school-holidays.yaml) that a school amends
// with its own days. What the calendar means for each kind of message is decided in quiet-hours.ts.

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
  /** Shipped dates not yet confirmed by the ministry's overview (calendar/school-holidays.yaml). */
  provisional?: boolean;
}

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

/** The school calendars in the store (src/core/send-policy/calendar-repository.ts). */
export interface CalendarRepository {
  get(schoolId: string): Promise<SchoolCalendar | undefined>;
  /** Creates the school's calendar with the defaults when it has none; returns the stored one. */
  ensure(schoolId: string, at: string): Promise<SchoolCalendar>;
  update(schoolId: string, mutate: Mutate<SchoolCalendar>): Promise<SchoolCalendar>;
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

export function checkHoliday(h: Pick<Holiday, 'from' | 'to' | 'name'>): string | undefined {
  if (!isDate(h.from) || !isDate(h.to)) return 'badDate';
  if (h.to < h.from) return 'endBeforeStart';
  if (!h.name.trim() || h.name.length > 80) return 'badName';
  return undefined;
}
