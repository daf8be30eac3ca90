import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import iconv from 'iconv-lite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { ids, newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { openCampaignRepositories } from '../../../src/modules/campaigns/repositories.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId, testUser } from '../../helpers/activities.ts';
import { actionData, cardText, execute, install, invokeCard, promptsTo, tick } from '../../helpers/campaigns.ts';
import { startTestBot } from '../../helpers/test-bot.ts';

// The coordinator's and IT's path from the command line: SIS exports in, a campaign out, its status.

let dir: string;
let out: string[];
let err: string[];
let clock: ManualClock;

async function cli(...args: string[]): Promise<number> {
  out = [];
  err = [];
  return runCli(
    args,
    { out: (l) => out.push(l), err: (l) => err.push(l) },
    { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir },
    { clock },
  );
}

function write(name: string, content: string | Buffer): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function withStore<T>(
  fn: (r: {
    repos: Awaited<ReturnType<typeof openRepositories>>;
    camp: Awaited<ReturnType<typeof openCampaignRepositories>>;
  }) => Promise<T>,
) {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  try {
    return await fn({ repos: await openRepositories(store), camp: await openCampaignRepositories(store) });
  } finally {
    await store.close();
  }
}

const students = [
  'Roepnaam;Tussenvoegsel;Achternaam;E-mailadres;Klas;Leerlingnummer',
  'Sanne;de;Vries;sanne@school.nl;4H;1001',
  'Daan;;Smit;daan@school.nl;4H;1002',
  'Fleur;van;Dam;fleur@school.nl;4H;1003',
  'Mo;;Amrani;mo@school.nl;4V;1004',
  'Geen;;Mail;geen-mail;4H;1005',
  'Sanne;de;Vries;sanne@school.nl;4H;1001',
].join('\r\n');

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-camp-cli-'));
  clock = new ManualClock('2026-11-25T13:00:00Z');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('imports from the school’s SIS', () => {
  it('imports students with their class, reports every rejected row, and changes nothing the second time', async () => {
    const file = write('leerlingen.csv', students);
    expect(await cli('import', 'students', file, '--school', tenantId, '--create')).toBe(2);
    expect(out.at(-1)).toBe(
      'leerlingen.csv (utf-8, delimiter ";"): 4 students imported, 0 updated, 0 unchanged, 2 rejected.'.replace(
        'leerlingen.csv',
        file,
      ),
    );
    expect(err).toEqual(['  row 6: e-mail "geen-mail" is missing or not an e-mail address', '  row 7: duplicate of row 2']);
    expect(await cli('import', 'students', file)).toBe(2);
    expect(out.at(-1)).toMatch(/0 students imported, 0 updated, 4 unchanged, 2 rejected/);
    await withStore(async ({ repos, camp }) => {
      expect((await repos.people.findByEmail(tenantId, 'sanne@school.nl'))?.name).toBe('Sanne de Vries');
      const h = await camp.groups.findByName(tenantId, '4H');
      expect(await camp.groups.members(tenantId, h!.id)).toHaveLength(3);
    });
    expect(await cli('group', 'list')).toBe(0);
    expect(out).toEqual(['4H              3 students', '4V              1 students']);
  });

  it('reads Windows-1252 and UTF-8 with BOM and English headers, and moves students between classes with --sync-groups', async () => {
    await cli('import', 'students', write('a.csv', students), '--school', tenantId, '--create');
    const ansi = write(
      'ansi.csv',
      iconv.encode(
        'First name,Last name,Email,Class\r\nZoë,Müller,zoe@school.nl,4V\r\nSanne,de Vries,sanne@school.nl,4V\r\n',
        'win1252',
      ),
    );
    expect(await cli('import', 'students', ansi, '--sync-groups')).toBe(0);
    expect(out.at(-1)).toMatch(
      /windows-1252, delimiter ","\): 1 students imported, 1 updated, 0 unchanged, 0 rejected\. 1 left a group\./,
    );
    const bom = write(
      'bom.csv',
      Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('E-mail;Naam;Klas\nanouk@school.nl;Anouk;4H\n')]),
    );
    expect(await cli('import', 'students', bom)).toBe(0);
    await withStore(async ({ repos, camp }) => {
      expect((await repos.people.findByEmail(tenantId, 'zoe@school.nl'))?.name).toBe('Zoë Müller');
      const sanne = await repos.people.findByEmail(tenantId, 'sanne@school.nl');
      const groups = await camp.groups.groupsOf(tenantId, sanne!.id);
      expect(await Promise.all(groups.map(async (m) => (await camp.groups.get(tenantId, m.groupId))?.name))).toEqual(['4V']);
    });
  });

  it('says which columns are missing, and hints at the delimiter', async () => {
    expect(await cli('import', 'students', write('x.csv', 'Naam|Klas\nSanne|4H\n'), '--school', tenantId, '--create')).toBe(1);
    expect(err.at(-1)).toMatch(
      /missing column\(s\): email.*the header has "Naam\|Klas"\. Is the delimiter a comma or a semicolon\?/,
    );
    expect(await cli('import', 'activities', write('y.csv', 'Titel;Klas\nx;4H\n'))).toBe(1);
    expect(err.at(-1)).toMatch(/missing column\(s\): type.*start/);
  });

  it('imports mentors of a class or a student, groups with their Teams team, and activities, each row checked', async () => {
    await cli('import', 'students', write('s.csv', students), '--school', tenantId, '--create');
    const mentors = write(
      'mentoren.csv',
      [
        'Naam;E-mail;Klas;Leerling e-mail',
        'Piet Jansen;p.jansen@school.nl;4H;',
        'Els Bakker;e.bakker@school.nl;;mo@school.nl',
        'X;x@school.nl;9Z;',
        'Y;y@school.nl;;onbekend@school.nl',
      ].join('\n'),
    );
    expect(await cli('import', 'mentors', mentors)).toBe(2);
    expect(out.at(-1)).toMatch(/2 mentors imported, 0 updated, 0 unchanged, 2 rejected/);
    expect(err).toEqual([
      '  row 4: group "9Z" does not exist (import students with their class first)',
      '  row 5: unknown student e-mail "onbekend@school.nl" (import students first)',
    ]);
    expect(await cli('import', 'mentors', mentors)).toBe(2);
    expect(out.at(-1)).toMatch(/0 mentors imported, 0 updated, 2 unchanged/);

    const groups = write(
      'groepen.csv',
      ['Groep,Team ID,Teamnaam', '4H,19:abc@thread.tacv2,Klas 4H', '5H,,', 'LOB-keuzegroep,not a team id!,'].join('\n'),
    );
    expect(await cli('import', 'groups', groups)).toBe(2);
    expect(err).toEqual(['  row 4: "not a team id!" is not a Teams team id']);
    expect(out.at(-1)).toMatch(/1 groups imported, 1 updated, 0 unchanged, 1 rejected/);

    const activities = write(
      'activiteiten.csv',
      [
        'Kenmerk;Soort;Omschrijving;Startdatum;Starttijd;Einddatum;Eindtijd;Klas;Leerling e-mail',
        'MLD-1;Meeloopdag;Meeloopdag hbo;25-11-2026;09:00;25-11-2026;13:59;4H;',
        'OD-1;open dag;Open dag ROC;2026-11-28;10:00;;13:00;4H,4V;',
        'SN-1;Snuffelstage;Bij de bakker;30-11-2026;;04-12-2026;;;mo@school.nl',
        'SN-1;Snuffelstage;Bij de bakker;30-11-2026;;04-12-2026;;;sanne@school.nl',
        'X-1;Feest;;25-11-2026;;;;4H;',
        'X-2;Meeloopdag;;31-02-2026;;;;4H;',
        'X-3;Meeloopdag;;25-11-2026;15:00;25-11-2026;09:00;4H;',
        'X-4;Meeloopdag;;25-11-2026;;;;9Z;',
        'X-5;Meeloopdag;;25-11-2026;;;;;nobody@school.nl',
        'MLD-1;Meeloopdag;Meeloopdag hbo;25-11-2026;09:00;25-11-2026;13:59;4H;',
      ].join('\n'),
    );
    expect(await cli('import', 'activities', activities)).toBe(2);
    expect(out.at(-1)).toMatch(/3 activities imported, 0 updated, 0 unchanged, 6 rejected/);
    expect(err.map((e) => e.replace(/"[^"]*"/g, '""'))).toEqual([
      '  row 6: unknown kind of activity "" (e.g. meeloopdag, open dag, stage, snuffelstage)',
      '  row 7: bad date or time "" (use dd-mm-yyyy or yyyy-mm-dd, and hh:mm)',
      '  row 8: the end is not after the start',
      '  row 9: unknown group(s) "" (import students with their class first)',
      '  row 10: unknown student e-mail ""',
      '  row 11: duplicate of row 2',
    ]);
    expect(await cli('import', 'activities', activities)).toBe(2);
    expect(out.at(-1)).toMatch(/0 activities imported, 0 updated, 3 unchanged/);
    expect(await cli('activity', 'list')).toBe(0);
    expect(out.join('\n')).toMatch(
      /taster-internship .*2026-11-30T07:30:00.000Z to 2026-12-04T15:00:00.000Z\s+\+2 students\s+Bij de bakker/,
    );
    expect(out.join('\n')).toMatch(/shadow-day .*2026-11-25T08:00:00.000Z to 2026-11-25T12:59:00.000Z\s+4H\s+Meeloopdag hbo/);
  });
});

