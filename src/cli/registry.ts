import type { ParseArgsOptionsConfig } from 'node:util';
import type { CliContext } from './context.ts';

export interface CliCommand {
  /** One or two words: "assign-mentor", "import assignments". */
  name: string;
  usage: string;
  summary: string;
  options?: ParseArgsOptionsConfig;
  /** Returns the exit code: 0 all done, 2 done with rejected input. */
  run(ctx: CliContext, args: { values: Record<string, unknown>; positionals: string[] }): Promise<number>;
}
