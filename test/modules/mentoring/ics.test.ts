import { describe, expect, it } from 'vitest';
import { zonedInstant } from '../../../src/core/time/zoned-time.ts';
import { calendarFile, escapeText, fold } from '../../../src/modules/mentoring/ics.ts';

// The calendar file against RFC 5545: CRLF lines of at most 75 octets, escaped text, UTC times that are
// the school's local time in summer and in winter.

describe('calendar file', () => {
  it('writes the school’s local time as UTC, in winter and in summer time', () => {
    const winter = zonedInstant('2026-11-05', '14:00', 'Europe/Amsterdam').toISOString();
    const summer = zonedInstant('2027-04-15', '14:00', 'Europe/Amsterdam').toISOString();
    const ics = calendarFile(
      [
        { uid: 'a@lob-reflectie', start: winter, minutes: 30, summary: 'Loopbaangesprek met Piet' },
        { uid: 'b@lob-reflectie', start: summer, minutes: 30, summary: 'Loopbaangesprek met Piet' },
      ],
      '2026-11-02T09:00:00.000Z',
    );
    expect(ics).toContain('DTSTART:20261105T130000Z\r\nDTEND:20261105T133000Z\r\n');
    expect(ics).toContain('DTSTART:20270415T120000Z\r\nDTEND:20270415T123000Z\r\n');
    expect(ics).toContain('DTSTAMP:20261102T090000Z');
    expect(ics.split('\r\n').filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(2);
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('escapes text and folds long lines at 75 octets without splitting a character', () => {
    expect(escapeText('a;b,c\\d\ne')).toBe('a\\;b\\,c\\\\d\\ne');
    const name = 'Loopbaangesprek met Zoë Ångström-Østergaard van der Heijden-Bakker, klas 4havo; mentor';
    const ics = calendarFile(
      [{ uid: 'x', start: '2026-11-05T13:00:00.000Z', minutes: 30, summary: name }],
      '2026-11-02T09:00:00Z',
    );
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    const unfolded = ics.replace(/\r\n /g, '');
    expect(unfolded).toContain(`SUMMARY:${escapeText(name)}\r\n`);
    expect(
      fold('é'.repeat(60))
        .split('\r\n ')
        .every((part) => !part.includes('\uFFFD')),
    ).toBe(true);
  });
});
