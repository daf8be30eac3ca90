import { randomUUID } from 'node:crypto';
import { parseArgs } from 'node:util';
import { FlowLoadError } from '../core/flows/load-flows.ts';
import { openPlatform } from '../core/platform.ts';
import { cliCommands, setupModules } from '../modules/index.ts';
import type { Clock } from '../platform/clock.ts';
import { ConfigError, loadConfig } from '../platform/config.ts';
import { createLogger } from '../platform/log.ts';
import { openStore } from '../platform/store/open-store.ts';
import { appGraphTokenSource, appTokenSource, openOutbound } from '../teams/outbound.ts';
import { backupCommand, restoreCommand } from './backup-cli.ts';
import { CliError } from './context.ts';
import type { AnyCliCommand } from './registry.ts';

// `npm run cli -- <command>`: the coordinator's and IT's tool. It works on the same store as the bot
// (the SQLite file under data/, or Cosmos DB when COSMOS_ENDPOINT is set).

// The modules' commands, and the store's own: backup and restore of the embedded store.
export const commands: AnyCliCommand[] = [...cliCommands, backupCommand, restoreCommand];

/** How the user started the CLI: the installed program says its own name (bin/lob-reflectie.js). */
function program(): string {
  return process.env['LOB_CLI_PROGRAM'] === 'lob-reflectie' ? 'lob-reflectie' : 'npm run cli --';
}

function help(): string {
  const lines = commands.map((c) => `  ${c.usage}\n      ${c.summary}`);
  return `Usage: ${program()} <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n--school <tenant-id> names a school the store knows; add --create to make a new one.\n`;
}

export async function runCli(
  argv: string[],
  io: { out(l: string): void; err(l: string): void },
  env = process.env,
  options: {
    clock?: Clock;
    /** Overrides the app token for Microsoft Graph in a tenant (tests); default the app's own. */
    graphToken?: (tenantId: string) => Promise<string | undefined>;
  } = {},
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
  // Every command that takes --school also takes --create (see resolveSchool).
  const optionSpec = command.options?.['school'] ? { ...command.options, create: { type: 'boolean' as const } } : command.options;
  let parsed: { values: Record<string, unknown>; positionals: string[] };
  try {
    parsed = parseArgs({ args: rest, options: optionSpec ?? {}, allowPositionals: true, strict: true });
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
  if (command.configOnly) return command.run({ config, out: io.out, err: io.err }, parsed);
  const store = await openStore(config, log);
  let close = () => {};
  try {
    // The platform and the product as the bot builds them (src/app.ts): the same prompt library, the
    // same send policy, the same module set-up; only the HTTP server and the schedule are the bot's own.
    const platform = await openPlatform({ config, log, store, clock: options.clock, owner: `cli-${randomUUID()}` });
    const outbound = openOutbound({
      ...platform,
      token: appTokenSource(config, log),
      graphToken: options.graphToken ?? appGraphTokenSource(config, log),
    });
    close = () => outbound.connector.close();
    const product = await setupModules(platform, outbound);
    return await command.run(
      { ...platform, product, outbound, createSchool: parsed.values['create'] === true, out: io.out, err: io.err },
      parsed,
    );
  } catch (err) {
    if (err instanceof CliError) {
      io.err(`Error: ${err.message}`);
      return 1;
    }
    if (err instanceof FlowLoadError) {
      io.err(`Prompt library error: ${err.message}`);
      return 1;
    }
    throw err;
  } finally {
    close();
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
