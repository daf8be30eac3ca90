import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Feature } from '../../teams/turn.ts';
import { privacyFeature } from './feature.ts';
import { openPersonalDataStore } from './personal-data-store.ts';
import { PrivacyService } from './privacy-service.ts';
import { openPrivacyRepository } from './repository.ts';

// The AVG service, set up once: the bot (a student's own requests, the nightly retention job) and the CLI
// (requests that reach the school by mail) export and erase the same way.

/** The module's CLI commands. */
export { privacyCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [privacyFeature];

export interface PrivacyModule extends ModuleParts {
  service: PrivacyService;
}

export async function setup(platform: Platform): Promise<PrivacyModule> {
  const [data, privacy] = await Promise.all([openPersonalDataStore(platform.store), openPrivacyRepository(platform.store)]);
  const service = new PrivacyService({
    repos: platform.repos,
    clock: platform.clock,
    newId: platform.newId,
    log: platform.log.child({ component: 'privacy' }),
    defaultTimeZone: platform.config.DEFAULT_TIME_ZONE,
    data,
    privacy,
    purgeErased: () => platform.store.purgeErased(),
  });
  return {
    service,
    jobs: [
      {
        name: 'privacy.retention',
        // Daily at night; each run works out from the store what is due, so a missed night is caught up.
        schedule: '30 2 * * *',
        run: (now) => service.runRetention(now),
      },
    ],
  };
}
