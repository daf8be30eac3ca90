import { parseArgs } from 'node:util';
import { openRepositories } from '../core/repositories.ts';
import { campaignCommands } from '../modules/campaigns/cli.ts';
import { assignMentorCommand, importAssignmentsCommand } from '../modules/mentoring/assignment-cli.ts';
import { changeMentorCommand, digestRunCommand } from '../modules/mentoring/cli.ts';
import { roleAddCommand, roleRemoveCommand } from '../modules/people/role-cli.ts';
import { privacyCommands } from '../modules/privacy/cli.ts';
import { pdcaCommands } from '../modules/quality-cycle/cli.ts';
import { flowsLintCommand, sectorSetCommand } from '../modules/reflection/cli.ts';
import type { Clock } from '../platform/clock.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { openStore } from '../platform/store/open-store.ts';
import { type CliContext, CliError, installDeps } from './context.ts';
import type { CliCommand } from './registry.ts';

// `npm run cli -- <command>`: the coordinator's and IT's tool. It works on the same store as the bot
// (the SQLite file under data/, or Cosmos DB when COSMOS_ENDPOINT is set).

export const commands: CliCommand[] = [
  assignMentorCommand,
  importAssignmentsCommand,
  roleAddCommand,
  roleRemoveCommand,
  flowsLintCommand,
  sectorSetCommand,
  digestRunCommand,
  changeMentorCommand,
  ...pdcaCommands,
  ...campaignCommands,
  ...privacyCommands,
];

/** How the user started the CLI: the installed program says its own name (bin/lob-reflectie.js). */
function program(): string {
  return process.env['LOB_CLI_PROGRAM'] === 'lob-reflectie' ? 'lob-reflectie' : 'npm run cli --';
}

function help(): string {
  const lines = commands.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `Usage: ${program()} <command> [options]\n\nCommands:\n${lines.join('\n')}\n`;
}

export async function runCli(
  argv: string[],
  io: { out(l: string): void; err(l: string): void },
  env = process.env,
  options: { clock?: Clock } = {},
): Promise<number> {
  const command = commands
    .filter((c) => c.name.split(' ').every((w, i) => argv[i] === w))
    .sort((a, b) => b.name.length - a.name.length)[0];
  const asksHelp = argv.includes('--help') || argv.includes('-h') || argv[0] === 'help';
  if (command && asksHelp) {
    io.out(`Usage: ${program()} ${command.usage}\n${command.summary}`);
    return 0;
  }
  if (!command) {
    // Asked for: the list on stdout, exit 0. No command or an unknown one: a usage error (exit 1).
    if (asksHelp) {
      io.out(help());
      return 0;
    }
    io.err(`${argv.length > 0 ? `Unknown command: ${argv.join(' ')}\n\n` : ''}${help()}`);
    return 1;
  }
  const rest = argv.slice(command.name.split(' ').length);
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: command.options ?? {}, allowPositionals: true, strict: true });
  } catch (err) {
    io.err(`${(err as Error).message}\nUsage: npm run cli -- ${command.usage}`);
    return 1;
  }
  let config: ReturnType<typeof loadConfig>;
  try {
    config = loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.err(err.message);
      return 1;
    }
    throw err;
  }
  const log = createLogger(config.LOG_LEVEL === 'info' ? 'warn' : config.LOG_LEVEL, process.stderr as never);
  const store = await openStore(config, log);
  try {
    const repos = await openRepositories(store);
    const ctx: CliContext = {
      config,
      log,
      store,
      repos,
      install: installDeps(repos, config, options.clock),
      out: io.out,
      err: io.err,
    };
    return await command.run(ctx, parsed);
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`Error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    await store.close();
  }
}

if (import.meta.main) {
  const code = await runCli(process.argv.slice(2), {
    out: (l) => process.stdout.write(`${l}\n`),
    err: (l) => process.stderr.write(`${l}\n`),
  });
  process.exitCode = code;
}
