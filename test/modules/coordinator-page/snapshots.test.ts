import { describe, expect, it } from 'vitest';
import type { CoordinatorOverview } from '../../../src/modules/coordinator-page/overview.ts';
import { Snapshots } from '../../../src/modules/coordinator-page/snapshots.ts';

// The coordinator page's snapshots: computed once for many views at once, shown as they are while
// fresh, shown stale at once and recomputed behind the scenes when older.

const at = (s: number) => new Date(Date.UTC(2027, 2, 15, 9, 0, s));
const snap = (n: number, computedAt: Date) => ({
  overview: { schoolYear: String(n) } as CoordinatorOverview,
  groupNames: new Map(),
  timeZone: 'Europe/Amsterdam',
  computedAt,
  holidays: [],
});

describe('Snapshots', () => {
  it('computes a scope once for views that arrive together, and keeps it while it is fresh', async () => {
    const s = new Snapshots(60_000);
    let computed = 0;
    const compute = async () => snap(++computed, at(0));
    const [a, b] = await Promise.all([s.get('k', at(0), compute, () => {}), s.get('k', at(0), compute, () => {})]);
    expect(computed).toBe(1);
    expect(a).toBe(b);
    expect(await s.get('k', at(59), compute, () => {})).toBe(a);
    expect(computed).toBe(1);
    await s.get('other', at(59), compute, () => {});
    expect(computed).toBe(2);
  });

  it('shows a stale snapshot at once and recomputes it in the background', async () => {
    const s = new Snapshots(60_000);
    let release!: () => void;
    const slow = new Promise<void>((r) => {
      release = r;
    });
    let n = 0;
    const first = await s.get(
      'k',
      at(0),
      async () => snap(++n, at(0)),
      () => {},
    );
    const stale = await s.get(
      'k',
      at(61),
      async () => {
        await slow;
        return snap(++n, at(61));
      },
      () => {},
    );
    expect(stale).toBe(first);
    await new Promise((r) => setTimeout(r, 10));
    release();
    await new Promise((r) => setTimeout(r, 10));
    expect(
      (
        await s.get(
          'k',
          at(62),
          async () => snap(99, at(62)),
          () => {},
        )
      ).overview.schoolYear,
    ).toBe('2');
  });

  it('reports a failed background refresh and keeps the last good snapshot', async () => {
    const s = new Snapshots(1000);
    const errors: unknown[] = [];
    const first = await s.get(
      'k',
      at(0),
      async () => snap(1, at(0)),
      () => {},
    );
    const shown = await s.get(
      'k',
      at(5),
      () => Promise.reject(new Error('store down')),
      (e) => errors.push(e),
    );
    await new Promise((r) => setTimeout(r, 10));
    expect(shown).toBe(first);
    expect(errors).toHaveLength(1);
    await expect(
      new Snapshots(1000).get(
        'k',
        at(0),
        () => Promise.reject(new Error('x')),
        () => {},
      ),
    ).rejects.toThrow('x');
  });
});
