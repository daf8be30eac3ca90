import { describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak/run.ts';

// The year-in-a-day soak (`npm run soak`, bench/README.md) in small: 50 students and five mentors from
// 1 August into October (the summer holiday, the first campaigns, a kill, a connector storm, a full disk,
// a leaver erased on time), so the soak's code runs with every `npm test` and cannot rot.

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
});
