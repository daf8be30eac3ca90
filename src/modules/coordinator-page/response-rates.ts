import type { Aggregate } from '../../core/aggregates.ts';
import { localDate } from '../../core/time/zoned-time.ts';
import type { Delivery } from '../campaigns/campaigns.ts';
import { countSent } from '../campaigns/evidence.ts';
import type { EvidencePeriod } from '../quality-cycle/check-evidence.ts';
import type { Counted, RawSeries } from './figures.ts';

// Response over time on the coordinator page: prompts first sent in the period, bucketed per month and
// per key (a group, a kind of activity), counted by the Check evidence's rule (countSent). The small-group
// rule is applied afterwards, for the whole page at once (figures.ts).

export interface RatePoint {
  sent: number;
  answered: number;
  rate: number;
}

export interface RateSeries {
  key: string;
  /** One per month of `months`; undefined where nothing was sent. */
  points: (Aggregate<RatePoint> | undefined)[];
  total: Aggregate<RatePoint> | undefined;
}

/** The months of the period, `yyyy-mm`, first to last. */
export function monthsOf(period: EvidencePeriod): string[] {
  const out: string[] = [];
  let [y, m] = period.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = period.to.slice(0, 7);
  for (;;) {
    const key = `${y}-${String(m).padStart(2, '0')}`;
    out.push(key);
    if (key >= last) return out;
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

/** Response per month for keyed buckets of sent prompts, before the small-group rule. */
export function rateSeries(
  keys: readonly string[],
  months: readonly string[],
  rows: readonly { key: string; month: string; d: Delivery }[],
): { series: RawSeries<RatePoint>[]; total: RawSeries<RatePoint> } {
  const buckets = new Map<string, Delivery[]>();
  const put = (k: string, d: Delivery) => {
    const list = buckets.get(k);
    if (list) list.push(d);
    else buckets.set(k, [d]);
  };
  for (const r of rows) {
    put(`${r.key}|${r.month}`, r.d);
    put(`${r.key}|`, r.d);
    put(`|${r.month}`, r.d);
    put('|', r.d);
  }
  const counted = (key: string, month: string): Counted<RatePoint> | undefined => {
    const sent = buckets.get(`${key}|${month}`);
    if (!sent?.length) return undefined;
    const c = countSent(sent);
    return {
      respondents: c.studentsPrompted,
      value: { sent: c.promptsSent, answered: c.answered, rate: c.answered / c.promptsSent },
    };
  };
  const series = (key: string, bucket: string) => ({
    key,
    points: months.map((m) => counted(bucket, m)),
    total: counted(bucket, ''),
  });
  return { series: keys.map((key) => series(key, key)), total: series('total', '') };
}

/** The month (`yyyy-mm`, in the school's time zone) a prompt was first sent in. */
export function sentMonth(timeZone: string): (d: Delivery) => string {
  // Thousands of prompts share a send moment; formatting a time zone is not cheap.
  const months = new Map<string, string>();
  return (d) => {
    const known = months.get(d.sentAt!);
    if (known !== undefined) return known;
    const m = localDate(new Date(d.sentAt!), timeZone).slice(0, 7);
    months.set(d.sentAt!, m);
    return m;
  };
}