describe('the school calendar', () => {
  it('shows and changes region, quiet hours and the school’s own days off', async () => {
    await cli('import', 'students', write('s.csv', students), '--school', tenantId, '--create');
    expect(await cli('calendar', 'show')).toBe(0);
    expect(out.join('\n')).toContain('region: midden (not set');
    expect(out.join('\n')).toContain('prompts are sent from 08:00 until 20:00, not at weekends');
    expect(out.join('\n')).toMatch(/2026-12-19 to 2027-01-03 {2}Kerstvakantie/);
    expect(await cli('calendar', 'set', '--region', 'zuid', '--quiet-before', '8.30', '--quiet-after', '18:00')).toBe(0);
    expect(await cli('calendar', 'holiday', 'add', '--name', 'Studiedag', '--from', '2026-12-02')).toBe(0);
    expect(await cli('calendar', 'holiday', 'remove', '--key', '2026-2027:goede-vrijdag')).toBe(0);
    expect(await cli('calendar', 'show')).toBe(0);
    const shown = out.join('\n');
    expect(shown).toContain('region: zuid');
    expect(shown).toContain('from 08:30 until 18:00');
    expect(shown).toContain('2026-12-02 to 2026-12-02  Studiedag');
    expect(shown).toContain('2027-02-06 to 2027-02-14  Voorjaarsvakantie');
    expect(shown).not.toContain('Goede Vrijdag');
    // Dates the ministry has not confirmed are marked, and the coordinator is told to check them.
    expect(shown).toContain('2027-02-06 to 2027-02-14  Voorjaarsvakantie (provisional)');
    expect(shown).toMatch(/warning: the dates of Herfstvakantie, Voorjaarsvakantie, Zomervakantie in 2026-2027 are provisional/);
    // A year this version does not know: prompts would land in its holidays.
    expect(await cli('calendar', 'show', '--year', '2029-2030')).toBe(0);
    // Only last year's summer holiday reaches into it; nothing of its own.
    expect(out.join('\n')).not.toContain('Kerstvakantie');
    expect(out.join('\n')).toMatch(/warning: this version has no holiday dates for 2029-2030/);
    expect(await cli('calendar', 'set', '--region', 'oost')).toBe(1);
    expect(err.at(-1)).toMatch(/--region must be one of noord, midden, zuid/);
    expect(await cli('calendar', 'set', '--quiet-before', '19:30', '--quiet-after', '20:00')).toBe(1);
    expect(await cli('calendar', 'set', '--time-zone', 'Mars/Olympus')).toBe(1);
    expect(await cli('calendar', 'holiday', 'add', '--name', 'x', '--from', '2026-13-01')).toBe(1);
    expect(await cli('calendar', 'holiday', 'remove', '--key', 'nope')).toBe(1);
  });
});

