import { randomUUID } from 'node:crypto';
import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { currentSector, t, texts } from '../../core/i18n.ts';
import { cardBytes, dayText, type Notice, pageBudget, sectionElement } from './cards.ts';
import type { DigestView, StudentSection } from './views.ts';

// The mentor's digest card: the students of a digest, as many as fit on a card, in the digest's frame
// (the period, the summary, "show more"). A student is drawn by the section every mentor card shares
// (cards.ts).

function periodText(view: Pick<DigestView, 'from' | 'to' | 'locale' | 'timeZone'>): string {
  const to = dayText(view.to, view.locale, view.timeZone);
  return view.from
    ? t(view.locale, 'mentors.digest.periodSince', { from: dayText(view.from, view.locale, view.timeZone), to })
    : t(view.locale, 'mentors.digest.periodUntil', { to });
}

function digestFrame(view: DigestView, sections: Record<string, unknown>[], shown: number, notice?: Notice): AdaptiveCard {
  const { locale } = view;
  const more = view.offset + shown < view.total;
  return render('mentor-digest', {
    t: texts(locale, 'mentors.digest'),
    period: periodText(view),
    summary: view.page === 0 ? t(locale, 'mentors.digest.summary', { students: view.total, entries: view.entryCount }) : '',
    ...(notice ? { notice } : {}),
    sections,
    pageText:
      view.total > shown
        ? t(locale, 'mentors.digest.page', { first: view.offset + 1, last: view.offset + shown, total: view.total })
        : '',
    more: more ? { digestId: view.digestId, page: view.page + 1 } : undefined,
  });
}

// A digest's sections are drawn once to see how many fit on the first card and again to send it: the
// same section objects, so the drawing is kept (per section, for the same digest, language and day), and
// with it its JSON text once measured, from which the card's text is put together to send.
type Drawn = { element: Record<string, unknown>; json?: string; bytes?: number };
const drawn = new WeakMap<StudentSection, Drawn & { key: string }>();

/** Where the sections go in a digest card's JSON text: a string with this process's random nonce. */
const sectionsMark = `\u0000sections:${randomUUID()}`;

function jsonOf(d: Drawn): string {
  d.json ??= JSON.stringify(d.element);
  return d.json;
}

export interface DigestCard {
  card: AdaptiveCard;
  /** The students on the card. */
  shown: string[];
  /** The card as JSON text (to send it), put together from its sections' texts: the same text as the card's. */
  json(): string;
}

/**
 * One card of a digest. With `fit`, the view's sections are drawn in order until the card is full (the
 * rest comes with "show more"); without, all of them (a card drawn before, drawn again). Returns the
 * students on the card.
 */
export function digestCard(
  view: DigestView,
  opts: { today: string; fit: boolean; notice?: Notice; studentNotice?: { studentId: string; notice: Notice } },
): DigestCard {
  const key = `${view.digestId}|${view.locale}|${currentSector()}|${view.timeZone}|${opts.today}`;
  const draw = (s: StudentSection): Drawn => {
    const notice = opts.studentNotice?.studentId === s.student.id ? opts.studentNotice.notice : undefined;
    const cached = notice ? undefined : drawn.get(s);
    if (cached?.key === key) return cached;
    const element = sectionElement(s, {
      locale: view.locale,
      timeZone: view.timeZone,
      context: { ctx: 'digest', digestId: view.digestId },
      today: opts.today,
      ...(notice ? { notice } : {}),
    });
    if (notice) return { element };
    const kept = { key, element };
    drawn.set(s, kept);
    return kept;
  };
  const parts: Drawn[] = [];
  if (opts.fit) {
    let size = cardBytes(digestFrame({ ...view, offset: 0, total: 999 }, [], 1, opts.notice));
    for (const s of view.sections) {
      const d = draw(s);
      d.bytes ??= Buffer.byteLength(jsonOf(d), 'utf8') + 1;
      if (parts.length > 0 && size + d.bytes > pageBudget) break;
      parts.push(d);
      size += d.bytes;
    }
  } else {
    parts.push(...view.sections.map(draw));
  }
  const shown = view.sections.slice(0, parts.length).map((s) => s.student.id);
  return {
    card: digestFrame(
      view,
      parts.map((d) => d.element),
      shown.length,
      opts.notice,
    ),
    shown,
    json: () =>
      JSON.stringify(digestFrame(view, [sectionsMark as unknown as Record<string, unknown>], shown.length, opts.notice)).replace(
        JSON.stringify([sectionsMark]),
        () => `[${parts.map(jsonOf).join(',')}]`,
      ),
  };
}
