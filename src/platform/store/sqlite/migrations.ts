import type { DatabaseSync } from 'node:sqlite';

// Ordered, named schema migrations for the embedded store. Collection tables and their indexes are
// created idempotently when a repository first opens them; this list holds everything else that must
// change an existing file (renames, data rewrites). Append only: a migration's name is its identity.
export interface Migration {
  name: string;
  up(db: DatabaseSync): void;
}

export const migrations: Migration[] = [
  {
    name: '0001-store-metadata',
    up: (db) => db.exec(`CREATE TABLE IF NOT EXISTS store_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`),
  },
  {
    // The deliveries' due time is now indexed per school (pk, dueAt), which serves every query of it.
    // The old index on dueAt alone would still be rewritten on each claim and outcome for nothing.
    name: '0002-deliveries-due-per-school',
    up: (db) => db.exec('DROP INDEX IF EXISTS ix_deliveries_dueAt'),
  },
];

export function applyMigrations(db: DatabaseSync, list: readonly Migration[] = migrations): string[] {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT NOT NULL)');
  const applied = new Set((db.prepare('SELECT name FROM schema_migrations').all() as { name: string }[]).map((r) => r.name));
  const ran: string[] = [];
  for (const m of list) {
    if (applied.has(m.name)) continue;
    // Each migration commits with its record, so a crash leaves either both or neither.
    db.exec('BEGIN IMMEDIATE');
    try {
      m.up(db);
      db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run(m.name, new Date().toISOString());
      db.exec('COMMIT');
      ran.push(m.name);
    } catch (err) {
      db.exec('ROLLBACK');
      throw new Error(`schema migration ${m.name} failed: ${(err as Error).message}`);
    }
  }
  return ran;
}
