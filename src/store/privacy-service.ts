import type { Clock } from '../clock.ts';
import type { Repositories } from '../domain/ports.ts';
import { PrivacyService } from '../domain/privacy/privacy-service.ts';
import type { DocumentStore } from './document-store.ts';
import { openPersonalDataStore } from './personal-data-store.ts';
import { openPrivacyRepository } from './privacy-repository.ts';

/** The AVG service over a store: one place, so the bot and the CLI export and erase the same way. */
export async function openPrivacyService(
  store: DocumentStore,
  deps: {
    repos: Repositories;
    clock: Clock;
    newId: () => string;
    log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
    defaultTimeZone: string;
  },
): Promise<PrivacyService> {
  const [data, privacy] = await Promise.all([openPersonalDataStore(store), openPrivacyRepository(store)]);
  return new PrivacyService({ ...deps, data, privacy });
}
