import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';

// Every document of every collection in a SQLite store file, read through a second connection, so that
// collections added by any feature are included without this helper knowing their names.

/** A store file in a folder of its own, named as the bot and the CLI name it (DATA_DIR=dir reaches it). */
export function tempStore(): { store: SqliteStore; file: string; dir: string; remove(): void } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-sec-'));
  const file = path.join(dir, 'lob-reflectie.db');
  return { store: SqliteStore.open(file), file, dir, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function snapshot(file: string): Record<string, string[]> {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const tables = db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name LIKE 'c\\_%' ESCAPE '\\' ORDER BY name")
      .all() as { name: string }[];
    const out: Record<string, string[]> = {};
    for (const { name } of tables) {
      const rows = db.prepare(`SELECT pk, id, version, doc FROM "${name}" ORDER BY pk, id`).all() as {
        pk: string;
        id: string;
        version: number;
        doc: string;
      }[];
      out[name] = rows.map((r) => `${r.pk}|${r.id}|${r.version}|${r.doc}`);
    }
    return out;
  } finally {
    db.close();
  }
}

export function documentCount(s: Record<string, string[]>): number {
  return Object.values(s).reduce((n, rows) => n + rows.length, 0);
}
