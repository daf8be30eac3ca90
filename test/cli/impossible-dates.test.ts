import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';

// Date.parse rolls 2026-02-30 over to 2 March and reads T24:00 as the next midnight: an activity or a
// leaving day would be stored on a day nobody typed. Every date the CLI reads must exist as written.

const school = 'tenant-impossible-dates';
let dir: string;
let out: string[];
let err: string[];

async function cli(...args: string[]): Promise<number> {
  return runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir });
}
function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}
/** The activity lines `activity list` prints; the output of earlier commands is kept apart. */
async function activities(): Promise<string[]> {
  const saved = [out, err] as const;
  out = [];
  err = [];
  await cli('activity', 'list', '--school', school);
  const lines = out.filter((l) => l.startsWith('act-'));
  [out, err] = saved;
  return lines;
}
async function person(email: string) {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  try {
    return await (await openRepositories(store)).people.findByEmail(school, email);
  } finally {
    await store.close();
  }
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-dates-'));
  out = [];
  err = [];
  const students = write('students.csv', 'e-mail;naam;klas\nanna@school.nl;Anna de Wit;4H\n');
  expect(await cli('import', 'students', students, '--school', school, '--create')).toBe(0);
  out = [];
  err = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('impossible dates in the CLI', () => {
  it('import activities rejects 30 February with a time and offset as it rejects 30-02-2026', async () => {
    const file = write(
      'activities.csv',
      'soort;titel;startdatum;einddatum;klas\n' +
        'meeloopdag;Dutch form;30-02-2026;30-02-2026;4H\n' +
        'meeloopdag;ISO form;2026-02-30T09:00:00+01:00;2026-02-30T15:00:00+01:00;4H\n' +
        'meeloopdag;Midnight;2026-03-02T24:00+01:00;2026-03-02T24:00+01:00;4H\n',
    );
    const code = await cli('import', 'activities', file, '--school', school);
    expect(err.filter((l) => l.includes('bad date')).length).toBe(3);
    expect(code).toBe(2);
    expect(await activities()).toEqual([]);
  });

  it('import activities still reads a real day with a time and offset', async () => {
    const file = write(
      'activities.csv',
      'soort;titel;startdatum;einddatum;klas\nmeeloopdag;ISO form;2026-02-28T09:00+01:00;2026-02-28T15:00:00Z;4H\n',
    );
    expect(await cli('import', 'activities', file, '--school', school)).toBe(0);
    expect(await activities()).toHaveLength(1);
  });

  it('activity add refuses --start 2026-02-30T09:00+01:00', async () => {
    const code = await cli(
      'activity',
      'add',
      '--type',
      'shadow-day',
      '--start',
      '2026-02-30T09:00+01:00',
      '--end',
      '2026-02-30T15:00+01:00',
      '--group',
      '4H',
      '--school',
      school,
    );
    expect(code).toBe(1);
    expect(await activities()).toEqual([]);
  });

  it('privacy left refuses --on 2026-02-30', async () => {
    const code = await cli('privacy', 'left', '--email', 'anna@school.nl', '--on', '2026-02-30', '--school', school);
    expect(code).toBe(1);
    expect(err.join('\n')).toContain('2026-02-30');
    expect((await person('anna@school.nl'))?.leftAt).toBeUndefined();
  });
});
