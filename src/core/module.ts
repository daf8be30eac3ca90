import type { Job } from '../platform/scheduler/jobs.ts';

// What a feature module's setup (src/modules/<feature>/setup.ts) returns next to the services it built.
// Its Teams side (`teams`: commands, card verbs, routes) and its CLI commands (`cli`) are exported beside
// `setup` as plain lists: the bot's help and the CLI's usage need them before anything is opened.

export interface ModuleParts {
  /** Scheduled jobs, named `<module>.<job>` (the name is also the lease id). */
  jobs: Job[];
}
