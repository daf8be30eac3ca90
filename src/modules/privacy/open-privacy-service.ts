import type { Repositories } from '../../core/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DocumentStore } from '../../platform/store/document-store.ts';
import { openPersonalDataStore } from './personal-data-store.ts';
import { PrivacyService } from './privacy-service.ts';
import { openPrivacyRepository } from './repository.ts';

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
  return new PrivacyService({ ...deps, data, privacy, purgeErased: () => store.purgeErased() });
}
