import { randomUUID } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';
import { systemClock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { Leases } from '../platform/scheduler/leases.ts';
import type { DocumentStore } from '../platform/store/document-store.ts';
import type { FlowCatalog } from './flows/flows.ts';
import { loadLibrary } from './flows/load-flows.ts';
import type { InstallDeps } from './install.ts';
import type { Repositories } from './ports.ts';
import { openRepositories } from './repositories.ts';
import type { CalendarRepository } from './send-policy/calendar.ts';
import { openCalendars } from './send-policy/calendar-repository.ts';
import { shippedHolidays } from './send-policy/load-holidays.ts';
import { type SendPolicies, storedSendPolicies } from './send-policy/quiet-hours.ts';

// What every feature module is set up from (src/modules/index.ts). The bot and the CLI open it the same
// way, so both see the same store, the same prompt library (shipped plus the school's own folder) and
// the same send policy.

export interface Platform {
  config: Config;
  log: Logger;
  clock: Clock;
  store: DocumentStore;
  repos: Repositories;
  /** The shipped prompts plus the school's own folder (SCHOOL_FLOWS_DIR). */
  flows: FlowCatalog;
  leases: Leases;
  /** Who this process is in leases and claims: one bot instance, or one CLI run. */
  owner: string;
  /** The schools' own days off and quiet hours, as stored. */
  calendars: CalendarRepository;
  /** When the product may message people of a school on its own initiative (send-policy/quiet-hours.ts). */
  sendPolicy: SendPolicies;
  install: InstallDeps;
  newId: () => string;
}

export interface PlatformOptions {
  config: Config;
  log: Logger;
  store: DocumentStore;
  clock?: Clock | undefined;
  /** A prompt library other than the configured one (tests). */
  flows?: FlowCatalog | undefined;
  owner?: string | undefined;
}

export async function openPlatform(options: PlatformOptions): Promise<Platform> {
  const { config, log, store } = options;
  const clock = options.clock ?? systemClock;
  const newId = () => randomUUID();
  const [repos, leases, calendars] = await Promise.all([openRepositories(store), Leases.open(store), openCalendars(store)]);
  const flows = options.flows ?? loadLibrary({ schoolDir: config.SCHOOL_FLOWS_DIR });
  const sendPolicy = storedSendPolicies({
    schools: repos.schools,
    calendars,
    shipped: shippedHolidays(),
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
  });
  return {
    config,
    log,
    clock,
    store,
    repos,
    flows,
    leases,
    owner: options.owner ?? randomUUID(),
    calendars,
    sendPolicy,
    install: { repos, clock, newId, defaults: { locale: config.DEFAULT_LOCALE, timeZone: config.DEFAULT_TIME_ZONE } },
    newId,
  };
}
