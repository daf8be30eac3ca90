import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';

// The store file holds every student's answers: it, its WAL and its shared-memory file are the owner's
// only, whatever the umask, and a file an older version left readable is narrowed when opened.

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-sqlite-files-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const modeOf = (f: string) => fs.statSync(f).mode & 0o777;

describe('the SQLite store files', () => {
  it('are created readable by the owner only, in a folder of the owner only', async () => {
    const file = path.join(dir, 'data', 'lob-reflectie.db');
    const store = SqliteStore.open(file);
    const c = await store.collection<{ id: string; pk: string; version: number; text: string }>({ name: 'notes', indexes: [] });
    await c.create({ id: 'a', pk: 'p', text: 'antwoord' });
    for (const f of [file, `${file}-wal`, `${file}-shm`]) expect(modeOf(f), f).toBe(0o600);
    expect(modeOf(path.dirname(file))).toBe(0o700);
    await store.close();
  });

  it('narrows a world-readable store file an older version made', async () => {
    const file = path.join(dir, 'lob-reflectie.db');
    await SqliteStore.open(file).close();
    fs.chmodSync(file, 0o644);
    const store = SqliteStore.open(file);
    expect(modeOf(file)).toBe(0o600);
    await store.close();
  });
});
