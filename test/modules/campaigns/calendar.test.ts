import { describe, expect, it } from 'vitest';
import { holidaysFor } from '../../../src/core/send-policy/calendar.ts';
import { holidayCoverage, holidayWarnings } from '../../../src/core/send-policy/holiday-coverage.ts';
import { HolidayFileError, shippedHolidays } from '../../../src/core/send-policy/load-holidays.ts';
import { quietReason } from '../../../src/core/send-policy/quiet-hours.ts';
import { parseSchoolYear, schoolYearOf } from '../../../src/core/time/school-year.ts';
import { schoolPolicy } from '../../helpers/send-policy.ts';

// The shipped school holidays and a school's own changes to them. What they hold, and the quiet hours,
// are tested in test/core/send-policy/quiet-hours.test.ts; dates and time zones in test/core/time/zoned-time.test.ts.

const holidays = shippedHolidays();
const policy = schoolPolicy;

describe('school holidays', () => {
  it('ship for 2026-2027 up to 2028-2029 in every region, each valid and in order', () => {
    for (const region of ['noord', 'midden', 'zuid'] as const) {
      const list = holidaysFor({ region, addedHolidays: [], removedHolidays: [] }, holidays);
      for (const year of ['2026-2027', '2027-2028', '2028-2029']) {
        const names = list.filter((h) => schoolYearOf(h.from).id === year).map((h) => h.name);
        expect(names, `${region} ${year}`).toEqual(
          expect.arrayContaining(['Herfstvakantie', 'Kerstvakantie', 'Voorjaarsvakantie', 'Zomervakantie']),
        );
      }
      for (const h of list) expect(h.to >= h.from, h.key).toBe(true);
    }
    // Regions differ where the ministry spreads them.
    const summer2028 = (region: 'noord' | 'midden' | 'zuid') =>
      holidaysFor({ region, addedHolidays: [], removedHolidays: [] }, holidays).find((h) => h.key.startsWith('2027-2028:zomer'))
        ?.from;
    expect([summer2028('noord'), summer2028('midden'), summer2028('zuid')]).toEqual(['2028-07-15', '2028-07-08', '2028-07-22']);
    const summer2029 = (region: 'noord' | 'midden' | 'zuid') =>
      holidaysFor({ region, addedHolidays: [], removedHolidays: [] }, holidays).find((h) => h.key.startsWith('2028-2029:zomer'));
    expect([summer2029('noord'), summer2029('midden'), summer2029('zuid')].map((h) => [h?.from, h?.to])).toEqual([
      ['2029-07-21', '2029-09-02'],
      ['2029-07-07', '2029-08-19'],
      ['2029-07-14', '2029-08-26'],
    ]);
  });

  it('say which school years they do not cover, or cover with dates not yet confirmed', () => {
    const year = (id: string) => parseSchoolYear(id)!;
    expect(holidayCoverage(year('2028-2029'), holidays)).toEqual({
      schoolYear: '2028-2029',
      status: 'published',
      provisional: [],
    });
    expect(holidayCoverage(year('2029-2030'), holidays).status).toBe('missing');
    const current = holidayCoverage(year('2026-2027'), holidays);
    expect(current.status).toBe('provisional');
    expect(current.provisional).toEqual(['Herfstvakantie', 'Voorjaarsvakantie', 'Zomervakantie']);
    // In March 2027 the current year is provisional and the coming one is published: one warning.
    expect(holidayWarnings('2027-03-15', holidays).map((w) => w.schoolYear)).toEqual(['2026-2027']);
    // In the autumn of 2028 the coming year (2029-2030) is unknown to this version.
    expect(holidayWarnings('2028-10-01', holidays)).toEqual([{ schoolYear: '2029-2030', status: 'missing', provisional: [] }]);
    // A study day the school entered does not make a year's calendar; its own summer holiday does.
    const own = (from: string, to: string) => ({ key: `own:${from}`, name: 'Eigen', from, to, regions: ['midden' as const] });
    expect(holidayWarnings('2028-10-01', holidays, [own('2029-10-03', '2029-10-03')])).toHaveLength(1);
    expect(holidayWarnings('2028-10-01', holidays, [own('2030-07-13', '2030-08-25')])).toEqual([]);
  });

  it('refuses a holiday file that is not valid, naming the problem', () => {
    expect(() => shippedHolidays('/nonexistent/holidays.yaml')).toThrow(HolidayFileError);
  });

  it('follows the school: its own days added, shipped ones it does not follow removed', () => {
    const own = {
      key: 'school:2026-11-30:studiedag',
      name: 'Studiedag',
      from: '2026-11-30',
      to: '2026-11-30',
      regions: ['noord', 'midden', 'zuid'] as const,
    };
    const p = policy('midden', { addedHolidays: [{ ...own, regions: [...own.regions] }], removedHolidays: ['2026-2027:kerst'] });
    expect(quietReason(new Date('2026-11-30T10:00:00Z'), p, 'campaign-prompt')).toBe('holiday');
    expect(quietReason(new Date('2026-12-22T10:00:00Z'), p, 'campaign-prompt')).toBeUndefined();
    // A holiday with regional dates is removed by its own key or the key of the whole holiday.
    const q = policy('zuid', { removedHolidays: ['2026-2027:voorjaar'] });
    expect(quietReason(new Date('2027-02-09T10:00:00Z'), q, 'campaign-prompt')).toBeUndefined();
    expect(quietReason(new Date('2027-02-09T10:00:00Z'), policy('zuid'), 'campaign-prompt')).toBe('holiday');
  });
});