describe('campaigns from the command line', () => {
  async function prepare() {
    await cli('import', 'students', write('s.csv', students), '--school', tenantId, '--create');
    await cli(
      'import',
      'activities',
      write(
        'a.csv',
        'Kenmerk;Soort;Datum;Starttijd;Eindtijd;Klas\nMLD-1;Meeloopdag;25-11-2026;09:00;13:59;4H\nOLD;Meeloopdag;01-10-2026;09:00;13:00;4H\n',
      ),
    );
  }

  it('refuses a campaign in the past, to an unknown or empty group, with an unknown flow, and says why', async () => {
    await prepare();
    await withStore(async ({ camp }) => {
      await camp.groups.ensure(newGroup(tenantId, 'Leeg', ''));
    });
    expect(await cli('campaign', 'create', '--name', 'Oud', '--type', 'shadow-day', '--group', '4H', '--activity', 'OLD')).toBe(
      1,
    );
    expect(err.join('\n')).toMatch(/would only send in the past \(last moment 2026-10-01T11:00:00.000Z\)/);
    expect(
      await cli(
        'campaign',
        'create',
        '--name',
        'X',
        '--type',
        'shadow-day',
        '--group',
        'Leeg,9Z',
        '--flow',
        'nope',
        '--offset',
        '0',
      ),
    ).toBe(1);
    expect(err).toEqual([
      'Refused:',
      '  - The reflection "nope" does not exist.',
      '  - Group "Leeg" has no students. Import them first.',
      '  - The group "9Z" does not exist.',
    ]);
    // The free flow has no preparation question, so it cannot be sent before the activity.
    expect(
      await cli(
        'campaign',
        'create',
        '--name',
        'X',
        '--type',
        'shadow-day',
        '--group',
        '4H',
        '--flow',
        'free',
        '--prepare',
        '1d@15:00',
      ),
    ).toBe(1);
    expect(err.join('\n')).toContain('has no preparation question');
    expect(await cli('campaign', 'create', '--name', 'X', '--type', 'feest', '--group', '4H')).toBe(1);
    expect(await cli('campaign', 'create', '--name', 'X', '--type', 'shadow-day', '--group', '4H', '--offset', 'soon')).toBe(1);
    expect(await cli('campaign', 'list')).toBe(0);
    expect(out).toEqual(['No campaigns yet. Create one with: campaign create --help']);
  });

  it('finds an activity by the school’s own id, also one that starts with act- like ours, and by ours', async () => {
    await prepare();
    const sis = write('b.csv', 'Kenmerk;Soort;Datum;Starttijd;Eindtijd;Klas\nact-2026-12;Meeloopdag;25-11-2026;09:00;13:59;4H\n');
    expect(await cli('import', 'activities', sis)).toBe(0);
    expect(await cli('activity', 'list')).toBe(0);
    const internal = (id: string) => ids.activity(tenantId, `ext:${id}`);
    expect(out.join('\n')).toContain(internal('act-2026-12'));
    const create = (name: string, activity: string) =>
      cli('campaign', 'create', '--name', name, '--type', 'shadow-day', '--group', '4H', '--activity', activity);
    expect(await create('Van het SIS', 'act-2026-12'), err.join('\n')).toBe(0);
    expect(await create('Met ons id', internal('MLD-1')), err.join('\n')).toBe(0);
    expect(await create('Onbekend', 'act-9999')).toBe(1);
    const made = await withStore(({ camp }) => camp.campaigns.list(tenantId));
    expect(Object.fromEntries(made.map((c) => [c.name, c.activityIds]))).toEqual({
      'Van het SIS': [internal('act-2026-12')],
      'Met ons id': [internal('MLD-1')],
    });
  });

  it('creates a campaign for a shadow day that ended a minute ago; the bot sends it; status shows who blocked the bot', async () => {
    await prepare();
    // The students open Teams (the bot learns their Teams ids); one of them has blocked the bot.
    const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    const t = await startTestBot({ store, clock });
    try {
      const users = ['sanne', 'daan', 'fleur'].map((n) => testUser(n, `${n}@school.nl`));
      for (const u of users) await install(t, u);
      const blocked = users[1]!;
      t.connector.failWith = ({ conversationId }) =>
        conversationId === blocked.conversationId ? { status: 403, code: 'ConversationBlockedByUser' } : undefined;

      expect(
        await cli(
          'campaign',
          'create',
          '--name',
          'Meeloopdag 4H',
          '--type',
          'shadow-day',
          '--group',
          '4H',
          '--offset',
          '0',
          '--remind-after',
          '4',
          '--reminders',
          '1',
        ),
      ).toBe(0);
      expect(out[0]).toMatch(
        /^Campaign cmp-\S+ created: Meeloopdag 4H \(flow shadow-day-\w+; at 0 after the end, reminder after 4 h \(at most 1\), window 7 days\)\.$/,
      );
      expect(out[1]).toBe('Planned now: 3 prompt(s) in 1 moment(s). The running bot sends them at the next allowed time.');
      const id = out[0]!.split(' ')[1]!;

      await tick(t);
      expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 0, 1]);
      const { reflectionId } = actionData(promptsTo(t, users[0]!)[0], 'reflection.feel');
      invokeCard(
        await execute(t, users[0]!, 'reflection.submit', {
          reflectionId,
          feeling: 'great',
          happened: 'Ik zag een operatie.',
          'good-at': 'Rustig blijven kijken.',
          'next-step': 'Open dag bezoeken.',
        }),
      );
      clock.advance(4 * 3_600_000 + 60_000);
      await tick(t);
      expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 0, 2]);
      expect(cardText(promptsTo(t, users[2]!)[1])).toContain('Herinnering');

      expect(await cli('campaign', 'status', id)).toBe(0);
      const status = out.join('\n');
      // Three students: the coordinator sees who was not reached and why, but no count (fewer than 5).
      expect(status).toContain('counts hidden: fewer than 5 students');
      expect(status).not.toMatch(/sent: \d|answered: \d|reminded: \d|response:/);
      expect(status).toContain('not reached (1):');
      // The name from the school's export, the reason in words.
      expect(status).toContain('Daan Smit <daan@school.nl>: blocked the app');
      expect(await cli('campaign', 'list')).toBe(0);
      expect(out[0]).toMatch(/active {5}counts hidden \(< 5 students\) {2}Meeloopdag 4H/);
      expect(await cli('campaign', 'pause', id)).toBe(0);
      expect(out.at(-1)).toBe(`Campaign ${id} is now paused.`);
      expect(await cli('campaign', 'pause', id)).toBe(0);
      expect(out.at(-1)).toBe(`Unchanged: campaign ${id} is paused.`);
      expect(await cli('campaign', 'cancel', id)).toBe(0);
      expect(await cli('campaign', 'status', 'cmp-nope')).toBe(1);
      expect(err.at(-1)).toMatch(/no campaign cmp-nope/);
    } finally {
      await t.stop();
      await store.close();
    }
  });
});
