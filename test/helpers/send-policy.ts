import type { Region, SchoolCalendar } from '../../src/core/send-policy/calendar.ts';
import { shippedHolidays } from '../../src/core/send-policy/load-holidays.ts';
import { defaultQuietHours, type SendPolicy, sendPolicy } from '../../src/core/send-policy/quiet-hours.ts';

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
