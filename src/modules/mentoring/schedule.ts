import { addDays, localDate, timeOf, weekdayOf, zonedInstant } from '../../core/time/zoned-time.ts';

// When a mentor's digest is due, in the school's time zone. Whether it may go out at that moment is the
// school's quiet-hours rule (../quiet-hours.ts): a slot that falls in quiet hours waits for the next
// allowed moment.

export interface DigestSchedule {
  frequency: 'daily' | 'weekly';
  /** ISO weekday 1–5, for a weekly digest. */
  weekday: number;
  /** Local hour. */
  hour: number;
}

function isSlotDay(date: string, schedule: DigestSchedule): boolean {
  const weekday = weekdayOf(date);
  return schedule.frequency === 'daily' ? weekday <= 5 : weekday === schedule.weekday;
}

/** The digest slots on the days from `at`'s local day, `step` days at a time (two weeks at most). */
function* slots(at: Date, schedule: DigestSchedule, timeZone: string, step: 1 | -1): Generator<Date> {
  const today = localDate(at, timeZone);
  for (let k = 0; k <= 14; k++) {
    const day = addDays(today, k * step);
    if (isSlotDay(day, schedule)) yield zonedInstant(day, timeOf(schedule.hour * 60), timeZone);
  }
}

/** The most recent moment at or before `at` at which this schedule puts a digest. */
export function latestSlot(at: Date, schedule: DigestSchedule, timeZone: string): Date {
  for (const slot of slots(at, schedule, timeZone, -1)) if (slot.getTime() <= at.getTime()) return slot;
  throw new Error(`no digest slot within two weeks before ${at.toISOString()}`);
}

/** The first moment after `at` at which this schedule puts a digest. */
export function nextSlot(at: Date, schedule: DigestSchedule, timeZone: string): Date {
  for (const slot of slots(at, schedule, timeZone, 1)) if (slot.getTime() > at.getTime()) return slot;
  throw new Error(`no digest slot within two weeks after ${at.toISOString()}`);
}

/** The jobs that send digests and queued messages; `job:<name>` is their lease (also taken by `digest run`). */
export const mentoringJobs = { digest: 'mentoring.digest', outbox: 'mentoring.outbox' } as const;
