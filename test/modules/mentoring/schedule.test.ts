import { describe, expect, it } from 'vitest';
import { t } from '../../../src/core/i18n.ts';
import { parseConversationDate } from '../../../src/modules/mentoring/mentor-follow-up.ts';
import { allQuestionKeys, followUpQuestions } from '../../../src/modules/mentoring/questions.ts';
import { latestSlot, nextSlot } from '../../../src/modules/mentoring/schedule.ts';

const tz = 'Europe/Amsterdam';
const weekly = { frequency: 'weekly', weekday: 5, hour: 15 } as const;
const daily = { frequency: 'daily', weekday: 5, hour: 9 } as const;

describe('school time', () => {
  // Local times to instants, and when messages may go out: test/core/time/zoned-time.test.ts and quiet-hours.test.ts.
  it('finds the digest slots across daylight saving time', () => {
    // The Friday before and the Monday after the switch back to winter time (25 October 2026).
    expect(latestSlot(new Date('2026-10-26T10:00:00Z'), weekly, tz).toISOString()).toBe('2026-10-23T13:00:00.000Z');
    expect(nextSlot(new Date('2026-10-26T10:00:00Z'), weekly, tz).toISOString()).toBe('2026-10-30T14:00:00.000Z');
  });

  it('puts weekly digests on the chosen day and daily ones on school days', () => {
    expect(latestSlot(new Date('2026-11-06T13:59:00Z'), weekly, tz).toISOString()).toBe('2026-10-30T14:00:00.000Z');
    expect(latestSlot(new Date('2026-11-06T14:00:00Z'), weekly, tz).toISOString()).toBe('2026-11-06T14:00:00.000Z');
    expect(latestSlot(new Date('2026-11-09T07:00:00Z'), daily, tz).toISOString()).toBe('2026-11-06T08:00:00.000Z'); // Mon 08:00 → Fri
    expect(nextSlot(new Date('2026-11-06T09:00:00Z'), daily, tz).toISOString()).toBe('2026-11-09T08:00:00.000Z');
  });

  it('reads the date of a conversation: today or earlier, at most a year back', () => {
    const now = new Date('2026-11-02T22:30:00Z'); // 23:30 in Amsterdam: still the 2nd
    expect(parseConversationDate('', now, tz)).toBe('2026-11-02');
    expect(parseConversationDate(undefined, now, tz)).toBe('2026-11-02');
    expect(parseConversationDate('2026-11-02', now, tz)).toBe('2026-11-02');
    expect(parseConversationDate('2026-11-03', now, tz)).toBeUndefined();
    expect(parseConversationDate('2025-10-01', now, tz)).toBeUndefined();
    expect(parseConversationDate('2026-02-30', now, tz)).toBeUndefined();
    expect(parseConversationDate('2 november', now, tz)).toBeUndefined();
    expect(parseConversationDate(20261102, now, tz)).toBeUndefined();
  });
});

describe('suggested questions', () => {
  it('ask what happened, never why, in both languages', () => {
    expect(allQuestionKeys().length).toBeGreaterThanOrEqual(9);
    for (const key of allQuestionKeys()) {
      for (const locale of ['nl', 'en'] as const) {
        const q = t(locale, key);
        expect(q, key).toMatch(/\?$/);
        expect(q.toLowerCase(), key).not.toMatch(/\b(waarom|why)\b/);
      }
    }
  });

  it('deepen towards qualities after a positive moment and towards motives after a negative one, and broaden', () => {
    const positive = followUpQuestions({ reflectionId: 'a', emotion: 'great' });
    const negative = followUpQuestions({ reflectionId: 'a', emotion: 'awful' });
    expect(positive.map((q) => q.kind)).toEqual(['deepen', 'broaden']);
    expect(positive[0]!.key).toMatch(/deepen\.positive/);
    expect(negative[0]!.key).toMatch(/deepen\.negative/);
    expect(followUpQuestions({ reflectionId: 'a' })[0]!.key).toMatch(/deepen\.neutral/);
    expect(followUpQuestions(undefined)).toEqual([]);
    // Stable for one entry, varied across entries.
    expect(followUpQuestions({ reflectionId: 'a', emotion: 'great' })).toEqual(positive);
    const variety = new Set(Array.from({ length: 20 }, (_, i) => followUpQuestions({ reflectionId: `r${i}` })[1]!.key));
    expect(variety.size).toBeGreaterThan(1);
  });
});
