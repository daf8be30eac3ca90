import type { Repositories } from '../../core/ports.ts';
import { schoolYearOf } from '../../core/time/school-year.ts';
import { addDays, isDate, type LocalDate } from '../../core/time/zoned-time.ts';
import type { Logger } from '../../platform/log.ts';
import { defaultSchedule, maxOpenDays, type PulseSchedule } from './entities.ts';
import type { StudentVoice } from './pulses.ts';
import type { VoiceRepositories } from './repositories.ts';

// Twice a school year, by itself: on each of the school's dates (default mid-November and mid-April) a
// pulse to every student of the school. The job works out from the store what should be open today, so
// a run missed while the bot was down is caught up, and a planned pulse has a fixed id: it is created once.

const datePattern = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

/** A day of some year: checked against a leap year, so 02-29 is one and 02-30 or 04-31 are not. */
function isMonthDay(value: string): boolean {
  return datePattern.test(value) && isDate(`2028-${value}`);
}

/** '11-15,04-15' as dates, or undefined when one is not a day of the year. */
export function parseScheduleDates(value: string): string[] | undefined {
  const dates = value
    .split(/[,;\s]+/)
    .map((d) => d.trim())
    .filter(Boolean);
  if (dates.length === 0 || dates.length > 4 || !dates.every(isMonthDay)) return undefined;
  return [...new Set(dates)];
}

export function validDays(days: number): boolean {
  return Number.isInteger(days) && days >= 1 && days <= maxOpenDays;
}

/**
 * The day a yearly date falls on in the school year of `today` (August to July); 02-29 is 02-28 in a
 * common year, so that a school choosing it still gets its pulse every year. Undefined for a date that
 * exists in no year (stored before the dates were checked).
 */
export function openingIn(today: LocalDate, monthDay: string): LocalDate | undefined {
  if (!isMonthDay(monthDay)) return undefined;
  const startYear = Number(schoolYearOf(today).start.slice(0, 4));
  const year = Number(monthDay.slice(0, 2)) >= 8 ? startYear : startYear + 1;
  const day = `${year}-${monthDay}`;
  return isDate(day) ? day : `${year}-02-28`;
}

export async function effectiveSchedule(
  voice: VoiceRepositories,
  schoolId: string,
): Promise<Pick<PulseSchedule, 'dates' | 'days'>> {
  const own = await voice.schedules.get(schoolId);
  return own ? { dates: own.dates, days: own.days } : defaultSchedule;
}

/** Opens the planned pulses whose window includes today, for every school. Returns how many were created. */
export async function openPlannedPulses(deps: {
  repos: Repositories;
  voice: VoiceRepositories;
  pulses: StudentVoice;
  log: Logger;
}): Promise<number> {
  let created = 0;
  for (const school of await deps.repos.schools.list()) {
    const today = await deps.pulses.today(school.id);
    const { dates, days } = await effectiveSchedule(deps.voice, school.id);
    for (const monthDay of dates) {
      const opensOn = openingIn(today, monthDay);
      if (!opensOn) {
        deps.log.warn(
          { schoolId: school.id, monthDay },
          'planned pulse not opened: the date exists in no year (set the dates again with pulse dates)',
        );
        continue;
      }
      if (today < opensOn || today > addDays(opensOn, days - 1)) continue;
      const result = await deps.pulses.schedule({
        schoolId: school.id,
        opensOn,
        days,
        origin: 'planned',
        id: `planned-${schoolYearOf(opensOn).id}-${monthDay}`,
      });
      if (result.ok && result.created) created++;
      // Checked again every hour while the window lasts: the log says why a school's pulse did not open.
      if (!result.ok) {
        const level = result.problem === 'no-students' ? 'info' : 'warn';
        deps.log[level]({ schoolId: school.id, monthDay, opensOn, problem: result.problem }, 'planned pulse not opened');
      }
    }
  }
  return created;
}
