import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRepositories } from '../../../src/core/repositories.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { type Cli, cliOn } from '../../helpers/cli.ts';
import { snapshot } from '../../helpers/store-snapshot.ts';

// `backup <file>` and `restore <file>` as IT runs them: a consistent copy taken while the bot has the
// store open, only readable by its owner; a restore that checks what it is given, refuses while the
// store is in use, keeps what it replaced, and brings back everything as it was.

let dir: string;
let live: string;
let cli: Cli;
const clock = new ManualClock('2026-03-12T10:00:00Z');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-backup-'));
  live = path.join(dir, 'lob-reflectie.db');
  cli = cliOn(dir, { clock });
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

async function addReflection(store: SqliteStore, email: string, id: string, answer: string): Promise<void> {
  const repos = await openRepositories(store);
  const person = (await repos.people.findByEmail('t-1', email))!;
  await repos.reflections.create({
    id,
    schoolId: 't-1',
    studentId: person.id,
    flowId: 'free',
    locale: 'nl',
    status: 'submitted',
    createdAt: clock.now().toISOString(),
    submittedAt: clock.now().toISOString(),
    answers: { happened: answer },
    competencies: ['motives'],
    routing: 'none',
  });
}

describe('npm run cli -- backup / restore', () => {
  it('backs up while the bot holds the store, restores after a change, and everything is as it was', async () => {
    expect(
      await cli.run(
        'assign-mentor',
        '--student',
        'sanne@school.nl',
        '--mentor',
        'jansen@school.nl',
        '--school',
        't-1',
        '--create',
      ),
    ).toBe(0);
    // The bot's connection stays open: its latest writes are in the WAL, not yet in the .db file.
    const bot = SqliteStore.open(live);
    await addReflection(bot, 'sanne@school.nl', 'r1', 'Mijn stage bij de bakker');
    expect(fs.statSync(`${live}-wal`).size).toBeGreaterThan(0);
    const before = snapshot(live);
    expect(JSON.stringify(before)).toContain('Mijn stage bij de bakker');

    const backup = path.join(dir, 'backups', 'maart.db');
    expect(await cli.run('backup', backup)).toBe(0);
    expect(cli.out.at(-1)).toMatch(/^Backed up .* to .*maart\.db \(\d+ collections, \d+ bytes, mode 0600\)\.$/);
    expect(fs.statSync(backup).mode & 0o777).toBe(0o600);
    expect(snapshot(backup)).toEqual(before);
    // Never over an existing file.
    expect(await cli.run('backup', backup)).toBe(1);
    expect(cli.err.at(-1)).toContain('exists; choose a new file name');

    // Changes after the backup: a new reflection, an erasure.
    await addReflection(bot, 'sanne@school.nl', 'r2', 'Later antwoord');
    expect(await cli.run('privacy', 'erase', '--email', 'sanne@school.nl', '--school', 't-1', '--confirm')).toBe(0);
    const changed = snapshot(live);
    expect(changed).not.toEqual(before);

    // Refused while the bot has the store open; nothing changes.
    expect(await cli.run('restore', backup)).toBe(1);
    expect(cli.err.at(-1)).toContain('is open in another process');
    expect(snapshot(live)).toEqual(changed);

    await bot.close();
    clock.set('2026-03-12T11:00:00Z');
    expect(await cli.run('restore', backup)).toBe(0);
    const kept = `${live}.before-restore-20260312T110000Z`;
    expect(cli.out[0]).toBe(`Restored ${live} from ${backup}. The replaced store is kept as ${kept}.`);
    expect(snapshot(live)).toEqual(before);
    expect(snapshot(kept)).toEqual(changed);
    for (const f of [live, kept]) expect(fs.statSync(f).mode & 0o777).toBe(0o600);
    // The restored store works: the bot and the CLI open it and find the student again.
    expect(
      await cli.run('privacy', 'export', '--email', 'sanne@school.nl', '--school', 't-1', '--out', path.join(dir, 'x')),
    ).toBe(0);
    expect(cli.out.at(-1)).toMatch(/^sanne@school\.nl: 1 reflection\(s\)/);
  });

  it('restores only a whole store of a schema this version knows', async () => {
    expect(await cli.run('role', 'add', '--email', 'tom@school.nl', '--role', 'student', '--school', 't-1', '--create')).toBe(0);
    const original = snapshot(live);

    const text = path.join(dir, 'notes.txt');
    fs.writeFileSync(text, 'not a database at all, just some text that is long enough to look like something');
    expect(await cli.run('restore', text)).toBe(1);
    expect(cli.err.at(-1)).toContain('is not a store backup');

    const other = path.join(dir, 'other.db');
    const db = new DatabaseSync(other);
    db.exec('CREATE TABLE t (x)');
    db.close();
    expect(await cli.run('restore', other)).toBe(1);
    expect(cli.err.at(-1)).toContain('is not a LOB Reflectie store');

    const newer = path.join(dir, 'newer.db');
    expect(await cli.run('backup', newer)).toBe(0);
    const n = new DatabaseSync(newer);
    n.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)').run('9999-from-the-future', '2027-01-01');
    n.close();
    expect(await cli.run('restore', newer)).toBe(1);
    expect(cli.err.at(-1)).toContain('written by a newer version (schema 9999-from-the-future)');

    expect(await cli.run('restore', path.join(dir, 'missing.db'))).toBe(1);
    expect(cli.err.at(-1)).toContain('is not a file');
    expect(snapshot(live)).toEqual(original);
    expect(fs.readdirSync(dir).filter((f) => f.includes('before-restore') || f.startsWith('.lob-'))).toEqual([]);
  });
});
