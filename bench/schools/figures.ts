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

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
const spread = (xs: number[]) => (Math.max(...xs) - Math.min(...xs)) / mean(xs);

export function schoolFigures(stats: ConnectorStats, limitPerSecond: number, studentsPerSchool: number): SchoolFigures {
  const tenants = stats.tenants;
  const start = Math.min(...tenants.map((t) => t.firstAtMs ?? Number.POSITIVE_INFINITY));
  // n prompts over the span between the first and the last: n − 1 intervals.
  const rates = tenants.map((t) => (t.unique > 1 && t.spanMs > 0 ? (t.unique - 1) / (t.spanMs / 1000) : 0));
  const shares = rates.map((r) => r / limitPerSecond);
  const firsts = tenants.map((t) => (t.firstAtMs ?? start) - start);
  const finishes = tenants.map((t) => (t.lastAtMs ?? start) - start);
  const aggregatePerSecond = stats.spanMs > 0 ? (stats.unique - 1) / (stats.spanMs / 1000) : 0;
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
