import { isDate, isTime, zonedInstant } from '../core/time/zoned-time.ts';

// Dates and times as schools' exports write them: 2026-11-25, 25-11-2026, 25/11/2026, 25.11.2026,
// optionally followed by a time (9:00, 09:00, 16.30), or ISO 8601 with an offset. Read in the school's
// time zone.

function normalDate(text: string): string | undefined {
  const iso = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(text);
  const dutch = /^(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})$/.exec(text);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : dutch ? [dutch[3], dutch[2], dutch[1]] : [];
  if (!y || !m || !d) return undefined;
  const date = `${y}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  return isDate(date) ? date : undefined;
}

export function normalTime(text: string): string | undefined {
  const m = /^(\d{1,2})[:.](\d{2})(?::\d{2})?$/.exec(text.trim());
  if (!m) return undefined;
  const time = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  return isTime(time) ? time : undefined;
}

/** A moment from a date cell (with or without a time) and an optional separate time cell; undefined when unreadable. */
export function parseMoment(
  dateCell: string,
  timeCell: string | undefined,
  defaultTime: string,
  timeZone: string,
): string | undefined {
  const text = dateCell.trim();
  const iso = /^(\d{4}-\d{2}-\d{2})T(\d{2}:\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.exec(text);
  if (iso) {
    // Date.parse rolls 2026-02-30 over to 2 March and T24:00 to the next day: the parts must exist as written.
    if (!isDate(iso[1]) || !isTime(iso[2]!) || Number(iso[3] ?? 0) > 59) return undefined;
    const ms = Date.parse(text);
    return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
  }
  const [datePart = '', timePart, ...rest] = text.split(/[\sT]+/);
  if (rest.length) return undefined;
  const date = normalDate(datePart);
  const time = timePart ? normalTime(timePart) : timeCell?.trim() ? normalTime(timeCell) : defaultTime;
  if (!date || !time) return undefined;
  return zonedInstant(date, time, timeZone).toISOString();
}
