import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { openPersonalDataStore } from '../../../src/modules/privacy/personal-data-store.ts';
import { PrivacyService } from '../../../src/modules/privacy/privacy-service.ts';
import { openPrivacyRepository } from '../../../src/modules/privacy/repository.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';

// AVG requests that reach the school by e-mail, handled from the command line: export to files, erase
// with --confirm (a dry run without it), the record of erasures, the retention term and a leaving date.

let dir: string;
let out: string[];
let err: string[];
const clock = new ManualClock('2026-03-12T10:00:00Z');

async function cli(...args: string[]): Promise<number> {
  return runCli(
    args,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir },
    { clock },
  );
}

async function withStore<T>(run: (store: SqliteStore) => Promise<T>): Promise<T> {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  try {
    return await run(store);
  } finally {
    await store.close();
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-cli-privacy-'));
  out = [];
  err = [];
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run cli -- privacy', () => {
  it('exports a student to files, erases them only with --confirm, and keeps a record without their name', async () => {
    expect(
      await cli('assign-mentor', '--student', 'sanne@school.nl', '--mentor', 'jansen@school.nl', '--school', 't-1', '--create'),
    ).toBe(0);
    const sanneId = await withStore(async (store) => {
      const repos = await openRepositories(store);
      const [school] = await repos.schools.list();
      const sanne = (await repos.people.findByEmail(school!.id, 'sanne@school.nl'))!;
      await repos.reflections.create({
        id: 'r1',
        schoolId: school!.id,
        studentId: sanne.id,
        flowId: 'free',
        locale: 'nl',
        status: 'submitted',
        createdAt: clock.now().toISOString(),
        submittedAt: clock.now().toISOString(),
        answers: { happened: 'Geheim antwoord 3bqz' },
        competencies: ['motives'],
        routing: 'none',
      });
      return sanne.id;
    });

    const folder = path.join(dir, 'export');
    expect(await cli('privacy', 'export', '--email', 'sanne@school.nl', '--out', folder)).toBe(0);
    const files = fs.readdirSync(folder).sort();
    expect(files).toEqual(['lob-gegevens-sanne-2026-03-12.json', 'lob-gegevens-sanne-2026-03-12.md']);
    const json = JSON.parse(fs.readFileSync(path.join(folder, files[0]!), 'utf8')) as { person: { email: string } };
    expect(json.person.email).toBe('sanne@school.nl');
    expect(fs.readFileSync(path.join(folder, files[1]!), 'utf8')).toContain('Geheim antwoord 3bqz');
    expect(fs.statSync(path.join(folder, files[0]!)).mode & 0o077).toBe(0);
    expect(out.join('\n')).not.toContain('3bqz');

    // Without --confirm: what would happen, and nothing happens.
    expect(await cli('privacy', 'erase', '--email', 'sanne@school.nl')).toBe(1);
    expect(err.join('\n')).toContain('add --confirm');
    expect(await withStore((s) => docsMentioning(s, ['3bqz']))).toHaveLength(1);

    expect(await cli('privacy', 'erase', '--email', 'sanne@school.nl', '--confirm')).toBe(0);
    expect(out.at(-1)).toMatch(/^Erased sanne@school\.nl \(erasure erasure-[0-9a-f-]+\)\. .*reflections: 1 anonymised/);
    expect(await withStore((s) => docsMentioning(s, ['3bqz', 'sanne@school.nl', sanneId]))).toEqual([]);
    expect(await cli('privacy', 'erase', '--email', 'sanne@school.nl', '--confirm')).toBe(1);
    expect(err.at(-1)).toContain('no person with e-mail sanne@school.nl');
    expect(await cli('privacy', 'erasures')).toBe(0);
    expect(out.at(-2)).toMatch(/^2026-03-12T10:00:00\.000Z operator done /);
    expect(out.at(-1)).toBe('1 erasure(s).');

    // Staff are not erased this way.
    expect(await cli('privacy', 'erase', '--email', 'jansen@school.nl', '--confirm')).toBe(1);
    expect(err.at(-1)).toContain('has staff roles (mentor)');
  });

  it('export writes new files only the owner can read: never through a link, an existing file only with --force', async () => {
    expect(await cli('role', 'add', '--email', 'sanne@school.nl', '--role', 'student', '--school', 't-1', '--create')).toBe(0);
    const folder = path.join(dir, 'export');
    fs.mkdirSync(folder);
    const json = path.join(folder, 'lob-gegevens-sanne-2026-03-12.json');
    const md = path.join(folder, 'lob-gegevens-sanne-2026-03-12.md');
    const export_ = (...extra: string[]) => cli('privacy', 'export', '--email', 'sanne@school.nl', '--out', folder, ...extra);

    // A world-readable file someone prepared at the name: refused, left as it was, nothing else written.
    fs.writeFileSync(json, 'prepared', { mode: 0o644 });
    fs.chmodSync(json, 0o644);
    expect(await export_()).toBe(1);
    expect(err.at(-1)).toContain('exists; add --force');
    expect(fs.readFileSync(json, 'utf8')).toBe('prepared');
    expect(fs.existsSync(md)).toBe(false);

    // With --force it is replaced by a new file of mode 0600.
    expect(await export_('--force')).toBe(0);
    for (const f of [json, md]) expect(fs.lstatSync(f).mode & 0o777).toBe(0o600);
    expect(fs.readFileSync(json, 'utf8')).toContain('sanne@school.nl');

    // A link at the name is never followed, not even with --force.
    const elsewhere = path.join(dir, 'elsewhere.md');
    fs.writeFileSync(elsewhere, 'not yours', { mode: 0o644 });
    fs.rmSync(md);
    fs.symlinkSync(elsewhere, md);
    expect(await export_('--force')).toBe(1);
    expect(err.at(-1)).toContain('symbolic link');
    expect(fs.readFileSync(elsewhere, 'utf8')).toBe('not yours');
    expect(fs.lstatSync(md).isSymbolicLink()).toBe(true);
    // A dangling link too: following it would create the file wherever it points.
    fs.rmSync(md);
    fs.symlinkSync(path.join(dir, 'created-through-link.md'), md);
    expect(await export_('--force')).toBe(1);
    expect(fs.existsSync(path.join(dir, 'created-through-link.md'))).toBe(false);
  });

  it('sets the retention term, records a leaving date and shows who is due', async () => {
    expect(await cli('role', 'add', '--email', 'tom@school.nl', '--role', 'student', '--school', 't-1', '--create')).toBe(0);
    expect(await cli('privacy', 'retention')).toBe(0);
    expect(out.at(-1)).toMatch(/erased 12 months after a student left \(the default\)/);
    expect(await cli('privacy', 'retention', 'set', '0')).toBe(1);
    expect(await cli('privacy', 'retention', 'set', '6')).toBe(0);
    expect(await cli('privacy', 'left', '--email', 'tom@school.nl', '--on', '2025-07-01')).toBe(0);
    expect(await cli('privacy', 'retention', 'run', '--dry-run')).toBe(0);
    expect(out.slice(-2)).toEqual([
      'due since 2026-01-01: tom@school.nl',
      '1 student(s) due for erasure; nothing erased (dry run).',
    ]);
    expect(await cli('privacy', 'left', '--email', 'tom@school.nl', '--clear')).toBe(0);
    expect(await cli('privacy', 'retention', 'set', 'off')).toBe(0);
    expect(await cli('privacy', 'retention', 'run')).toBe(0);
    expect(out.at(-1)).toBe('0 student(s) erased by the retention term.');
    expect(await withStore((s) => docsMentioning(s, ['tom@school.nl']))).toHaveLength(1);
  });

  it('retention run finishes an erasure a crash interrupted, as the nightly job does', async () => {
    expect(await cli('role', 'add', '--email', 'mila@school.nl', '--role', 'student', '--school', 't-1', '--create')).toBe(0);
    // An erasure that died halfway (the process was killed while deleting her answers).
    await withStore(async (store) => {
      const repos = await openRepositories(store);
      const mila = (await repos.people.findByEmail('t-1', 'mila@school.nl'))!;
      for (const i of [1, 2]) {
        const at = clock.now().toISOString();
        await repos.reflections.create({
          ...{ id: `r-mila-${i}`, schoolId: 't-1', studentId: mila.id, flowId: 'free', locale: 'nl', status: 'submitted' },
          ...{ createdAt: at, submittedAt: at, answers: { happened: `mila-geheim-${i}` }, competencies: [], routing: 'none' },
        });
      }
      let dies = true;
      const dying: typeof store = Object.assign(Object.create(store) as typeof store, {
        collection: async (def: { name: string; indexes: readonly string[] }) => {
          const c = await store.collection(def);
          if (def.name !== 'reflections') return c;
          return Object.assign(Object.create(c) as typeof c, {
            delete: async (doc: never) => {
              if (dies) {
                dies = false;
                throw new Error('killed');
              }
              return c.delete(doc);
            },
          });
        },
      });
      const log = { info: () => {}, warn: () => {} };
      const [data, stored] = await Promise.all([openPersonalDataStore(dying), openPrivacyRepository(dying)]);
      const privacy = new PrivacyService({
        repos,
        clock,
        newId: randomUUID,
        log,
        defaultTimeZone: 'Europe/Amsterdam',
        data,
        privacy: stored,
        purgeErased: () => dying.purgeErased(),
      });
      await expect(privacy.erase('t-1', mila.id, 'operator')).rejects.toThrow('killed');
    });
    expect(await withStore((s) => docsMentioning(s, ['mila-geheim']))).not.toEqual([]);
    clock.advance(11 * 60_000);

    expect(await cli('privacy', 'retention', 'run', '--dry-run')).toBe(0);
    expect(out.join('\n')).toContain('1 interrupted erasure(s) to finish.');
    expect(await withStore((s) => docsMentioning(s, ['mila-geheim']))).not.toEqual([]);
    expect(await cli('privacy', 'retention', 'run')).toBe(0);
    expect(out.slice(-2)).toEqual(['1 interrupted erasure(s) finished.', '0 student(s) erased by the retention term.']);
    expect(await withStore((s) => docsMentioning(s, ['mila-geheim', 'mila@school.nl']))).toEqual([]);
    expect(await cli('privacy', 'erasures')).toBe(0);
    expect(out.join('\n')).not.toContain('running');
  });
});
