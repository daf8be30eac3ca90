import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { type Cli, cliOn } from '../../helpers/cli.ts';
import { World } from '../mentoring/world.ts';
import { cardText, executes, nov } from './school.ts';

// `import placements`: the coordinator's CSV of internship placements sets each student's supervisor;
// bad rows are reported with their line number, the rest is imported, and the student can ask at once.

describe('npm run cli: import placements', () => {
  let dir: string;
  let store: SqliteStore;
  let w: World;
  let cli: Cli;
  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-placements-'));
    store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    w = await World.start({ store, at: nov(2, '10:00') });
    cli = cliOn(dir, { clock: w.clock, env: { SERVICE_URL: w.t.connector.url, LOG_LEVEL: 'error' } });
  });
  afterEach(async () => {
    await w.stop();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('imports good rows, reports bad ones by line, and changes nothing the second time', async () => {
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.person('Daan de Groot', 'daan@school.nl');
    await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const file = path.join(dir, 'bpv.csv');
    fs.writeFileSync(
      file,
      [
        'E-mail student;Leerbedrijf;Praktijkopleider;E-mail praktijkopleider',
        'SANNE@school.nl;Bakkerij Bos;Kees Bos;kees@bakkerij-bos.nl',
        'daan@school.nl;Garage Smit;Els Smit;geen-adres',
        'onbekend@school.nl;Zorg BV;Ans;ans@zorg.nl',
        'sanne@school.nl;Ander bedrijf;Jan;jan@ander.nl',
        ';Bedrijf;Naam;naam@bedrijf.nl',
        'daan@school.nl;;Els Smit;els@garage-smit.nl',
      ].join('\r\n'),
    );
    expect(await cli.run('import', 'placements', file, '--school', tenantId)).toBe(2);
    expect(cli.out.join('\n')).toContain('1 placements imported, 0 unchanged, 5 rejected');
    const errors = cli.err.join('\n');
    expect(errors).toContain('row 3: the supervisor e-mail is missing or not an e-mail address');
    expect(errors).toContain('row 4: no student with e-mail onbekend@school.nl');
    expect(errors).toContain('row 5: a second placement for sanne@school.nl (row 2)');
    expect(errors).toContain('row 6: student e-mail "" is missing');
    expect(errors).toContain('row 7: the company is missing or too long');
    const supervisor = await w.t.bot.deps.modules.sharing.service.supervisorOf(sanne.person);
    expect(supervisor).toMatchObject({
      name: 'Kees Bos',
      email: 'kees@bakkerij-bos.nl',
      company: 'Bakkerij Bos',
      source: 'import',
    });

    expect(await cli.run('import', 'placements', file, '--school', tenantId)).toBe(2);
    expect(cli.out.join('\n')).toContain('0 placements imported, 1 unchanged, 5 rejected');

    // The student sees the imported supervisor and can ask at once.
    const reflectionId = await w.reflect(sanne.user);
    const menu = await w.say(sanne.user, 'deel');
    expect(cardText(menu)).toContain('Kees Bos (Bakkerij Bos)');
    const ask = executes(menu).find((a) => a.verb === 'sharing.ask')!;
    expect(cardText(await w.act(sanne.user, ask.verb, { reflectionId }))).toContain('Geef deze link aan Kees Bos');
  });

  it('refuses a file with an unclosed quote, naming the line', async () => {
    await w.person('Sanne de Vries', 'sanne@school.nl');
    const file = path.join(dir, 'bad.csv');
    fs.writeFileSync(file, 'student,company,supervisor,supervisor email\nsanne@school.nl,"Bakkerij Bos,Kees,kees@b.nl\n');
    expect(await cli.run('import', 'placements', file, '--school', tenantId)).not.toBe(0);
    expect(cli.err.join('\n')).toMatch(/Regel 2|line 2/);
  });
});
