import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { captureTeamInstall } from '../../../src/core/install.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { systemClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';

// `npm run cli -- pdca ...` on a store file, as a coordinator or IT would use it: teams, links,
// milestones with every refusal and its reason, marking done, status and the Check evidence export.

const school = 'tenant-pdca-cli';
let dir: string;
let out: string[];
let err: string[];

async function cli(...args: string[]): Promise<number> {
  out = [];
  err = [];
  return runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir });
}

/** Havo 4, led by Lisa. */
function addTeam(...extra: string[]): Promise<number> {
  return cli('pdca', 'team', 'add', '--id', 'havo-4', '--name', 'Havo 4', '--leader', 'lisa@school.nl', ...extra);
}

beforeEach(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-pdca-cli-'));
  // The bot was added to a Teams team in this school (that is how the CLI can link to it).
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const repos = await openRepositories(store);
  await captureTeamInstall(
    { repos, clock: systemClock, newId: () => 'x', defaults: { locale: 'nl', timeZone: 'Europe/Amsterdam' } },
    {
      tenantId: school,
      teamId: '19:abc@thread.tacv2',
      teamName: 'Team Havo 4',
      conversationId: '19:abc@thread.tacv2',
      serviceUrl: 'https://smba.example',
      botId: '28:b',
    },
    [],
  );
  await store.close();
  for (const [email, role] of [
    ['lisa@school.nl', 'team-leader'],
    ['cor@school.nl', 'coordinator'],
    ['piet@school.nl', 'mentor'],
    ['sanne@school.nl', 'student'],
  ]) {
    expect(await cli('role', 'add', '--email', email!, '--role', role!, '--school', school, '--create')).toBe(0);
  }
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('npm run cli -- pdca', () => {
  it('creates, links and lists teams, refusing bad input with the reason', async () => {
    expect(await cli('pdca', 'team', 'add', '--id', 'havo-4', '--name', 'Havo 4', '--leader', 'ghost@school.nl')).toBe(1);
    expect(err.join('\n')).toBe('Error: There is nobody with e-mail address ghost@school.nl at this school.');
    expect(await cli('pdca', 'team', 'add', '--id', 'havo-4', '--name', 'Havo 4', '--leader', 'piet@school.nl')).toBe(1);
    expect(err.join('\n')).toContain('piet@school.nl does not have the role team-leader');
    expect(await addTeam('--mentors', 'piet@school.nl')).toBe(0);
    expect(out[0]).toBe('Created team havo-4 (Havo 4): 1 team leader(s), 1 mentor(s).');
    expect(await cli('pdca', 'team', 'link', '--id', 'havo-4', '--teams-team', 'Team Vwo')).toBe(1);
    expect(err.join('\n')).toBe('Error: LOB Reflectie is not in a Teams team "Team Vwo". Known teams: Team Havo 4.');
    expect(await cli('pdca', 'team', 'link', '--id', 'havo-5', '--teams-team', 'Team Havo 4')).toBe(1);
    expect(err.join('\n')).toBe('Error: There is no team with the code havo-5.');
    expect(await cli('pdca', 'team', 'link', '--id', 'havo-4', '--teams-team', 'team havo 4')).toBe(0);
    expect(out[0]).toBe('Linked: team havo-4 works in the Teams team Team Havo 4.');
    expect(await cli('pdca', 'team', 'list')).toBe(0);
    expect(out[0]).toBe('havo-4\tHavo 4\tyear\tleaders: lisa@school.nl\tmentors: 1\tTeams team: Team Havo 4');
  });

  it('adds and edits milestones, refusing a due date outside the school year and owners who do not exist', async () => {
    await addTeam();
    const add = (...extra: string[]) =>
      cli(
        'pdca',
        'milestone',
        'add',
        '--team',
        'havo-4',
        '--year',
        '2026-2027',
        '--phase',
        'do',
        '--title',
        'Loopbaangesprekken ronde 1',
        ...extra,
      );
    expect(await add('--due', '2027-08-15', '--owner', 'team-leader')).toBe(1);
    expect(err.join('\n')).toBe('Error: The due date is outside school year 2026–2027 (1 August 2026 to 31 July 2027).');
    expect(await add('--due', '2026-11-30', '--owner', 'ghost@school.nl')).toBe(1);
    expect(err.join('\n')).toContain('There is nobody with e-mail address ghost@school.nl at this school.');
    expect(await add('--due', '2026-11-30', '--owner', 'sanne@school.nl')).toBe(1);
    expect(err.join('\n')).toContain('sanne@school.nl is not a mentor, team leader, LOB coordinator or admin');
    expect(await add('--due', '2026-11-30', '--owner', 'piet@school.nl')).toBe(0);
    const id = /Added milestone (m-[a-z0-9]+)/.exec(out[0]!)![1]!;
    expect(await cli('pdca', 'milestone', 'list', '--team', 'havo-4', '--year', '2026-2027')).toBe(0);
    expect(out).toHaveLength(8);
    expect(out.find((l) => l.startsWith(id))).toContain('2026-11-30\tLoopbaangesprekken ronde 1\towner: piet@school.nl');
    expect(out[0]).toMatch(
      /^work-plan\tplan\t2026-08-31\tWerkplan vastgesteld.*\towner: team leader \(lisa@school.nl\)\t\(template\)/,
    );
    expect(await cli('pdca', 'milestone', 'edit', id, '--team', 'havo-4', '--year', '2026-2027', '--due', '2026-12-07')).toBe(0);
    expect(out[0]).toBe(`Saved milestone ${id}.`);
    expect(await cli('pdca', 'milestone', 'edit', 'nope', '--team', 'havo-4', '--year', '2026-2027', '--due', '2026-12-07')).toBe(
      1,
    );
    expect(err.join('\n')).toBe('Error: This milestone does not exist (any more).');
    expect(
      await cli(
        'pdca',
        'milestone',
        'add',
        '--team',
        'vwo',
        '--phase',
        'do',
        '--title',
        'x',
        '--due',
        '2026-12-01',
        '--owner',
        'coordinator',
      ),
    ).toBe(1);
    expect(err.join('\n')).toBe('Error: There is no team with the code vwo.');
    expect(await cli('pdca', 'milestone', 'list', '--year', '2026')).toBe(1);
    expect(err.join('\n')).toContain('--year must be a school year like 2026-2027');
    // The school level: the coordinator's policy plan.
    expect(await cli('pdca', 'milestone', 'list', '--level', 'school', '--year', '2026-2027')).toBe(0);
    expect(out.map((l) => l.split('\t')[0])).toEqual([
      'policy-plan',
      'mentor-development',
      'policy-in-practice',
      'lob-scan',
      'student-voice',
      'policy-evaluation',
      'policy-adjustment',
    ]);
    expect(await cli('pdca', 'milestone', 'remove', id, '--team', 'havo-4', '--year', '2026-2027')).toBe(0);
  });

  it('marks done on behalf of the owner, once, with a note or an https link only', async () => {
    await addTeam();
    const done = (...extra: string[]) => cli('pdca', 'done', 'work-plan', '--team', 'havo-4', '--year', '2026-2027', ...extra);
    expect(await done('--by', 'piet@school.nl', '--note', 'x')).toBe(1);
    expect(err.join('\n')).toContain('Only the owner, the team leader or the LOB coordinator');
    expect(await done('--by', 'lisa@school.nl', '--link', 'http://intranet/werkplan')).toBe(1);
    expect(err.join('\n')).toContain('must be a full https address');
    expect(await done('--by', 'lisa@school.nl')).toBe(1);
    expect(err.join('\n')).toContain('Write a short note or paste a link');
    expect(await done('--by', 'lisa@school.nl', '--link', 'https://school.sharepoint.com/werkplan.docx')).toBe(0);
    expect(out[0]).toMatch(/^Done: Werkplan vastgesteld/);
    expect(await done('--by', 'cor@school.nl', '--note', 'nog eens')).toBe(0);
    expect(out[0]).toMatch(/^Unchanged: milestone work-plan was already done/);
    expect(await cli('pdca', 'status', '--year', '2026-2027')).toBe(0);
    expect(out[0]).toBe('Quality cycle 2026–2027 (due soon: within 14 days)');
    expect(out).toContain('Team havo-4 (Havo 4) — not linked to a Teams team');
    expect(out.some((l) => /^ {2}plan {3}1 done · 0 due soon/.test(l))).toBe(true);
  });

  it('exports the Check evidence of a linked team, and refuses a team that is not linked', async () => {
    await addTeam('--mentors', 'piet@school.nl');
    expect(await cli('pdca', 'evidence', '--team', 'havo-4')).toBe(1);
    expect(err.join('\n')).toBe('Error: The team havo-4 is not linked to a Teams team yet.');
    await cli('pdca', 'team', 'link', '--id', 'havo-4', '--teams-team', '19:abc@thread.tacv2');
    const file = path.join(dir, 'check.csv');
    expect(await cli('pdca', 'evidence', '--team', 'havo-4', '--format', 'csv', '--out', file)).toBe(0);
    expect(out[0]).toMatch(/^Wrote .*check\.csv \(csv, 0 students, /);
    expect(fs.readFileSync(file, 'utf8')).toContain('Onderdeel;Groep;Aantal;Aandeel');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(await cli('pdca', 'evidence', '--team', 'havo-4', '--format', 'csv', '--out', file)).toBe(1);
    expect(err.join('\n')).toContain('exists; add --force');
    fs.chmodSync(file, 0o644);
    expect(await cli('pdca', 'evidence', '--team', 'havo-4', '--format', 'csv', '--out', file, '--force')).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const link = path.join(dir, 'link.csv');
    fs.symlinkSync(path.join(dir, 'target.csv'), link);
    expect(await cli('pdca', 'evidence', '--team', 'havo-4', '--format', 'csv', '--out', link, '--force')).toBe(1);
    expect(fs.existsSync(path.join(dir, 'target.csv'))).toBe(false);
    expect(await cli('pdca', 'evidence', '--team', 'havo-4', '--period', 'previous')).toBe(0);
    expect(out.join('\n')).toContain('# Check-gegevens: Havo 4');
    expect(out.join('\n')).toContain('schooljaar');
    expect(await cli('pdca', 'evidence', '--team', 'havo-4', '--format', 'pdf')).toBe(1);
    expect(await cli('pdca', 'settings', '--remind-days', '0')).toBe(1);
    expect(await cli('pdca', 'settings', '--remind-days', '10', '--year', '2026-2027')).toBe(0);
    expect(out[0]).toBe('Reminders go out 10 days before the due date (school year 2026–2027).');
  });
});
