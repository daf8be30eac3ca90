import type { ParseArgsOptionsConfig } from 'node:util';
import type { Config } from '../platform/config.ts';
import type { CliContext } from './context.ts';

interface CommandSpec {
  /** One or two words: "assign-mentor", "import assignments". */
  name: string;
  usage: string;
  summary: string;
  options?: ParseArgsOptionsConfig;
}

type Args = { values: Record<string, unknown>; positionals: string[] };

/** A command on the platform and the product, as the bot sets them up. */
export interface CliCommand extends CommandSpec {
  configOnly?: false;
  /** Returns the exit code: 0 all done, 2 done with rejected input. */
  run(ctx: CliContext, args: Args): Promise<number>;
}

/** A command that checks what the platform would load (e.g. the flows), so it must run without it. */
export interface ConfigCommand extends CommandSpec {
  configOnly: true;
  run(ctx: Pick<CliContext, 'config' | 'out' | 'err'> & { config: Config }, args: Args): Promise<number>;
}

export type AnyCliCommand = CliCommand | ConfigCommand;
