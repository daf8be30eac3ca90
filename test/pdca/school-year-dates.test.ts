import { describe, expect, it } from 'vitest';
import {
  addDays,
  daysBetween,
  isLocalDate,
  parseSchoolYear,
  schoolYearOf,
  shiftYears,
  startOfDay,
  wallClock,
} from '../../src/domain/school-year.ts';

// School years and calendar days in the school's time zone: what due dates and reminder days rest on.

describe('school years and local dates', () => {
  it('runs a school year from 1 August to 31 July', () => {
    expect(schoolYearOf('2026-08-01')).toEqual({ id: '2026-2027', start: '2026-08-01', end: '2027-07-31' });
    expect(schoolYearOf('2026-07-31').id).toBe('2025-2026');
    expect(parseSchoolYear('2026/2027')?.id).toBe('2026-2027');
    expect(parseSchoolYear('2026-2028')).toBeUndefined();
    expect(parseSchoolYear('2026')).toBeUndefined();
  });

  it('knows real calendar days only, and moves by days and years', () => {
    expect(isLocalDate('2028-02-29')).toBe(true);
    expect(isLocalDate('2027-02-29')).toBe(false);
    expect(isLocalDate('2027-13-01')).toBe(false);
    expect(isLocalDate('27-01-01')).toBe(false);
    expect(isLocalDate(20270101)).toBe(false);
    expect(addDays('2026-12-25', 10)).toBe('2027-01-04');
    expect(daysBetween('2026-09-30', '2026-10-07')).toBe(7);
    expect(shiftYears('2028-02-29', 1)).toBe('2029-02-28');
    expect(shiftYears('2026-08-31', 1)).toBe('2027-08-31');
  });

  it('starts a day at local midnight, also on the days the clocks change', () => {
    const tz = 'Europe/Amsterdam';
    expect(startOfDay('2027-03-28', tz).toISOString()).toBe('2027-03-27T23:00:00.000Z'); // CET until 02:00
    expect(startOfDay('2027-03-29', tz).toISOString()).toBe('2027-03-28T22:00:00.000Z'); // CEST
    expect(startOfDay('2026-10-25', tz).toISOString()).toBe('2026-10-24T22:00:00.000Z');
    expect(startOfDay('2026-10-26', tz).toISOString()).toBe('2026-10-25T23:00:00.000Z');
    expect(wallClock(new Date('2026-11-29T23:30:00Z'), tz)).toEqual({ date: '2026-11-30', hour: 0, minute: 30, weekday: 1 });
    expect(wallClock(new Date('2026-11-29T23:30:00Z'), 'America/Curacao').date).toBe('2026-11-29');
  });
});
