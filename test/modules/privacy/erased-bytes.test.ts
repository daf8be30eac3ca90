import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Repositories } from '../../../src/core/ports.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { cliOn } from '../../helpers/cli.ts';
import { startTestBot } from '../../helpers/test-bot.ts';

// Issue 16, problem 4: erased means unreadable, also for whoever copies the data folder afterwards.
// Every byte of every store file (the database, its WAL and shared-memory index) is searched for the
// erased student's e-mail and answers; other students' data in the same pages stays.

let dir: string;
const clock = new ManualClock('2026-03-12T10:00:00Z');
const marker = 'kq9x';

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-erased-bytes-'));
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** The store files holding any of the needles, with the needle; reads raw bytes. */
function filesMentioning(needles: string[]): string[] {
  const found: string[] = [];
  for (const name of fs.readdirSync(dir).filter((n) => n.includes('.db'))) {
    const bytes = fs.readFileSync(path.join(dir, name));
    for (const n of needles) if (bytes.includes(Buffer.from(n, 'utf8'))) found.push(`${name}: ${n}`);
  }
  return found;
}

/** A school with the marked student (Sanne) and classmates, each with reflections, so pages are shared. */
async function seed(repos: Repositories): Promise<{ schoolId: string; sanneId: string }> {
  const at = clock.now().toISOString();
  const school = await repos.schools.ensure({
    id: 't-1',
    name: 'School',
    sector: 'vo',
    timeZone: 'Europe/Amsterdam',
    defaultLocale: 'nl',
    createdAt: at,
  });
  let sanneId = '';
  for (let i = 0; i < 30; i++) {
    const own = i === 7;
    const id = `student-${i}`;
    await repos.people.create({
      id,
      schoolId: school.id,
      email: own ? `sanne.${marker}@school.nl` : `leerling${i}@school.nl`,
      name: own ? `Sanne ${marker}achternaam` : `Leerling ${i}`,
      locale: 'nl',
      localeSource: 'default',
      roles: ['student'],
      reachability: { state: 'reachable' },
      createdAt: at,
      updatedAt: at,
    });
    if (own) sanneId = id;
    for (let r = 0; r < 4; r++) {
      await repos.reflections.create({
        id: `r-${i}-${r}`,
        schoolId: school.id,
        studentId: id,
        flowId: 'free',
        locale: 'nl',
        status: 'submitted',
        createdAt: at,
        submittedAt: at,
        answers: { happened: own ? `Geheim antwoord ${marker}-${r} over mijn stage` : `Antwoord van leerling ${i} nummer ${r}` },
        competencies: ['motives'],
        routing: 'none',
      });
    }
  }
  return { schoolId: school.id, sanneId };
}

describe('an erased student in the SQLite files', () => {
  it('the bot: no byte of her e-mail or answers remains, right after the erasure and after a clean stop', async () => {
    const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    const t = await startTestBot({ store, clock });
    try {
      const { schoolId, sanneId } = await seed(t.bot.repos);
      // Her data has reached the files (the WAL at least) before the erasure.
      expect(filesMentioning([marker]).length).toBeGreaterThan(0);
      const outcome = await t.bot.deps.modules.privacy.service.erase(schoolId, sanneId, 'student');
      expect(outcome.kind).toBe('erased');
      expect(filesMentioning([marker])).toEqual([]);
    } finally {
      await t.stop();
      await store.close();
    }
    expect(filesMentioning([marker])).toEqual([]);
    // The classmates' data stayed.
    expect(filesMentioning(['leerling3@school.nl', 'Antwoord van leerling 3 nummer 2'])).not.toEqual([]);
  });

  it('the CLI: `privacy erase --confirm` leaves none of her bytes in the files', async () => {
    const file = path.join(dir, 'lob-reflectie.db');
    const store = SqliteStore.open(file);
    await seed(await openRepositories(store));
    await store.close();
    expect(filesMentioning([marker]).length).toBeGreaterThan(0);
    const cli = cliOn(dir, { clock });
    expect(await cli.run('privacy', 'erase', '--email', `sanne.${marker}@school.nl`, '--school', 't-1', '--confirm')).toBe(0);
    expect(filesMentioning([marker])).toEqual([]);
  });

  it('a store written before secure delete: the free space with earlier erasures is scrubbed once, at open', async () => {
    const file = path.join(dir, 'lob-reflectie.db');
    // As an older version left it: a document deleted without overwriting, its bytes in free space.
    const old = new DatabaseSync(file);
    old.exec('PRAGMA secure_delete = OFF; PRAGMA journal_mode = WAL;');
    old.exec(
      'CREATE TABLE c_people (pk TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (pk, id)) WITHOUT ROWID',
    );
    const insert = old.prepare('INSERT INTO c_people (pk, id, version, doc) VALUES (?, ?, 1, ?)');
    for (let i = 0; i < 20; i++)
      insert.run('t-1', `p-${i}`, JSON.stringify({ email: i === 3 ? `erased.${marker}@school.nl` : `p${i}@school.nl` }));
    old.exec("DELETE FROM c_people WHERE id = 'p-3'");
    old.close();
    expect(filesMentioning([marker])).toEqual(['lob-reflectie.db: kq9x']);

    const store = SqliteStore.open(file);
    await store.close();
    expect(filesMentioning([marker])).toEqual([]);
    expect(filesMentioning(['p4@school.nl'])).toHaveLength(1);
  });
});
