import { describe, expect, it } from 'vitest';
import { CardJson } from '../../../src/core/cards/card-json.ts';
import { cardByteLimit, cardBytes } from '../../../src/modules/mentoring/cards.ts';
import { digestCard } from '../../../src/modules/mentoring/digest-card.ts';
import { MentorMessages } from '../../../src/modules/mentoring/messages.ts';
import type { DigestView, EntryView, StudentSection } from '../../../src/modules/mentoring/views.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { bodyText, cardActivity } from '../../../src/teams/connector.ts';

// The digest card is sent as JSON text put together from the texts its sections were measured in
// (digest-card.ts): that text must be exactly the card, whatever the students wrote.

const at = '2026-11-03T13:00:00.000Z';

function entry(i: number, words: string): EntryView {
  return {
    reflectionId: `r${i}`,
    flowTitle: 'Stage',
    at,
    emotion: 'good',
    words,
    nextStep: { text: `Stap ${i} "met" aanhalingstekens \\ en een backslash`, status: 'open' },
    competencies: ['motives'],
    wantsToTalk: false,
    signals: [],
    late: false,
  };
}

function section(i: number, words: string): StudentSection {
  return {
    student: { id: `s${i}`, name: `Leerling ${i} "de Vries" – ü` },
    priority: i === 0 ? 'talk' : 'other',
    signals: [],
    entries: [entry(i, words), entry(i + 100, `${words} (tweede)`)],
    moreEntries: 1,
    openSteps: [],
    nonResponses: [],
    recurring: [],
    recurringEmotions: [],
    questions: [],
    followUp: { notesSent: 0 },
  };
}

// Words with what JSON escapes or what could look like the card's own marks: quotes, backslashes, a
// control character, a lone surrogate, emoji and a NUL.
const tricky = 'Ik zei "ja" \\ nee,\n\ttab \u0000sections: ✓ 👍🏽 \ud800 einde '.repeat(6);

function view(count: number): DigestView {
  return {
    digestId: 'digest:m1:2026-11-06T14:00:00.000Z',
    locale: 'nl',
    timeZone: 'Europe/Amsterdam',
    from: '2026-10-30T14:00:00.000Z',
    to: '2026-11-06T14:00:00.000Z',
    page: 0,
    sections: Array.from({ length: count }, (_, i) => section(i, tricky)),
    offset: 0,
    total: count,
    entryCount: count * 3,
  };
}

describe('digest card text', () => {
  it('is the card itself: fitted (some students), drawn again (all) and with notices', () => {
    const v = view(12);
    const fitted = digestCard(v, { today: '2026-11-06', fit: true });
    expect(fitted.shown.length).toBeGreaterThan(0);
    expect(fitted.shown.length).toBeLessThan(12); // the card is full before the last student
    expect(fitted.json()).toBe(JSON.stringify(fitted.card));
    expect(cardBytes(fitted.card)).toBeLessThan(cardByteLimit);

    const all = digestCard(v, { today: '2026-11-06', fit: false });
    expect(all.shown).toHaveLength(12);
    expect(all.json()).toBe(JSON.stringify(all.card));

    const noticed = digestCard(v, {
      today: '2026-11-06',
      fit: true,
      notice: { text: 'Verstuurd', color: 'Good' },
      studentNotice: { studentId: 's1', notice: { text: 'Genoteerd voor s1', color: 'Good' } },
    });
    expect(noticed.json()).toBe(JSON.stringify(noticed.card));
    // The same students fit, and the section with its notice is drawn anew, not taken from the kept one.
    expect(JSON.stringify(noticed.card)).toContain('Genoteerd voor s1');
    expect(digestCard(v, { today: '2026-11-06', fit: true }).json()).not.toContain('Genoteerd voor s1');
  });

  it('goes out as that text: the request body holds the card as JSON.stringify writes it', () => {
    const messages = new MentorMessages({
      clock: new ManualClock('2026-11-06T14:05:00Z'),
      flows: { get: () => undefined } as never,
    });
    const v = view(6);
    const mentor = { id: 'm1', locale: 'nl' } as Parameters<MentorMessages['digest']>[0];
    const { message, shown } = messages.digest(mentor, v);
    expect(message.card).toBeInstanceOf(CardJson);
    const drawn = digestCard(v, { today: '2026-11-06', fit: true });
    expect(shown).toEqual(drawn.shown);
    const body = JSON.parse(bodyText(cardActivity(message.card, message.summary))) as {
      attachments: { content: unknown }[];
    };
    expect(body.attachments[0]!.content).toEqual(JSON.parse(JSON.stringify(drawn.card)));
  });
});
