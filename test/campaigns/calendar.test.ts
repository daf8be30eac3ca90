import { describe, expect, it } from 'vitest';
import { HolidayFileError, shippedHolidays } from '../../src/calendar/load-holidays.ts';
import { defaultQuietHours, holidaysFor, nextAllowed, quietReason, schoolYearOf, sendPolicy } from '../../src/domain/calendar.ts';
import { addDays, localTime, weekdayOf, zonedInstant } from '../../src/domain/zoned-time.ts';

const ams = 'Europe/Amsterdam';
const holidays = shippedHolidays();
const policy = (region?: 'noord' | 'midden' | 'zuid', extra: Partial<Parameters<typeof sendPolicy>[0] & object> = {}) =>
  sendPolicy(
    { ...(region ? { region } : {}), quietHours: defaultQuietHours, addedHolidays: [], removedHolidays: [], ...extra },
    ams,
    holidays,
  );
const iso = (d: Date | undefined) => d?.toISOString();

describe('wall-clock time in the school’s time zone', () => {
  it('converts local times to instants across daylight-saving changes', () => {
    expect(iso(zonedInstant('2026-11-25', '16:00', ams))).toBe('2026-11-25T15:00:00.000Z');
    expect(iso(zonedInstant('2027-06-01', '16:00', ams))).toBe('2027-06-01T14:00:00.000Z');
    // 28 March 2027: 02:00 → 03:00. A time in the gap moves forward; the day before and after are exact.
    expect(iso(zonedInstant('2027-03-27', '09:00', ams))).toBe('2027-03-27T08:00:00.000Z');
    expect(iso(zonedInstant('2027-03-28', '02:30', ams))).toBe('2027-03-28T01:30:00.000Z');
    expect(iso(zonedInstant('2027-03-28', '09:00', ams))).toBe('2027-03-28T07:00:00.000Z');
    expect(localTime(new Date('2026-10-25T00:30:00Z'), ams)).toMatchObject({ date: '2026-10-25', time: '02:30', weekday: 7 });
  });

  it('counts days and weekdays', () => {
    expect(addDays('2026-12-31', 1)).toBe('2027-01-01');
    expect(addDays('2028-03-01', -1)).toBe('2028-02-29');
    expect(weekdayOf('2026-11-27')).toBe(5);
    expect(schoolYearOf('2026-08-01')).toBe('2026-2027');
    expect(schoolYearOf('2027-07-31')).toBe('2026-2027');
  });
});

describe('school holidays', () => {
  it('ship for 2026-2027 and 2027-2028 in every region, each valid and in order', () => {
    for (const region of ['noord', 'midden', 'zuid'] as const) {
      const list = holidaysFor({ region, addedHolidays: [], removedHolidays: [] }, holidays);
      for (const year of ['2026-2027', '2027-2028']) {
        const names = list.filter((h) => schoolYearOf(h.from) === year).map((h) => h.name);
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
    expect(quietReason(new Date('2026-11-30T10:00:00Z'), p)).toBe('holiday');
    expect(quietReason(new Date('2026-12-22T10:00:00Z'), p)).toBeUndefined();
    // A holiday with regional dates is removed by its own key or the key of the whole holiday.
    const q = policy('zuid', { removedHolidays: ['2026-2027:voorjaar'] });
    expect(quietReason(new Date('2027-02-09T10:00:00Z'), q)).toBeUndefined();
    expect(quietReason(new Date('2027-02-09T10:00:00Z'), policy('zuid'))).toBe('holiday');
  });
});

describe('the next moment a prompt may go out', () => {
  const p = policy('midden');
  it('is now on a school day between 08:00 and 20:00', () => {
    expect(iso(nextAllowed(new Date('2026-11-25T13:00:00Z'), p))).toBe('2026-11-25T13:00:00.000Z');
    expect(quietReason(new Date('2026-11-25T13:00:00Z'), p)).toBeUndefined();
  });

  it('is the next school morning after 20:00, before 08:00, at weekends and in holidays', () => {
    expect(iso(nextAllowed(new Date('2026-11-25T19:00:00Z'), p))).toBe('2026-11-26T07:00:00.000Z');
    expect(iso(nextAllowed(new Date('2026-11-26T05:00:00Z'), p))).toBe('2026-11-26T07:00:00.000Z');
    expect(iso(nextAllowed(new Date('2026-11-27T19:30:00Z'), p))).toBe('2026-11-30T07:00:00.000Z');
    expect(quietReason(new Date('2026-11-28T12:00:00Z'), p)).toBe('weekend');
    expect(iso(nextAllowed(new Date('2026-12-18T20:00:00Z'), p))).toBe('2027-01-04T07:00:00.000Z');
    expect(quietReason(new Date('2026-12-24T12:00:00Z'), p)).toBe('holiday');
  });

  it('waits for the end of a student’s pause, whatever form its time was stored in', () => {
    const pause = { since: '2026-11-20T00:00:00Z', until: '2026-12-01T12:00:00Z' };
    expect(quietReason(new Date('2026-11-25T13:00:00Z'), p, pause)).toBe('paused');
    expect(iso(nextAllowed(new Date('2026-11-25T13:00:00Z'), p, pause))).toBe('2026-12-01T12:00:00.000Z');
    expect(quietReason(new Date('2026-12-01T12:00:00.000Z'), p, pause)).toBeUndefined();
    // A pause that ends at night: the next morning.
    expect(iso(nextAllowed(new Date('2026-11-25T13:00:00Z'), p, { ...pause, until: '2026-11-26T22:00:00Z' }))).toBe(
      '2026-11-27T07:00:00.000Z',
    );
  });

  it('follows the school’s own quiet hours, also allowing weekends', () => {
    const late = policy('midden', { quietHours: { before: '09:30', after: '17:00', weekends: false } });
    expect(iso(nextAllowed(new Date('2026-11-28T07:00:00Z'), late))).toBe('2026-11-28T08:30:00.000Z');
    expect(iso(nextAllowed(new Date('2026-11-25T16:00:00Z'), late))).toBe('2026-11-26T08:30:00.000Z');
  });
});
