import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/cli/main.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';

const school = 'tenant-cli-test';
let dir: string;
let out: string[];
let err: string[];

async function cli(...args: string[]): Promise<number> {
  return runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir });
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function withRepos<T>(fn: (repos: Awaited<ReturnType<typeof openRepositories>>) => Promise<T>): Promise<T> {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  try {
    return await fn(await openRepositories(store));
  } finally {
    await store.close();
  }
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-cli-'));
  out = [];
  err = [];
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run cli', () => {
  it('lists its commands, and refuses unknown ones and bad options', async () => {
    expect(await cli()).toBe(1);
    expect(err.join('\n')).toContain('assign-mentor');
    expect(await cli('assign-mentor', '--studnt', 'x')).toBe(1);
    expect(err.join('\n')).toMatch(/Unknown option '--studnt'/);
  });

  it('refuses a CSV with an unclosed quote in every import, naming the line where it opens', async () => {
    // The first import creates the school the others need.
    // Quoted fields with the delimiter, spaces around the quotes and a field over two lines still read,
    // and a rejected row names the line it starts on.
    const ok = write(
      'quoted.csv',
      'leerling e-mail;mentor e-mail;naam leerling\n"a@school.nl" ; "m@school.nl";"Jansen; Piet\nde Jong"\nnot-an-email;m@school.nl;x\n',
    );
    err = [];
    out = [];
    expect(await cli('import', 'assignments', ok, '--school', school, '--create')).toBe(2);
    expect(err).toEqual(['  row 4: student e-mail is missing or not an e-mail address']);
    await withRepos(async (repos) => {
      const student = await repos.people.findByEmail(school, 'a@school.nl');
      expect(student?.name).toBe('Jansen; Piet\nde Jong');
    });
    // A hand-written reader took "Jansen,4H and everything after it as one field.
    const file = write('unclosed.csv', 'leerling e-mail,klas,mentor e-mail\r\n\r\n"Jansen,4H\nPiet,4V\n');
    for (const kind of ['assignments', 'students', 'mentors', 'groups', 'activities']) {
      err = [];
      expect(await cli('import', kind, file), kind).toBe(1);
      const message = err.join('\n');
      expect(message, kind).toContain('Regel 3: een aanhalingsteken (") wordt hier geopend en nergens gesloten');
      expect(message, kind).toContain('Line 3: a quote (") opens here and is never closed');
      expect(message.indexOf('Regel 3'), kind).toBeLessThan(message.indexOf('Line 3'));
    }
  });

  it('prints its commands on --help, -h and help, on stdout with exit code 0', async () => {
    for (const ask of ['--help', '-h', 'help']) {
      out = [];
      err = [];
      expect(await cli(ask), ask).toBe(0);
      expect(out.join('\n'), ask).toContain('assign-mentor');
      expect(err, ask).toEqual([]);
    }
    expect(await cli('campaign', 'list', '--help')).toBe(0);
    expect(out.join('\n')).toContain('campaign list');
    err = [];
    expect(await cli('no-such-command')).toBe(1);
    expect(err.join('\n')).toContain('Unknown command: no-such-command');
  });

  it('asks for a school when there is none yet', async () => {
    expect(await cli('assign-mentor', '--student', 'a@school.nl', '--mentor', 'b@school.nl')).toBe(1);
    expect(err.join('\n')).toMatch(/No school yet/);
  });

  it('refuses a --school it does not know, naming the known ones; --create makes it', async () => {
    const add = (...more: string[]) => cli('role', 'add', '--email', 'decaan@school.nl', '--role', 'coordinator', ...more);
    expect(await add('--school', school)).toBe(1);
    expect(err.join('\n')).toContain(`there is no school "${school}". The store has no school yet.`);
    expect(err.join('\n')).toContain('--create');
    expect(await add('--school', school, '--create')).toBe(0);
    err.length = 0;
    // A typo in the tenant id: refused, nothing made, the known school named.
    expect(await add('--school', 'tenant-cli-tset')).toBe(1);
    expect(err.join('\n')).toContain(`there is no school "tenant-cli-tset". Known schools: ${school}.`);
    expect(await cli('import', 'students', write('s.csv', 'Naam;E-mail;Klas\nSanne;sanne@school.nl;4H\n'), '--school', 'x')).toBe(
      1,
    );
    expect((await withRepos((repos) => repos.schools.list())).map((s) => s.id)).toEqual([school]);
    // The known school without --create, and with it (nothing new).
    expect(await add('--school', school)).toBe(0);
    expect(await add('--school', school, '--create')).toBe(0);
    expect((await withRepos((repos) => repos.schools.list())).map((s) => s.id)).toEqual([school]);
  });

  it('assigns a mentor, idempotently, and refuses bad e-mail addresses', async () => {
    expect(
      await cli(
        'assign-mentor',
        '--student',
        'Sanne@School.nl',
        '--mentor',
        'p.jansen@school.nl',
        '--school',
        school,
        '--create',
      ),
    ).toBe(0);
    expect(out.at(-1)).toBe('Assigned: p.jansen@school.nl is now a mentor of sanne@school.nl.');
    expect(await cli('assign-mentor', '--student', 'sanne@school.nl', '--mentor', 'p.jansen@school.nl')).toBe(0);
    expect(out.at(-1)).toMatch(/^Unchanged/);
    expect(await cli('assign-mentor', '--student', 'sanne', '--mentor', 'p.jansen@school.nl')).toBe(1);
    expect(err.at(-1)).toMatch(/student e-mail/);
    await withRepos(async (repos) => {
      const s = await repos.people.findByEmail(school, 'sanne@school.nl');
      const m = await repos.people.findByEmail(school, 'p.jansen@school.nl');
      expect(s?.roles).toEqual(['student']);
      expect(m?.roles).toEqual(['mentor']);
      expect((await repos.assignments.activeMentorsOf(school, s!.id)).map((a) => a.mentorId)).toEqual([m!.id]);
    });
  });

  it('imports assignments from a Dutch semicolon CSV, reports each rejected row, and changes nothing on re-import', async () => {
    const file = write(
      'koppelingen.csv',
      [
        'Leerling e-mail;Naam leerling;Mentor e-mail;Naam mentor',
        'sanne@school.nl;Sanne de Vries;p.jansen@school.nl;Piet Jansen',
        'daan@school.nl;Daan;p.jansen@school.nl;Piet Jansen',
        'geen-email;X;p.jansen@school.nl;Piet Jansen',
        'lisa@school.nl;Lisa;;',
        'sanne@school.nl;Sanne de Vries;p.jansen@school.nl;Piet Jansen',
        'same@school.nl;Same;same@school.nl;Same',
        '"quoted;name@school.nl";"Q";p.jansen@school.nl;"Piet ""PJ"" Jansen"',
      ].join('\r\n'),
    );
    expect(await cli('import', 'assignments', file, '--school', school, '--create')).toBe(2);
    expect(out.at(-1)).toMatch(/2 imported, 0 unchanged, 5 rejected/);
    expect(err).toEqual([
      '  row 4: student e-mail is missing or not an e-mail address',
      '  row 5: mentor e-mail is missing or not an e-mail address',
      '  row 6: duplicate of row 2',
      '  row 7: student and mentor are the same person',
      '  row 8: student e-mail is missing or not an e-mail address',
    ]);
    err = [];
    expect(await cli('import', 'assignments', file)).toBe(2);
    expect(out.at(-1)).toMatch(/0 imported, 2 unchanged, 5 rejected/);
    await withRepos(async (repos) => {
      expect((await repos.people.findByEmail(school, 'sanne@school.nl'))?.name).toBe('Sanne de Vries');
      expect((await repos.people.findByEmail(school, 'p.jansen@school.nl'))?.name).toBe('Piet Jansen');
    });
  });

  it('reads Windows-1252 and UTF-8 with BOM, comma separated, with English headers', async () => {
    const header = 'Student Email,Student Name,Mentor Email,Mentor Name\r\n';
    const ansi = write(
      'ansi.csv',
      iconv.encode(`${header}zoë@school.nl,Zoë Müller,j.bakker@school.nl,Jürgen Bakker\r\n`, 'win1252'),
    );
    const bom = write(
      'bom.csv',
      Buffer.concat([
        Buffer.from([0xef, 0xbb, 0xbf]),
        Buffer.from(`${header}anouk@school.nl,Anouk,j.bakker@school.nl,Jürgen Bakker\n`),
      ]),
    );
    expect(await cli('import', 'assignments', ansi, '--school', school, '--create')).toBe(0);
    expect(out.at(-1)).toMatch(/windows-1252, delimiter ","\): 1 imported/);
    expect(await cli('import', 'assignments', bom)).toBe(0);
    expect(out.at(-1)).toMatch(/utf-8.*1 imported/);
    await withRepos(async (repos) => {
      expect((await repos.people.findByEmail(school, 'zoë@school.nl'))?.name).toBe('Zoë Müller');
      expect((await repos.people.findByEmail(school, 'j.bakker@school.nl'))?.name).toBe('Jürgen Bakker');
    });
  });

  it('refuses a file whose header lacks a column, naming what it found', async () => {
    const file = write('wrong.csv', 'naam,klas\nSanne,4H\n');
    expect(await cli('import', 'assignments', file, '--school', school, '--create')).toBe(1);
    expect(err.at(-1)).toMatch(/missing column\(s\): studentEmail.*mentorEmail.*the header has "naam", "klas"/);
    const missing = path.join(dir, 'nope.csv');
    expect(await cli('import', 'assignments', missing)).toBe(1);
    expect(err.at(-1)).toMatch(/cannot read .*ENOENT/);
  });

  it('gives and takes roles', async () => {
    expect(await cli('role', 'add', '--email', 'decaan@school.nl', '--role', 'coordinator', '--school', school, '--create')).toBe(
      0,
    );
    expect(out.at(-1)).toMatch(/now has the role coordinator/);
    expect(await cli('role', 'add', '--email', 'decaan@school.nl', '--role', 'wizard')).toBe(1);
    expect(await cli('role', 'remove', '--email', 'decaan@school.nl', '--role', 'coordinator')).toBe(0);
    await withRepos(async (repos) => {
      expect((await repos.people.findByEmail(school, 'decaan@school.nl'))?.roles).toEqual([]);
    });
    // A mentor who loses the role gets nothing more about their students: the operator is told who is left.
    expect(await cli('assign-mentor', '--student', 'sanne@school.nl', '--mentor', 'piet@school.nl')).toBe(0);
    expect(await cli('role', 'remove', '--email', 'piet@school.nl', '--role', 'mentor')).toBe(0);
    expect(out.at(-1)).toMatch(/^1 student\(s\) are still assigned to them .*assign-mentor/);
  });
});
