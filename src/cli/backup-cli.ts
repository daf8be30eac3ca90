import path from 'node:path';
import { BackupRefusedError, backupSqlite, restoreSqlite } from '../platform/store/sqlite/backup.ts';
import { type CliContext, CliError } from './context.ts';
import type { CliCommand } from './registry.ts';

// `backup <file>` and `restore <file>` for the embedded SQLite store. Cosmos DB is backed up by the
// service itself (continuous backup, point-in-time restore in the Azure portal; docs/deploy.md).

function sqliteOnly(ctx: CliContext, what: string): void {
  if (ctx.store.kind !== 'sqlite')
    throw new CliError(
      `${what} is for the embedded SQLite store; Cosmos DB is restored to a point in time by Azure (see docs/deploy.md)`,
    );
}

function refusing<T>(run: () => T): T {
  try {
    return run();
  } catch (err) {
    if (err instanceof BackupRefusedError) throw new CliError(err.message);
    throw err;
  }
}

function fileArgument(positionals: string[], usage: string): string {
  const [file, ...rest] = positionals;
  if (!file || rest.length) throw new CliError(`pass one file: ${usage}`);
  return path.resolve(file);
}

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup <file>',
  summary:
    'Write a consistent copy of the store to a new file only you can read (safe while the bot runs). Keep it as safe as the store: it holds students’ answers.',
  async run(ctx, { positionals }) {
    sqliteOnly(ctx, 'backup');
    const target = fileArgument(positionals, 'backup <file>');
    const { bytes, collections } = refusing(() => backupSqlite(ctx.config.sqlitePath, target));
    ctx.out(`Backed up ${ctx.config.sqlitePath} to ${target} (${collections} collections, ${bytes} bytes, mode 0600).`);
    return 0;
  },
};

export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: 'restore <file>',
  summary:
    'Put a backup back in place of the store, after checking it; stop the bot first. The replaced store is kept beside it as lob-reflectie.db.before-restore-<time>.',
  async run(ctx, { positionals }) {
    sqliteOnly(ctx, 'restore');
    const source = fileArgument(positionals, 'restore <file>');
    // This command's own connection would count as a process holding the store.
    await ctx.store.close();
    const { keptAs } = refusing(() => restoreSqlite(source, ctx.config.sqlitePath, ctx.install.clock.now()));
    ctx.out(`Restored ${ctx.config.sqlitePath} from ${source}.${keptAs ? ` The replaced store is kept as ${keptAs}.` : ''}`);
    ctx.out('Erasures done after this backup was made are undone by it: erase those students again (docs/privacy.md).');
    return 0;
  },
};
