import { describe, expect, it } from 'vitest';
import { checkQuietHours, nextAllowed, type SendPolicy } from '../../../src/core/send-policy/quiet-hours.ts';
import { localTime, startOfDay, zonedInstant } from '../../../src/core/time/zoned-time.ts';

// A wall-clock time skipped by the spring DST change moves forward by the gap (02:30 becomes 03:30). That
// held east of Greenwich (Europe/Amsterdam); west of it the time moved back, before the gap, or for a zone
// whose gap is at midnight to the day before: nextAllowed then found nothing for a year, and a pause ended
// an hour early.

describe('a wall-clock time skipped by the spring DST change', () => {
  it('moves forward in America/New_York too (02:30 on 8 March 2026 becomes 03:30 EDT)', () => {
    const at = zonedInstant('2026-03-08', '02:30', 'America/New_York');
    expect(localTime(at, 'America/New_York')).toMatchObject({ date: '2026-03-08', time: '03:30' });
  });

  it('keeps the start of the day on that day in America/Santiago (midnight skipped on 6 September 2026)', () => {
    const at = startOfDay('2026-09-06', 'America/Santiago');
    expect(localTime(at, 'America/Santiago').date).toBe('2026-09-06');
  });

  it('leaves nextAllowed an answer on that day for a valid calendar', () => {
    const policy: SendPolicy = {
      timeZone: 'America/New_York',
      quietHours: { before: '02:30', after: '20:00', weekends: false },
      holidays: [],
    };
    expect(checkQuietHours(policy.quietHours)).toBeUndefined(); // `calendar set` accepts it
    // 01:00 EST on the change day: the next allowed moment is 03:30 EDT, not "nothing for a year".
    const next = nextAllowed(new Date('2026-03-08T06:00:00Z'), policy, 'mentor-digest');
    expect(next?.toISOString()).toBe('2026-03-08T07:30:00.000Z');
  });
});
