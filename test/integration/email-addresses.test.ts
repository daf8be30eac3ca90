import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../src/core/assignments.ts';
import { ensureSchool } from '../../src/core/install.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { normalizeEmail } from '../../src/core/types.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../helpers/activities.ts';
import { type Cli, cliOn } from '../helpers/cli.ts';
import { startTestBot } from '../helpers/test-bot.ts';

// One address, one person: what a SIS export, a spreadsheet or a pasted web page adds to an address
// (a zero-width space, a soft hyphen, full-width letters, an accent stored as two characters) must not
// make a second person. The CLI as IT runs it, on a store file.

const variants = {
  plain: 'rené@school.nl',
  zeroWidth: 'ren\u200bé@school.nl',
  softHyphen: 're\u00adné@school.nl',
  fullWidth: 'ＲＥＮÉ＠ｓｃｈｏｏｌ．ｎｌ',
  decomposed: 'rene\u0301@school.nl',
  byteOrderMark: '\ufeffRené@School.NL ',
};

let dir: string;
let cli: Cli;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-email-'));
  cli = cliOn(dir);
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function people() {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  try {
    const repos = await openRepositories(store);
    return [
      ...new Map(
        (await Promise.all(['student', 'mentor'].map((r) => repos.people.listByRole(tenantId, r as 'student'))))
          .flat()
          .map((p) => [p.id, p]),
      ).values(),
    ];
  } finally {
    await store.close();
  }
}

describe('e-mail addresses', () => {
  it('have one form: invisible characters gone, NFKC, lower case, trimmed', () => {
    for (const [name, value] of Object.entries(variants)) expect(normalizeEmail(value), name).toBe('rené@school.nl');
    expect(normalizeEmail('a\u2060b\u200d@x\u200e.nl\u0000')).toBe('ab@x.nl');
  });

  it('one person from a student import with every variant, each in another class', async () => {
    const rows = Object.values(variants).map((email, i) => `René;;Dubois;${email};K${i}`);
    const file = path.join(dir, 'leerlingen.csv');
    fs.writeFileSync(file, ['Roepnaam;Tussenvoegsel;Achternaam;E-mailadres;Klas', ...rows].join('\r\n'));
    expect(await cli.run('import', 'students', file, '--school', tenantId, '--create')).toBe(0);
    const all = await people();
    expect(all.map((p) => p.email)).toEqual(['rené@school.nl']);
  });

  it('one person from CLI options and an assignments import', async () => {
    expect(await cli.run('role', 'add', '--email', variants.plain, '--role', 'student', '--school', tenantId, '--create')).toBe(
      0,
    );
    expect(await cli.run('role', 'add', '--email', variants.fullWidth, '--role', 'mentor')).toBe(0);
    expect(cli.out.join('\n')).toContain('rené@school.nl now has the role mentor');
    expect(await cli.run('assign-mentor', '--student', 'sanne@school.nl', '--mentor', variants.decomposed)).toBe(0);
    const file = path.join(dir, 'koppelingen.csv');
    fs.writeFileSync(
      file,
      [
        'student e-mail,mentor e-mail',
        `daan@school.nl,${variants.zeroWidth}`,
        `DAAN\u200b@school.nl,${variants.softHyphen}`,
      ].join('\n'),
    );
    expect(await cli.run('import', 'assignments', file)).not.toBe(0);
    expect(cli.err.join('\n')).toContain('row 3: duplicate of row 2');
    expect((await people()).map((p) => p.email).sort()).toEqual(['daan@school.nl', 'rené@school.nl', 'sanne@school.nl']);
  });

  it('one person behind the development login of the coordinator page', async () => {
    const t = await startTestBot({ env: { DEV_PAGE_LOGIN: 'true' } });
    try {
      await ensureSchool(t.bot.deps.install, tenantId);
      await ensurePersonByEmail(t.bot.deps.install, tenantId, variants.plain, 'coordinator');
      // Headers carry Latin-1 only: a soft hyphen and capitals are what can arrive here.
      for (const login of [variants.softHyphen, 'RENÉ@School.NL']) {
        const res = await fetch(`${t.bot.url}/coordinator/api/view?lang=nl`, { headers: { 'x-dev-login': login } });
        expect(res.status, login).toBe(200);
      }
    } finally {
      await t.stop();
    }
  });
});
