import type { ConnectorStats } from '../campaigns/harness.ts';

// The schools bench's figures from what the connectors counted per tenant: the aggregate rate against
// the summed limits, each school's rate against its own limit while it was sending, and how far the
// schools lie apart (fairness: (max − min)/mean, of the rates and of the finish times).

export interface SchoolFigures {
  aggregatePerSecond: number;
  shareOfSummedLimits: number;
  /** Per school (tenant order): its rate while sending, as a share of its own limit. */
  shares: number[];
  shareMin: number;
  shareMean: number;
  shareMax: number;
  rateSpread: number;
  /** Per school, ms from the first prompt of any school: its first and its last prompt. */
  firsts: number[];
  finishes: number[];
  firstMin: number;
  firstMax: number;
  finishMin: number;
  finishMax: number;
  finishSpread: number;
  lost: number;
}

/**
 * Prompts per second over the whole seconds from the first prompt: the prompts of [first, first + T)
 * over T, T the span in whole seconds. A sender at the limit sends a window's prompts together, so the
 * plain (n − 1)/span counts the last window's burst without its second and reads high on short runs.
 */
export function rateOf(times: readonly number[]): number {
  if (times.length < 2) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  const first = sorted[0]!;
  const span = sorted[sorted.length - 1]! - first;
  const whole = Math.floor(span / 1000);
  if (whole < 1) return span > 0 ? (sorted.length - 1) / (span / 1000) : 0;
  return sorted.filter((t) => t < first + whole * 1000).length / whole;
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / mean(xs);

export function schoolFigures(stats: ConnectorStats, limitPerSecond: number, studentsPerSchool: number): SchoolFigures {
  const tenants = stats.tenants;
  const start = Math.min(...tenants.map((t) => t.firstAtMs ?? Number.POSITIVE_INFINITY));
  // n prompts over the span between the first and the last: n − 1 intervals.
  const rates = tenants.map((t) => rateOf(t.times));
  const shares = rates.map((r) => r / limitPerSecond);
  const firsts = tenants.map((t) => (t.firstAtMs ?? start) - start);
  const finishes = tenants.map((t) => (t.lastAtMs ?? start) - start);
  const aggregatePerSecond = rateOf(tenants.flatMap((t) => t.times));
  return {
    aggregatePerSecond,
    shareOfSummedLimits: aggregatePerSecond / (limitPerSecond * tenants.length),
    shares,
    shareMin: Math.min(...shares),
    shareMean: mean(shares),
    shareMax: Math.max(...shares),
    rateSpread: spread(rates),
    firsts,
    finishes,
    firstMin: Math.min(...firsts),
    firstMax: Math.max(...firsts),
    finishMin: Math.min(...finishes),
    finishMax: Math.max(...finishes),
    finishSpread: spread(finishes),
    lost: studentsPerSchool * tenants.length - stats.unique,
  };
}
