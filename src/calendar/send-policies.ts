import type { Repositories } from '../domain/ports.ts';
import { type SendPolicies, storedSendPolicies } from '../domain/quiet-hours.ts';
import { openCalendars } from '../store/calendar-repository.ts';
import type { DocumentStore } from '../store/document-store.ts';
import { shippedHolidays } from './load-holidays.ts';

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
