import { runCli } from '../../src/cli/main.ts';
import type { Clock } from '../../src/platform/clock.ts';

export interface Cli {
  /** Runs `npm run cli -- <args>`; returns the exit code. */
  run(...args: string[]): Promise<number>;
  /** What the last run printed, line by line. */
  out: string[];
  err: string[];
}

/** The command line on the store in `dataDir`, in development mode, on the real clock unless given one. */
export function cliOn(
  dataDir: string,
  options: { clock?: Clock; env?: Record<string, string>; graphToken?: (tenantId: string) => Promise<string | undefined> } = {},
): Cli {
  const cli: Cli = {
    out: [],
    err: [],
    run: (...args) => {
      cli.out.length = 0;
      cli.err.length = 0;
      return runCli(
        args,
        { out: (l) => cli.out.push(l), err: (l) => cli.err.push(l) },
        { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dataDir, ...options.env },
        {
          ...(options.clock ? { clock: options.clock } : {}),
          ...(options.graphToken ? { graphToken: options.graphToken } : {}),
        },
      );
    },
  };
  return cli;
}
