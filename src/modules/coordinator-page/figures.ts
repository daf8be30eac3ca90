import { type Aggregate, type Figure, type FigureSum, suppressFigures } from '../../core/aggregates.ts';

// The page's counts as one set of figures, so that the small-group rule (aggregates.ts) sees everything a
// viewer sees together: each campaign row, response per group and per kind of activity per month, their
// year totals and the month and year totals beside them. The exports render the same overview, so they
// hide the same figures. One call decides what is hidden; the callers only read the answer.

export interface Counted<T> {
  /** Distinct students the counts are about. */
  respondents: number;
  value: T;
}

export interface RawSeries<T> {
  key: string;
  points: (Counted<T> | undefined)[];
  total: Counted<T> | undefined;
}

export interface PageFigures<C, T> {
  /** Campaign rows; `fixed` when the row must agree with a figure decided elsewhere (the status card). */
  campaigns: { key: string; activityType: string; counted: Counted<C>; fixed?: 'shown' | 'hidden' }[];
  byGroup: RawSeries<T>[];
  byActivity: RawSeries<T>[];
  total: RawSeries<T>;
}

const hiddenFigure = { hidden: true, reason: 'too-few-respondents' } as const;

export function suppressPage<C, T>(
  input: PageFigures<C, T>,
): {
  campaigns: Aggregate<C>[];
  byGroup: { key: string; points: (Aggregate<T> | undefined)[]; total: Aggregate<T> | undefined }[];
  byActivity: { key: string; points: (Aggregate<T> | undefined)[]; total: Aggregate<T> | undefined }[];
  total: { key: string; points: (Aggregate<T> | undefined)[]; total: Aggregate<T> | undefined };
} {
  const figures: Figure<string>[] = [];
  const sums: FigureSum<string>[] = [];
  const months = input.total.points.length;
  const at = (prefix: string, s: RawSeries<T>, m: number | 'year') => `${prefix}:${s.key}:${m}`;
  const addSeries = (prefix: string, s: RawSeries<T>) => {
    s.points.forEach((p, m) => {
      figures.push({ key: at(prefix, s, m), respondents: p?.respondents ?? 0 });
    });
    figures.push({ key: at(prefix, s, 'year'), respondents: s.total?.respondents ?? 0 });
    sums.push({ total: at(prefix, s, 'year'), parts: s.points.map((_, m) => at(prefix, s, m)) });
  };
  addSeries('total', input.total);
  for (const [prefix, list] of [
    ['group', input.byGroup],
    ['type', input.byActivity],
  ] as const) {
    for (const s of list) addSeries(prefix, s);
    for (let m = 0; m < months; m++) sums.push({ total: at('total', input.total, m), parts: list.map((s) => at(prefix, s, m)) });
    sums.push({ total: at('total', input.total, 'year'), parts: list.map((s) => at(prefix, s, 'year')) });
  }
  // A campaign's counts add up, with the other campaigns of its kind, to that kind's figures: the ledger
  // counts a campaign over its whole run, the series over the school year, so this is exact whenever the
  // campaigns lie within the year, and only hides more when they do not.
  for (const c of input.campaigns)
    figures.push({ key: `campaign:${c.key}`, respondents: c.counted.respondents, ...(c.fixed ? { fixed: c.fixed } : {}) });
  for (const s of input.byActivity) {
    const parts = input.campaigns.filter((c) => c.activityType === s.key).map((c) => `campaign:${c.key}`);
    if (parts.length) sums.push({ total: at('type', s, 'year'), parts });
  }
  const hidden = suppressFigures(figures, sums);
  const show = <V>(key: string, c: Counted<V> | undefined): Aggregate<V> | undefined =>
    c === undefined ? undefined : hidden.has(key) ? hiddenFigure : { hidden: false, respondents: c.respondents, value: c.value };
  const series = (prefix: string, s: RawSeries<T>) => ({
    key: s.key,
    points: s.points.map((p, m) => show(at(prefix, s, m), p)),
    total: show(at(prefix, s, 'year'), s.total),
  });
  return {
    campaigns: input.campaigns.map((c) => show(`campaign:${c.key}`, c.counted)!),
    byGroup: input.byGroup.map((s) => series('group', s)),
    byActivity: input.byActivity.map((s) => series('type', s)),
    total: series('total', input.total),
  };
}
