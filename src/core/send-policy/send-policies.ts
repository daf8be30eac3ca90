import type { DocumentStore } from '../../platform/store/document-store.ts';
import type { Repositories } from '../ports.ts';
import { openCalendars } from './calendar-repository.ts';
import { shippedHolidays } from './load-holidays.ts';
import { type SendPolicies, storedSendPolicies } from './quiet-hours.ts';

/** Every school's send policy: its time zone, its calendar in the store, and the shipped school holidays. */
export async function openSendPolicies(
  store: DocumentStore,
  repos: Repositories,
  defaultTimeZone: string,
): Promise<SendPolicies> {
  return storedSendPolicies({
    schools: repos.schools,
    calendars: await openCalendars(store),
    shipped: shippedHolidays(),
    defaultTimeZone,
  });
}
