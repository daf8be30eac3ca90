import { shippedHolidays } from '../../src/calendar/load-holidays.ts';
import type { Region, SchoolCalendar } from '../../src/domain/calendar.ts';
import { defaultQuietHours, type SendPolicy, sendPolicy } from '../../src/domain/quiet-hours.ts';

/** A school in Amsterdam with the shipped holidays of its region and the default quiet hours unless given. */
export function schoolPolicy(
  region?: Region,
  calendar: Partial<Pick<SchoolCalendar, 'quietHours' | 'addedHolidays' | 'removedHolidays'>> = {},
): SendPolicy {
  return sendPolicy(
    { ...(region ? { region } : {}), quietHours: defaultQuietHours, addedHolidays: [], removedHolidays: [], ...calendar },
    'Europe/Amsterdam',
    shippedHolidays(),
  );
}
