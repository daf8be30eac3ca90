import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/run.ts';

// The year-in-a-day soak (`npm run soak`, bench/README.md) in small: 50 students and five mentors from
// 1 August into October (the summer holiday, the first campaigns, a kill, a connector storm, a full disk,
// a leaver erased on time), and from June over the rollover on 1 August, so the soak's code runs with
// every `npm test` and cannot rot.

describe('soak (small)', () => {
  it('a summer and the first weeks of school: nothing lost, nothing out of hours, everything on time', async () => {
    const f = await runSoak({
      backend: 'sqlite',
      students: 50,
      mentors: 5,
      campaigns: 6,
      from: '2026-08-01',
      until: '2026-10-15',
      stepMinutes: 60,
      rps: 50,
    });
    expect(f.violations).toEqual([]);
    expect(f.prompts).toBeGreaterThan(50);
    expect(f.answers).toBeGreaterThan(20);
    expect(f.digests).toBeGreaterThan(0);
    expect(f.milestones).toBeGreaterThan(0);
    expect(f.erasures).toBeGreaterThan(0);
    expect(f.faults.kills.length).toBeGreaterThan(0);
    expect(f.faults.diskFullRefusals).toBeGreaterThan(0);
    expect(f.faults.injected429 + f.faults.injected5xx).toBeGreaterThan(0);
  }, 600_000);

  it('the last weeks of a school year and 1 August: last year on its page, the new year from its promoted classes', async () => {
    const f = await runSoak({
      backend: 'sqlite',
      students: 20,
      mentors: 4,
      campaigns: 2,
      from: '2027-06-01',
      until: '2027-07-31',
      stepMinutes: 120,
      rps: 50,
    });
    expect(f.violations).toEqual([]);
    expect(f.pageMismatches).toBe(0);
    expect(f.rollover?.schoolYear).toBe('2027-2028');
    expect(f.rollover?.classes.map((k) => k.name)).toEqual(['VO1-2027', 'MBO2-2027', 'HBO3-2027', 'VO4-2027']);
    expect(
      f.rollover?.groups
        .filter((g) => g.students > 0)
        .map((g) => g.name)
        .sort(),
    ).toEqual(['HBO3-2027', 'MBO2-2027', 'VO1-2027', 'VO4-2027']);
  }, 600_000);
});
