import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import { ensureSchool } from '../../../src/core/install.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { personalDataJson } from '../../../src/modules/privacy/personal-data-export.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { cliOn } from '../../helpers/cli.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';
import { answer, nov, runSend, voiceSchool } from './school.ts';

// `pulse schedule | show | dates` on a store file, and the student's erasure: their marks go, the
// anonymous counts stay as they were.

const school = 'tenant-voice-cli';

describe('student pulse: the command line', () => {
  let dir: string | undefined;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  it('schedules, shows and sets the yearly dates, refusing bad input with the reason', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-voice-cli-'));
    const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    const clock = new ManualClock(nov(10, '10:00'));
    const install = {
      repos: await openRepositories(store),
      clock,
      newId: () => crypto.randomUUID(),
      defaults: { locale: 'nl' as const, timeZone: 'Europe/Amsterdam' },
    };
    await ensureSchool(install, school);
    for (const n of [1, 2, 3]) await ensurePersonByEmail(install, school, `student${n}@school.nl`, 'student');
    await ensurePersonByEmail(install, school, 'cor@school.nl', 'coordinator');
    await store.close();
    const cli = cliOn(dir, { clock });

    expect(await cli.run('pulse', 'schedule', '--opens', '2026-11-16', '--school', school)).toBe(0);
    expect(cli.out.join('\n')).toMatch(/for the whole school: open 2026-11-16 to 2026-11-29, 3 student\(s\) invited\./);
    for (const [args, message] of [
      [['--opens', '2026-13-01'], '--opens must be a date'],
      [['--opens', '2026-10-01', '--days', '14'], 'must not have closed already'],
      [['--opens', '2026-11-16', '--days', '0'], '--days must be a whole number'],
      [['--opens', '2026-11-16', '--days', '1e3'], '--days must be a whole number'],
      [['--opens', '2026-11-16', '--team', 'nope'], 'no education team with that id'],
    ] as const) {
      expect(await cli.run('pulse', 'schedule', ...args, '--school', school)).not.toBe(0);
      expect(cli.err.join('\n')).toContain(message);
    }
    expect(await cli.run('pulse', 'dates', '--set', '10-01,99-99', '--school', school)).not.toBe(0);
    expect(cli.err.join('\n')).toContain('--set takes one to four days');
    expect(await cli.run('pulse', 'dates', '--set', '10-01,03-01', '--days', '10', '--school', school)).toBe(0);
    expect(await cli.run('pulse', 'show', '--school', school)).toBe(0);
    expect(cli.out[0]).toBe('Planned yearly on 10-01, 03-01 for 10 day(s).');
    expect(cli.out.join('\n')).toMatch(/whole school {2}2026-11-16\.\.2026-11-29 {2}upcoming {2}invited 3/);
    clock.set(nov(30, '10:00'));
    expect(await cli.run('pulse', 'show', '--school', school)).toBe(0);
    expect(cli.out.join('\n')).toContain('closed');
    expect(cli.out.join('\n')).toContain('fewer than 5 answers: no figures');
    expect(await cli.run('pulse', 'dates', '--off', '--school', school)).toBe(0);
    expect(cli.out).toEqual(['No yearly student pulses.']);
  });
});

describe('student pulse: erasure', () => {
  let s: Awaited<ReturnType<typeof voiceSchool>> | undefined;
  afterEach(async () => {
    await s?.w.stop();
    s = undefined;
  });

  it('takes the student’s marks and leaves the anonymous counts as they were', async () => {
    s = await voiceSchool(2, nov(16, '10:00'));
    const { w, voice, students } = s;
    const scheduled = await voice.pulses.schedule({ schoolId: tenantId, opensOn: '2026-11-16', origin: 'cli' });
    if (!scheduled.ok) throw new Error('not scheduled');
    await runSend(w);
    const [sanne] = students;
    await w.act(sanne!.user, 'student-voice.answer', { pulseId: scheduled.pulse.id, ...answer, remark: 'Fijne mentor.' });
    expect(await voice.repos.marks.listByStudent(sanne!.person.id)).toHaveLength(1);
    // The AVG export names the pulse and that she answered, never what.
    const data = (await w.t.bot.deps.modules.privacy.service.export(tenantId, sanne!.person.id))!;
    const json = JSON.parse(personalDataJson(data, w.clock.now().toISOString()));
    expect(json.studentPulses).toEqual([{ pulseId: scheduled.pulse.id, state: 'answered' }]);
    expect(JSON.stringify(json)).not.toContain('Fijne mentor.');
    const outcome = await w.t.bot.deps.modules.privacy.service.erase(tenantId, sanne!.person.id, 'student');
    expect(outcome.kind).toBe('erased');
    expect(await voice.repos.marks.listByStudent(sanne!.person.id)).toEqual([]);
    expect((await docsMentioning(w.t.store, [sanne!.person.id])).filter((d) => d.startsWith('voice_'))).toEqual([]);
    const tally = await voice.repos.tallies.get(tenantId, scheduled.pulse.id);
    expect(tally).toMatchObject({ respondents: 1, remarks: ['Fijne mentor.'] });
  });
});
