import { type AdaptiveCard, competencyLine, render } from '../../core/cards/cards.ts';
import { currentSector, t, texts } from '../../core/i18n.ts';
import { calendarText, dateFormat } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import type { EntryView, StudentSection } from './views.ts';

// The mentor's cards: the at-once card here, the digest in digest-card.ts, with the parts every mentor card shares;
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
  const flat = text.replace(/\s+/g, ' ').trim();
  // No more UTF-16 units than `max` is no more characters either: only a longer text is taken apart.
  if (flat.length <= max) return flat;
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
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
