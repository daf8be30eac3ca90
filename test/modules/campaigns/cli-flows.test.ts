import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { tenantId } from '../../helpers/activities.ts';
import { type Cli, cliOn } from '../../helpers/cli.ts';

// Which flow a campaign made on the command line gets: the same rules as the bot's campaign form
// (the school's sector) and the same prompt library (the shipped prompts plus the school's own folder).

let dir: string;
let clock: ManualClock;

function write(name: string, content: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, content);
  return file;
}

async function prepare(cli: Cli): Promise<void> {
  const students = 'Roepnaam;Achternaam;E-mailadres;Klas\nSanne;Vries;sanne@school.nl;4H\nDaan;Smit;daan@school.nl;4H\n';
  expect(await cli.run('import', 'students', write('s.csv', students), '--school', tenantId, '--create')).toBe(0);
  const activities = 'Kenmerk;Soort;Datum;Starttijd;Eindtijd;Klas\nMLD-1;Meeloopdag;25-11-2026;09:00;13:59;4H\n';
  expect(await cli.run('import', 'activities', write('a.csv', activities))).toBe(0);
}

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-cli-flows-'));
  clock = new ManualClock('2026-11-25T13:00:00Z');
});
afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('the flow of a campaign created on the command line', () => {
  it('is the flow of the school’s sector when --flow is not given, as in the Teams form', async () => {
    const cli = cliOn(dir, { clock });
    await prepare(cli);
    expect(await cli.run('sector', 'set', 'vo')).toBe(0);
    expect(await cli.run('campaign', 'create', '--name', 'Meeloopdag 4H', '--type', 'shadow-day', '--group', '4H')).toBe(0);
    expect(cli.out[0]).toMatch(/ created: Meeloopdag 4H \(flow shadow-day-vo; /);

    expect(await cli.run('sector', 'set', 'mbo')).toBe(0);
    expect(await cli.run('campaign', 'create', '--name', 'Meeloopdag mbo', '--type', 'shadow-day', '--group', '4H')).toBe(0);
    expect(cli.out[0]).toMatch(/ created: Meeloopdag mbo \(flow shadow-day-mbo; /);
  });

  it('may be a flow from the school’s own folder (SCHOOL_FLOWS_DIR), as in the bot', async () => {
    const own = path.join(dir, 'flows');
    fs.mkdirSync(own);
    const shipped = fs.readFileSync(path.join(import.meta.dirname, '../../../prompts/shadow-day-vo.yaml'), 'utf8');
    fs.writeFileSync(path.join(own, 'our-shadow-day.yaml'), shipped.replace('id: shadow-day-vo', 'id: shadow-day-ours'));
    const cli = cliOn(dir, { clock, env: { SCHOOL_FLOWS_DIR: own } });
    await prepare(cli);
    expect(
      await cli.run(
        'campaign',
        'create',
        '--name',
        'Eigen',
        '--type',
        'shadow-day',
        '--group',
        '4H',
        '--flow',
        'shadow-day-ours',
      ),
    ).toBe(0);
    expect(cli.err).toEqual([]);
    expect(cli.out[0]).toMatch(/ created: Eigen \(flow shadow-day-ours; /);
  });

  it('of a trialoog campaign (--trialoog) is the sector’s mid-internship flow, prompted halfway through the BPV', async () => {
    const cli = cliOn(dir, { clock });
    await prepare(cli);
    const bpv = 'Kenmerk;Soort;Startdatum;Einddatum;Klas\nBPV-2;BPV;16-11-2026;04-12-2026;4H\n';
    expect(await cli.run('import', 'activities', write('bpv.csv', bpv))).toBe(0);
    expect(await cli.run('sector', 'set', 'mbo')).toBe(0);
    expect(
      await cli.run('campaign', 'create', '--name', 'Trialoog 4H', '--type', 'internship', '--group', '4H', '--trialoog'),
    ).toBe(0);
    expect(cli.err).toEqual([]);
    expect(cli.out[0]).toMatch(
      / created: Trialoog 4H \(flow internship-midway-mbo; halfway through at 10:00, .*trialoog: each student asks their internship supervisor about a reflection\)/,
    );
    // Halfway from Monday 16 November to Friday 4 December is Wednesday 25 November, 10:00: due now.
    expect(cli.out[1]).toBe('Planned now: 2 prompt(s) in 1 moment(s). The running bot sends them at the next allowed time.');
    expect(
      await cli.run('campaign', 'create', '--name', 'Fout', '--type', 'internship', '--group', '4H', '--midway', 'morgen'),
    ).toBe(1);
  });
});
