import type { Job } from '../platform/scheduler/jobs.ts';
import type { Reflection } from './entities.ts';

// What a feature module's setup (src/modules/<feature>/setup.ts) returns next to the services it built.
// Its Teams side (`teams`: commands, card verbs, routes) and its CLI commands (`cli`) are exported beside
// `setup` as plain lists: the bot's help and the CLI's usage need them before anything is opened.

export interface ModuleParts {
  /** Scheduled jobs, named `<module>.<job>` (the name is also the lease id). */
  jobs: Job[];
  /** Told about every submitted reflection once it is stored and routed; may return it changed. */
  onReflectionSubmitted?: (reflection: Reflection) => Promise<Reflection | undefined>;
}
