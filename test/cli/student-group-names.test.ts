import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';

// `import groups` refuses a group name over 80 characters, but `import students` created a group from
// the same cell unchecked (a 5,000-character class name in every list and card), and created the
// student before it knew the row's groups were good: a rejected row must leave nothing behind.

const school = 'tenant-student-groups';
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
async function groupList(): Promise<string[]> {
  out = [];
  await cli('group', 'list', '--school', school);
  return out;
}
async function person(email: string) {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  try {
    return await (await openRepositories(store)).people.findByEmail(school, email);
  } finally {
    await store.close();
  }
}
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-student-groups-'));
  out = [];
  err = [];
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('group names from a student import', () => {
  it('are held to the limit of import groups, and a rejected row creates neither student nor group', async () => {
    const long = 'K'.repeat(81);
    expect(await cli('import', 'groups', write('groups.csv', `klas\n${long}\n`), '--school', school, '--create')).toBe(2);
    expect(err.join('\n')).toContain('longer than 80 characters');

    err = [];
    const students = write(
      'students.csv',
      `e-mail;naam;klas\nanna@school.nl;Anna de Wit;4H, ${long}\nbram@school.nl;Bram Jansen;${'K'.repeat(80)}\n`,
    );
    expect(await cli('import', 'students', students, '--school', school)).toBe(2);
    expect(err.join('\n')).toContain('longer than 80 characters');
    expect(await person('anna@school.nl')).toBeUndefined();
    // The good row next to it is imported as before, with its group of exactly 80 characters.
    expect(await person('bram@school.nl')).toBeDefined();
    const listed = await groupList();
    expect(listed.filter((l) => l.startsWith('4H'))).toEqual([]);
    expect(listed.filter((l) => l.startsWith('K')).map((l) => l.split(' ')[0]?.length)).toEqual([80]);
  });

  it('are held to it where the command line creates a group from a name too', async () => {
    const long = 'K'.repeat(81);
    expect(await cli('group', 'link', '--group', long, '--team', '19:abc@thread.tacv2', '--school', school, '--create')).toBe(1);
    expect(await cli('teacher', 'add', '--email', 'tim@school.nl', '--class', `4H,${long}`, '--school', school)).toBe(1);
    expect(await person('tim@school.nl')).toBeUndefined();
    expect((await groupList()).filter((l) => /^(4H|K)/.test(l))).toEqual([]);
  });
});
