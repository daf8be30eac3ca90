import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  isDate,
  localDate,
  localTime,
  shiftYears,
  startOfDay,
  weekdayOf,
  zonedInstant,
} from '../../../src/core/time/zoned-time.ts';

// Calendar days and wall-clock time in the school's time zone: what schedules, due dates, pauses and
// quiet hours rest on.

const ams = 'Europe/Amsterdam';
const iso = (d: Date | undefined) => d?.toISOString();

describe('calendar days', () => {
  it('knows real calendar days only, and moves by days and years', () => {
    expect(isDate('2028-02-29')).toBe(true);
    expect(isDate('2027-02-29')).toBe(false);
    expect(isDate('2027-13-01')).toBe(false);
    expect(isDate('27-01-01')).toBe(false);
    expect(isDate(20270101)).toBe(false);
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04');
    expect(daysBetween('2026-09-30', '2026-10-07')).toBe(7);
    expect(shiftYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(shiftYears('2026-08-31', 1)).toBe('2027-08-31');
  });

  it('counts days and weekdays', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(weekdayOf('2026-11-27')).toBe(5);
  });
});

describe('wall-clock time in the school’s time zone', () => {
  it('converts local times to instants across daylight-saving changes', () => {
    expect(iso(zonedInstant('2026-11-25', '16:00', ams))).toBe('2026-11-25T15:00:00.000Z');
    expect(iso(zonedInstant('2027-06-01', '16:00', ams))).toBe('2027-06-01T14:00:00.000Z');
    expect(iso(zonedInstant('2026-11-06', '15:00', ams))).toBe('2026-11-06T14:00:00.000Z'); // winter, UTC+1
    expect(iso(zonedInstant('2026-06-05', '15:00', ams))).toBe('2026-06-05T13:00:00.000Z'); // summer, UTC+2
    // 28 March 2027: 02:00 → 03:00. A time in the gap moves forward; the day before and after are exact.
    expect(iso(zonedInstant('2027-03-27', '09:00', ams))).toBe('2027-03-27T08:00:00.000Z');
    expect(iso(zonedInstant('2027-03-28', '02:30', ams))).toBe('2027-03-28T01:30:00.000Z');
    expect(iso(zonedInstant('2027-03-28', '09:00', ams))).toBe('2027-03-28T07:00:00.000Z');
    expect(localTime(new Date('2026-10-25T00:30:00Z'), ams)).toMatchObject({ date: '2026-10-25', time: '02:30', weekday: 7 });
  });

  it('starts a day at local midnight, also on the days the clocks change', () => {
    expect(startOfDay('2027-03-28', ams).toISOString()).toBe('2027-03-27T23:00:00.000Z'); // CET until 02:00
    expect(startOfDay('2027-03-29', ams).toISOString()).toBe('2027-03-28T22:00:00.000Z'); // CEST
    expect(startOfDay('2026-10-25', ams).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfDay('2026-10-26', ams).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(localTime(new Date('2026-11-29T23:30:00Z'), ams)).toEqual({
      date: '2026-11-30',
      time: '00:30',
      minutes: 30,
      weekday: 1,
    });
    expect(localDate(new Date('2026-11-29T23:30:00Z'), 'America/Curacao')).toBe('2026-11-29');
  });

  it('reads the same wall clock as Intl for every quarter hour around both changes of 2027', () => {
    const intl = new Intl.DateTimeFormat('en-CA', { timeZone: ams, hourCycle: 'h23', dateStyle: 'short', timeStyle: 'short' });
    for (const day of ['2027-03-28', '2027-10-31']) {
      const from = Date.parse(`${day}T00:00:00Z`) - 6 * 3_600_000;
      for (let t = from; t < from + 12 * 3_600_000; t += 7 * 60_000) {
        const l = localTime(new Date(t), ams);
        expect(`${l.date}, ${l.time}`, new Date(t).toISOString()).toBe(intl.format(new Date(t)));
      }
    }
  });
});
