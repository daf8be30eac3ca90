import { type AdaptiveCard, competencyLine, render } from '../../core/cards/cards.ts';
import { currentSector, t, texts } from '../../core/i18n.ts';
import { calendarText, dateFormat } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import type { DigestView, EntryView, StudentSection } from './views.ts';

// The mentor's cards: the digest and the at-once card here, with the parts every mentor card shares;
// `mijn studenten`, settings, the plan reminder and the handover in overview-cards.ts; the note, the
// reply and planning a conversation in conversation-cards.ts. A student is always drawn by the same
// section template, so the actions (discussed, plan a conversation, send a note) look and work the same
// on every card. Everything a student, mentor or school typed (answers, notes, names, flow titles) goes
// into TextRuns.

/** Teams refuses cards over 28 KB. */
export const cardByteLimit = 28 * 1024;
/** Students are packed onto a card up to this size; the rest leaves room for state drawn later. */
export const pageBudget = 24 * 1024;
/** The student's own words are shortened on cards that list many students. */
const wordsMax = 180;
export const stepMax = 120;
/** A talent signal or a reply in full: both are short by their own limit. */
export const messageMax = 500;
/** A student's answer to a note: as short as a note. */
export const replyMaxLength = 500;

/** A note that asks something gets its answer at once; any other answer waits for the digest. */
export function isQuestion(text: string): boolean {
  return text.includes('?');
}

export type Notice = { text: string; color: 'Good' | 'Attention' };

/** Where a section's actions were pressed; goes into the action data. */
export type SectionContext =
  | { ctx: 'digest'; digestId: string }
  | { ctx: 'item'; itemId: string }
  | { ctx: 'student'; card: 'reminder' | 'handover' };

export function cardBytes(card: unknown): number {
  return Buffer.byteLength(JSON.stringify(card), 'utf8');
}

export function shorten(text: string, max: number): string {
  const chars = [...text.replace(/\s+/g, ' ').trim()];
  return chars.length <= max ? chars.join('') : `${chars.slice(0, max - 1).join('')}…`;
}

const days = new Map<string, string>();

/** "28 nov." for an instant, in the school's time zone. */
export function dayText(iso: string, locale: Locale, timeZone: string): string {
  // Many entries share a day: format each (hour, zone, language) once. Zones move in whole hours here.
  const key = `${iso.slice(0, 13)}|${timeZone}|${locale}`;
  let text = days.get(key);
  if (text === undefined) {
    text = dateFormat(locale, 'day', timeZone).format(new Date(iso));
    if (days.size > 50_000) days.clear();
    days.set(key, text);
  }
  return text;
}

const fixed = new Map<string, string>();

/** A text without parameters; drawn for every student on a card, so looked up once. */
function label(locale: Locale, key: string): string {
  // The words for students and mentors differ per sector (src/core/i18n.ts), so the sector is in the key.
  const k = `${locale}:${currentSector()}:${key}`;
  let text = fixed.get(k);
  if (text === undefined) {
    text = t(locale, key);
    fixed.set(k, text);
  }
  return text;
}

/** The latest reflections a recurring kernwoord lists (the count says how many there are in all). */
const maxWhere = 4;

/** The entries grouped by kernwoord: "helpen (3×): Meeloopdag 2 nov, Open dag 9 nov, Stage 20 nov". */
export function recurringText(recurring: StudentSection['recurring'], locale: Locale, timeZone: string): string {
  return recurring
    .map((r) =>
      t(locale, 'mentors.student.recurringWhere', {
        word: r.word,
        count: r.count,
        where: r.where
          .slice(-maxWhere)
          .map((x) => `${x.flowTitle} ${dayText(x.at, locale, timeZone)}`)
          .join(', '),
      }),
    )
    .join(' · ');
}

const sectionTexts = new Map<string, Record<string, unknown>>();
function sectionT(locale: Locale): Record<string, unknown> {
  const k = `${locale}:${currentSector()}`;
  let tx = sectionTexts.get(k);
  if (!tx) {
    tx = { ...texts(locale, 'mentors.student'), ...texts(locale, 'mentors.actions') };
    sectionTexts.set(k, tx);
  }
  return tx;
}

function entryData(e: EntryView, locale: Locale, timeZone: string, full: boolean) {
  const meta = [
    e.emotion ? `${label(locale, `core.emotions.${e.emotion}`)}${e.emotionWord ? ` (${e.emotionWord})` : ''}` : undefined,
    e.flowTitle,
    dayText(e.at, locale, timeZone),
    e.late ? label(locale, 'mentors.student.late') : undefined,
    e.discussedOn ? t(locale, 'mentors.student.discussed', { date: calendarText(e.discussedOn, locale) }) : undefined,
  ].filter(Boolean);
  return {
    meta: meta.join(' · '),
    ...(full
      ? { answers: e.answers ?? [] }
      : {
          ...(e.words ? { words: `“${shorten(e.words, wordsMax)}”` } : {}),
          ...(e.nextStep
            ? {
                step: shorten(e.nextStep.text, stepMax),
                stepStatus: label(locale, `mentors.student.stepStatus.${e.nextStep.status}`),
              }
            : {}),
        }),
    competencies: competencyLine(locale, e.competencies),
  };
}

export function followUpText(f: StudentSection['followUp'], locale: Locale, timeZone: string): string {
  return [
    f.lastDiscussedOn ? t(locale, 'mentors.student.lastDiscussed', { date: calendarText(f.lastDiscussedOn, locale) }) : undefined,
    f.remindAt ? t(locale, 'mentors.student.planned', { date: dayText(f.remindAt, locale, timeZone) }) : undefined,
    f.notesSent ? t(locale, 'mentors.student.notesSent', { count: f.notesSent }) : undefined,
  ]
    .filter(Boolean)
    .join(' · ');
}

