import type { RetentionFacts } from './personal-data.ts';

// Retention per school: a student's data is erased N months after they left. "Left" is the day the school
// recorded (`privacy left`), or else, once the student has no active group membership and no active
// mentor assignment, the latest of: when they were first seen, a membership or assignment starting or
// ending, a reflection. A student who still reflects has not left.

/** Months after leaving, unless the school chose otherwise (docs/privacy.md). */
export const defaultRetentionMonths = 12;
export const maxRetentionMonths = 120;

/** The school's choice: months after leaving, or null for "keep until erased on request". */
export interface RetentionSettings {
  monthsAfterLeaving: number | null;
  updatedAt?: string;
}

/** `iso` plus whole calendar months (UTC); the 31st becomes the last day of a shorter month. */
export function addMonths(iso: string, months: number): string {
  const d = new Date(iso);
  const day = d.getUTCDate();
  d.setUTCDate(1);
  d.setUTCMonth(d.getUTCMonth() + months);
  const last = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate();
  d.setUTCDate(Math.min(day, last));
  return d.toISOString();
}

/** Since when the student counts as gone; undefined while they are still at school. */
export function leftSince(f: RetentionFacts): string | undefined {
  if (f.person.leftAt) return f.person.leftAt;
  if (f.active) return undefined;
  // ISO instants compare as strings: the last one in order is the latest.
  return [f.person.createdAt, f.lastRelationAt, f.lastReflectionAt]
    .filter((x): x is string => Boolean(x))
    .sort()
    .at(-1);
}

/** The moment the student's data is due for erasure; undefined when not (yet) known. */
export function erasureDueAt(f: RetentionFacts, settings: RetentionSettings): string | undefined {
  if (settings.monthsAfterLeaving === null) return undefined;
  const since = leftSince(f);
  return since ? addMonths(since, settings.monthsAfterLeaving) : undefined;
}
