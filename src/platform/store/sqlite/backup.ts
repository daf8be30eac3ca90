import fs from 'node:fs';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { FileRefusedError, makePrivateFolder } from '../../private-file.ts';
import { migrations } from './migrations.ts';

// Backup and restore of the embedded store (docs/deploy.md). A backup is taken online with VACUUM INTO:
// one read transaction, so it is consistent while the bot writes, and it includes what still sits in
// the WAL (a copy of the .db file alone would miss it, and could be torn). The copy holds students'
// answers, so it is made in a private temporary folder and appears at its name already at mode 0600.
// Restoring puts a checked backup in place of a store nobody has open, and keeps what it replaced.

/** Why a backup or restore was refused; the message says what to do. */
export class BackupRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupRefusedError';
  }
}

const knownMigrations = new Set(migrations.map((m) => m.name));

/** Writes a consistent copy of the store `source` to the new file `target` (mode 0600). */
export function backupSqlite(source: string, target: string): { bytes: number; collections: number } {
  if (!fs.existsSync(source)) throw new BackupRefusedError(`there is no store at ${source}`);
  if (lexists(target)) throw new BackupRefusedError(`${target} exists; choose a new file name`);
  makePrivateFolder(path.dirname(path.resolve(target)));
  const tmp = fs.mkdtempSync(path.join(path.dirname(path.resolve(target)), '.lob-backup-'));
  try {
    const copy = path.join(tmp, 'store.db');
    // Not read-only: a read-only connection cannot always read a WAL store another process has open.
    const db = new DatabaseSync(source);
    try {
      db.exec('PRAGMA busy_timeout = 5000');
      db.prepare('VACUUM INTO ?').run(copy);
    } finally {
      db.close();
    }
    fs.chmodSync(copy, 0o600);
    const checked = checkStoreFile(copy);
    // link() never replaces and never follows a link at the target: the name is new, or it fails.
    try {
      fs.linkSync(copy, target);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST')
        throw new BackupRefusedError(`${target} appeared meanwhile; not replaced`);
      throw err;
    }
    return { bytes: fs.statSync(target).size, collections: checked.collections };
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Checks that `file` is a whole store of a schema this version knows: SQLite's integrity check passes,
 * it has the migrations table, and every migration it records is one of ours (a store from a newer
 * version is refused; an older one is brought forward when the bot or the CLI opens it).
 */
export function checkStoreFile(file: string): { collections: number; migrations: number } {
  let db: DatabaseSync;
  try {
    db = new DatabaseSync(file, { readOnly: true });
  } catch (err) {
    throw new BackupRefusedError(`${file} is not a store backup (${(err as Error).message})`);
  }
  try {
    let tables: string[];
    let integrity: string;
    try {
      integrity = (db.prepare('PRAGMA integrity_check(1)').get() as { integrity_check: string }).integrity_check;
      tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((r) => r.name);
    } catch (err) {
      throw new BackupRefusedError(`${file} is not a store backup (${(err as Error).message})`);
    }
    if (integrity !== 'ok') throw new BackupRefusedError(`${file} is damaged (integrity check: ${integrity})`);
    if (!tables.includes('schema_migrations')) throw new BackupRefusedError(`${file} is not a LOB Reflectie store`);
    const applied = (db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name);
    const unknown = applied.filter((n) => !knownMigrations.has(n));
    if (unknown.length)
      throw new BackupRefusedError(
        `${file} was written by a newer version (schema ${unknown.join(', ')}); restore it with that version`,
      );
    return { collections: tables.filter((t) => t.startsWith('c_')).length, migrations: applied.length };
  } finally {
    db.close();
  }
}

/**
 * Replaces the store `live` with the backup `source`, after checking the backup and that no process has
 * the store open. The replaced store is kept beside it as `<live>.before-restore-<time>`.
 */
export function restoreSqlite(source: string, live: string, now: Date): { keptAs?: string } {
  if (fs.lstatSync(source, { throwIfNoEntry: false })?.isFile() !== true) throw new BackupRefusedError(`${source} is not a file`);
  checkStoreFile(source);
  const dir = path.dirname(live);
  makePrivateFolder(dir);
  const tmp = fs.mkdtempSync(path.join(dir, '.lob-restore-'));
  try {
    const incoming = path.join(tmp, 'store.db');
    fs.copyFileSync(source, incoming, fs.constants.COPYFILE_EXCL);
    fs.chmodSync(incoming, 0o600);
    checkStoreFile(incoming);
    let keptAs: string | undefined;
    if (fs.existsSync(live)) {
      takeOver(live);
      keptAs = `${live}.before-restore-${now
        .toISOString()
        .replace(/[-:]/g, '')
        .replace(/\.\d+Z$/, 'Z')}`;
      if (lexists(keptAs)) throw new BackupRefusedError(`${keptAs} exists; try again in a second`);
      fs.renameSync(live, keptAs);
      fs.chmodSync(keptAs, 0o600);
    }
    // Journal files of the replaced store must not be applied to the restored one.
    for (const suffix of ['-wal', '-shm', '-journal']) fs.rmSync(`${live}${suffix}`, { force: true });
    fs.renameSync(incoming, live);
    return keptAs ? { keptAs } : {};
  } catch (err) {
    if (err instanceof FileRefusedError) throw new BackupRefusedError(err.message);
    throw err;
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

/**
 * Makes sure no other process has the store open, and leaves it as one file (its WAL checkpointed into
 * it and removed). Leaving WAL mode needs the only connection, so a bot or CLI holding it makes this fail.
 */
function takeOver(live: string): void {
  const db = new DatabaseSync(live);
  try {
    let mode: string | undefined;
    try {
      db.exec('PRAGMA busy_timeout = 0');
      mode = (db.prepare('PRAGMA journal_mode = DELETE').get() as { journal_mode: string }).journal_mode;
    } catch {
      mode = undefined;
    }
    if (mode !== 'delete')
      throw new BackupRefusedError(
        `the store ${live} is open in another process (the bot or another command); stop it and restore again`,
      );
  } finally {
    db.close();
  }
}

function lexists(file: string): boolean {
  return fs.lstatSync(file, { throwIfNoEntry: false }) !== undefined;
}
