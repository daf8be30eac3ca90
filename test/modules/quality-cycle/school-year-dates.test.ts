import { describe, expect, it } from 'vitest';
import { parseSchoolYear, schoolYearOf } from '../../../src/core/time/school-year.ts';

// School years: what due dates and the yearly quality cycle rest on. Calendar days and time zones are
// tested in test/core/time/zoned-time.test.ts.

describe('school years', () => {
  it('runs a school year from 1 August to 31 July', () => {
    expect(schoolYearOf('2026-08-01')).toEqual({ id: '2026-2027', start: '2026-08-01', end: '2027-07-31' });
    expect(schoolYearOf('2026-07-31').id).toBe('2025-2026');
    expect(schoolYearOf('2027-07-31').id).toBe('2026-2027');
    expect(parseSchoolYear('2026/2027')?.id).toBe('2026-2027');
    expect(parseSchoolYear('2026-2028')).toBeUndefined();
    expect(parseSchoolYear('2026')).toBeUndefined();
  });
});
