import { describe, expect, it } from 'vitest';
import { choosePause } from '../../../src/core/student-profile.ts';

// The pause a card asks for. Card data is not trusted: a number of days is a number (or digits), never a
// value that merely converts to one — the fuzz test found [[1]] pausing a student.

describe('choosePause', () => {
  const now = new Date('2026-03-12T10:00:00Z');
  const zone = 'Europe/Amsterdam';

  it('takes a number of days, as a number or digits', () => {
    expect(choosePause({ days: 7 }, now, zone)).toMatchObject({ ok: true, lastDay: '2026-03-18' });
    expect(choosePause({ days: '7' }, now, zone)).toMatchObject({ ok: true, lastDay: '2026-03-18' });
  });

  it('refuses values that only convert to a number', () => {
    for (const days of [[[7]], [1], true, '7e0', ' 7', '0x7', null, {}, 7.5, 0, 184])
      expect(choosePause({ days }, now, zone), JSON.stringify(days)).toEqual({ ok: false, code: 'invalid' });
  });
});