/** One student, as every mentor card draws them. `full` shows whole answers (the at-once card). */
export function sectionElement(
  s: StudentSection,
  opts: { locale: Locale; timeZone: string; context?: SectionContext; notice?: Notice; full?: boolean; today?: string },
): Record<string, unknown> {
  const { locale, timeZone } = opts;
  const badges = [
    ...(s.priority === 'talk' ? [{ text: t(locale, 'mentors.student.talk') }] : []),
    ...s.signals.map((sig) => ({ text: t(locale, `mentors.student.signals.${sig}`) })),
  ];
  const newCount = s.entries.length + s.moreEntries;
  return render('mentor-student', {
    t: sectionT(locale),
    name: s.student.name,
    headline: opts.context?.ctx === 'digest' && newCount > 0 ? t(locale, 'mentors.student.newEntries', { count: newCount }) : '',
    ...(opts.notice ? { notice: opts.notice } : {}),
    badges,
    entries: s.entries.map((e) => entryData(e, locale, timeZone, opts.full === true)),
    more: s.moreEntries ? t(locale, 'mentors.student.moreEntries', { count: s.moreEntries }) : '',
    recurring: recurringText(s.recurring, locale, timeZone),
    recurringEmotions: s.recurringEmotions.map((r) => `${r.word} (${r.count}×)`).join(' · '),
    openSteps: s.openSteps.map((o) => ({
      text: shorten(o.text, stepMax),
      status: `${t(locale, `mentors.student.stepStatus.${o.status}`)}, ${dayText(o.at, locale, timeZone)}`,
    })),
    nonResponses: s.nonResponses.map((n) => ({
      text: t(locale, 'mentors.student.noResponse', { flow: n.flowTitle, date: dayText(n.sentAt, locale, timeZone) }),
    })),
    messages: (s.messages ?? []).map((m) => ({
      label: t(locale, `mentors.student.${m.kind}`, { name: m.from, date: dayText(m.at, locale, timeZone) }),
      text: shorten(m.text, messageMax),
    })),
    questions: s.questions.map((q) => ({
      label: label(locale, `mentors.student.${q.kind}`),
      text: q.params ? t(locale, q.key, q.params) : label(locale, q.key),
    })),
    followUp: followUpText(s.followUp, locale, timeZone),
    ...(opts.context
      ? {
          actions: {
            data: { ...opts.context, studentId: s.student.id },
            dateId: `date-${s.student.id}`,
            noteId: `note-${s.student.id}`,
            studentId: s.student.id,
            ...(opts.today ? { today: opts.today } : {}),
          },
        }
      : {}),
  });
}

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

/**
 * One card of a digest. With `fit`, the view's sections are drawn in order until the card is full (the
 * rest comes with "show more"); without, all of them (a card drawn before, drawn again). Returns the
 * students on the card.
 */
// A digest's sections are drawn once to see how many fit on the first card and again to send it: the
// same section objects, so the drawing is kept (per section, for the same digest, language and day).
const drawn = new WeakMap<StudentSection, { key: string; element: Record<string, unknown> }>();

export function digestCard(
  view: DigestView,
  opts: { today: string; fit: boolean; notice?: Notice; studentNotice?: { studentId: string; notice: Notice } },
): { card: AdaptiveCard; shown: string[] } {
  const key = `${view.digestId}|${view.locale}|${currentSector()}|${view.timeZone}|${opts.today}`;
  const draw = (s: StudentSection) => {
    const notice = opts.studentNotice?.studentId === s.student.id ? opts.studentNotice.notice : undefined;
    const cached = notice ? undefined : drawn.get(s);
    if (cached?.key === key) return cached.element;
    const element = sectionElement(s, {
      locale: view.locale,
      timeZone: view.timeZone,
      context: { ctx: 'digest', digestId: view.digestId },
      today: opts.today,
      ...(notice ? { notice } : {}),
    });
    if (!notice) drawn.set(s, { key, element });
    return element;
  };
  const elements: Record<string, unknown>[] = [];
  if (opts.fit) {
    let size = cardBytes(digestFrame({ ...view, offset: 0, total: 999 }, [], 1, opts.notice));
    for (const s of view.sections) {
      const el = draw(s);
      const bytes = cardBytes(el) + 1;
      if (elements.length > 0 && size + bytes > pageBudget) break;
      elements.push(el);
      size += bytes;
    }
  } else {
    elements.push(...view.sections.map(draw));
  }
  const shown = view.sections.slice(0, elements.length).map((s) => s.student.id);
  return { card: digestFrame(view, elements, shown.length, opts.notice), shown };
}

/** The at-once card: one reflection, with the reason it came at once and the actions. */
export function mentorItemCard(input: {
  locale: Locale;
  timeZone: string;
  section: StudentSection;
  itemId?: string;
  today: string;
  notice?: Notice;
  studentNotice?: Notice;
}): AdaptiveCard {
  const { locale, section } = input;
  return render('mentor-reflection', {
    title: t(locale, 'core.mentor.title'),
    reason: section.priority === 'other' ? '' : t(locale, 'mentors.item.reasonTitle'),
    ...(input.notice ? { notice: input.notice } : {}),
    sections: [
      sectionElement(section, {
        locale,
        timeZone: input.timeZone,
        full: true,
        today: input.today,
        ...(input.itemId ? { context: { ctx: 'item', itemId: input.itemId } } : {}),
        ...(input.studentNotice ? { notice: input.studentNotice } : {}),
      }),
    ],
    hint: t(locale, 'core.mentor.hint'),
  });
}
