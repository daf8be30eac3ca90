import fs from 'node:fs';
import path from 'node:path';
import type { DatabaseSync } from 'node:sqlite';

// The store's file on disk: who may read it, and that erased documents leave no readable trace in it.

/**
 * The store holds every student's answers: its folder is created for the owner only, and the file is
 * created (or narrowed to) mode 0600 before SQLite opens it. SQLite gives its WAL and shared-memory files
 * the database file's mode.
 */
export function ownerOnly(file: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  try {
    fs.closeSync(fs.openSync(file, fs.constants.O_WRONLY | fs.constants.O_CREAT | fs.constants.O_EXCL, 0o600));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  for (const f of [file, `${file}-wal`, `${file}-shm`]) {
    const stat = fs.statSync(f, { throwIfNoEntry: false });
    // Best effort on a file made by an older version: someone else may own it (then leave it as it is).
    if (!stat || !(stat.mode & 0o077)) continue;
    try {
      fs.chmodSync(f, stat.mode & 0o700);
    } catch {
      // Not ours to change.
    }
  }
}

/**
 * Copies the WAL into the database file and truncates it to zero bytes, so the page images it held (the
 * versions of documents before they were erased) are gone from disk. False when a reader in another
 * process kept part of it.
 */
export function checkpoint(db: DatabaseSync): boolean {
  const row = db.prepare('PRAGMA wal_checkpoint(TRUNCATE)').get() as { busy: number } | undefined;
  return !row || row.busy === 0;
}

/**
 * Stores written before secure_delete was on keep freed pages and cells with the text of documents that
 * were erased then. One VACUUM rewrites the file without them; it is recorded so it runs once. When the
 * file is busy (the bot holds it while the CLI opens it) it is left for a later open.
 */
export function scrubFreeSpaceOnce(db: DatabaseSync): void {
  if (db.prepare("SELECT 1 FROM store_meta WHERE key = 'free-space-scrubbed'").get()) return;
  try {
    db.exec('VACUUM');
  } catch {
    return;
  }
  db.prepare("INSERT OR IGNORE INTO store_meta (key, value) VALUES ('free-space-scrubbed', ?)").run(new Date().toISOString());
}
