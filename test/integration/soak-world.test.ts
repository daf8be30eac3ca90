import { describe, expect, it } from 'vitest';
import { planWorld } from '../../bench/soak/world.ts';

// The soak's school at small sizes (`SOAK_COSMOS_MENTORS=2` used to crash: every campaign takes three
// classes of its sector, and with two mentors there was no hbo class to take).

const year = { campaigns: 6, from: '2026-08-01', until: '2027-07-31' };

describe('the soak plans a school of any size from one mentor', () => {
  for (const mentors of [1, 2, 3, 4]) {
    it(`${mentors} mentor(s): every campaign reaches classes that exist, of its own sector`, () => {
      const world = planWorld({ ...year, students: 20, mentors });
      expect(world.classes).toHaveLength(mentors);
      expect(world.campaigns).toHaveLength(6);
      const sectorOf = new Map(world.classes.map((k) => [k.name, k.sector]));
      for (const c of world.campaigns) {
        expect(c.groups.length).toBeGreaterThan(0);
        for (const g of c.groups) expect(sectorOf.has(g)).toBe(true);
        expect(new Set(c.groups.map((g) => sectorOf.get(g))).size).toBe(1);
      }
      // Each class's students are its own, as many as fit evenly.
      for (const k of world.classes) expect(k.students).toHaveLength(Math.floor(20 / mentors));
    });
  }

  it('refuses, saying why, a school without mentors or with fewer students than classes', () => {
    expect(() => planWorld({ ...year, students: 20, mentors: 0 })).toThrow(/at least one mentor/);
    expect(() => planWorld({ ...year, students: 3, mentors: 4 })).toThrow(/at least one student per mentor/);
  });
});
