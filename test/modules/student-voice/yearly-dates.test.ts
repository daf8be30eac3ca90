import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/main.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { openingIn, parseScheduleDates } from '../../../src/modules/student-voice/planner.ts';
import { openVoiceRepositories } from '../../../src/modules/student-voice/repositories.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { nov, runPlan, voiceSchool } from './school.ts';

// A yearly date that exists in no year (02-30) made the planner ask for a pulse on 2027-02-30, which
// scheduling refuses: the pulse never opened and nobody was told. 02-29 was skipped the same way in
// three years out of four.

describe('yearly pulse dates', () => {
  let dir: string | undefined;
  let school: Awaited<ReturnType<typeof voiceSchool>> | undefined;
  afterEach(async () => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = undefined;
    await school?.w.stop();
    school = undefined;
  });

  it('are days that exist in some year', () => {
    expect(parseScheduleDates('02-30')).toBeUndefined();
    expect(parseScheduleDates('04-31')).toBeUndefined();
    expect(parseScheduleDates('11-15,02-29')).toEqual(['11-15', '02-29']);
  });

  it('open on 28 February when 29 February is not in that year', () => {
    expect(openingIn('2027-01-10', '02-29')).toBe('2027-02-28');
    expect(openingIn('2027-09-01', '02-29')).toBe('2028-02-29');
    expect(openingIn('2027-01-10', '02-30')).toBeUndefined();
  });

  it('pulse dates --set refuses 02-30 and keeps the dates there were', async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-voice-dates-'));
    const out: string[] = [];
    const err: string[] = [];
    const env = { DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir };
    const cli = (...args: string[]) => runCli(args, { out: (l) => out.push(l), err: (l) => err.push(l) }, env);
    expect(await cli('pulse', 'dates', '--set', '11-15,02-30', '--school', 'tenant-voice-dates', '--create')).toBe(1);
    expect(err.join('\n')).toContain('MM-DD');
    const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    try {
      await openRepositories(store);
      expect(await (await openVoiceRepositories(store)).schedules.get('tenant-voice-dates')).toBeUndefined();
    } finally {
      await store.close();
    }
  });

  it('a stored date the planner cannot open is logged, and the school’s other dates still open', async () => {
    school = await voiceSchool(2, nov(15, '12:00'));
    const { w, voice, students } = school;
    const schoolId = students[0]!.person.schoolId;
    // Stored before the dates were checked.
    await voice.repos.schedules.put({ schoolId, dates: ['02-30', '11-15'], days: 14, updatedAt: w.clock.now().toISOString() });
    const before = w.t.logLines.length;
    expect((await runPlan(w)).opened).toBe(1);
    const logged = w.t.logLines.slice(before).filter((l) => l.includes('planned pulse not opened'));
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('"monthDay":"02-30"');
    expect(logged[0]).toContain('"level":40');
  });
});
