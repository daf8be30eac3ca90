import { describe, expect, it } from 'vitest';
import { type Figure, type FigureSum, suppressFigures } from '../../src/core/aggregates.ts';
import { subtract } from '../helpers/subtraction-attack.ts';

// A table of counts (rows × months) with row totals, month totals and a grand total, as the coordinator
// page shows response over time. Values are the counts; respondents the students behind each.
function table(rows: Record<string, { students: number; counts: number[] }[]>) {
  const names = Object.keys(rows);
  const months = rows[names[0]!]!.length;
  const figures: Figure<string>[] = [];
  const values = new Map<string, number>();
  const sums: FigureSum<string>[] = [];
  const put = (key: string, students: number, count: number) => {
    figures.push({ key, respondents: students });
    values.set(key, count);
  };
  for (const r of names) {
    for (const [m, c] of rows[r]!.entries()) put(`${r}:${m}`, c.students, c.counts[0]!);
    put(
      `${r}:year`,
      Math.max(...rows[r]!.map((c) => c.students)),
      rows[r]!.reduce((n, c) => n + c.counts[0]!, 0),
    );
    sums.push({ total: `${r}:year`, parts: rows[r]!.map((_, m) => `${r}:${m}`) });
  }
  for (let m = 0; m < months; m++) {
    const students = names.reduce((n, r) => n + rows[r]![m]!.students, 0);
    put(
      `total:${m}`,
      students,
      names.reduce((n, r) => n + rows[r]![m]!.counts[0]!, 0),
    );
    sums.push({ total: `total:${m}`, parts: names.map((r) => `${r}:${m}`) });
  }
  put(
    'total:year',
    1000,
    [...values].filter(([k]) => k.endsWith(':year')).reduce((n, [, v]) => n + v, 0),
  );
  sums.push({ total: 'total:year', parts: names.map((r) => `${r}:year`) });
  sums.push({ total: 'total:year', parts: Array.from({ length: months }, (_, m) => `total:${m}`) });
  return { figures, values, sums };
}

function attack(t: ReturnType<typeof table>, hidden: ReadonlySet<string>) {
  const shown = new Map([...t.values].filter(([k]) => !hidden.has(k)));
  return subtract(shown, t.sums);
}

const cell = (students: number, count: number) => ({ students, counts: [count] });

describe('suppressFigures', () => {
  it('hides every figure about 1 to 4 students, and none of the figures of big groups when nothing is small', () => {
    const t = table({
      '4A': [cell(25, 20), cell(25, 18), cell(25, 22)],
      '4B': [cell(28, 21), cell(27, 19), cell(28, 25)],
    });
    expect(suppressFigures(t.figures, t.sums)).toEqual(new Set());
    const one = suppressFigures([{ key: 'c', respondents: 3 }], []);
    expect(one).toEqual(new Set(['c']));
    expect(suppressFigures([{ key: 'none', respondents: 0 }], [])).toEqual(new Set());
  });

  it('a month of 3 students in a big class cannot be recovered from the year total minus the shown months', () => {
    const t = table({
      '4A': [cell(25, 20), cell(3, 2), cell(25, 22)],
      '4B': [cell(28, 21), cell(27, 19), cell(28, 25)],
    });
    // Without complementary suppression the attack works: that is what the page did.
    expect(attack(t, new Set(['4A:1'])).get('4A:1')).toBe(2);
    const hidden = suppressFigures(t.figures, t.sums);
    expect(hidden.has('4A:1')).toBe(true);
    expect(attack(t, hidden).has('4A:1')).toBe(false);
    // The figures hidden only to protect it are about big groups: they may follow, that one may not.
    expect(hidden.size).toBeGreaterThan(1);
  });

  it('a one-student row cannot be recovered from a month total minus the other row’s year total', () => {
    // Two kinds of activity: one campaign to a one-student class (October only), the rest in October too.
    const t = table({
      internship: [cell(0, 0), cell(1, 1), cell(0, 0)],
      openDay: [cell(0, 0), cell(30, 24), cell(0, 0)],
    });
    expect(attack(t, new Set(['internship:1', 'internship:year'])).get('internship:1')).toBe(1);
    const hidden = suppressFigures(t.figures, t.sums);
    const got = attack(t, hidden);
    expect(got.has('internship:1')).toBe(false);
    expect(got.has('internship:year')).toBe(false);
  });

  it('fixed figures stay as decided and the rest makes up for them', () => {
    const figures: Figure<string>[] = [
      { key: 'year', respondents: 30, fixed: 'shown' },
      { key: 'h1', respondents: 3 },
      { key: 'h2', respondents: 29 },
    ];
    const sums = [{ total: 'year', parts: ['h1', 'h2'] }];
    expect(suppressFigures(figures, sums)).toEqual(new Set(['h1', 'h2']));
  });
});
