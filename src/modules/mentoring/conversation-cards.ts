import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { dayText, isQuestion, messageMax, type Notice, replyMaxLength, shorten } from './cards.ts';

// The cards between a mentor and a student: the feedforward note the student receives, the student's
// answer to it, and planning a conversation (the proposed moments, another moment, the agreement).

/** The note as the student receives it, in the student's language; with `noteId` the student can answer it. */
export function noteCard(input: {
  locale: Locale;
  timeZone: string;
  mentorName: string;
  text: string;
  about?: { flowTitle: string; at: string };
  noteId?: string;
  /** The student's answer, once given: the card shows it instead of the answer field. */
  reply?: string;
  /** What the student typed, kept when the card comes back with a problem. */
  draft?: string;
  notice?: Notice;
}): AdaptiveCard {
  const { locale } = input;
  const question = isQuestion(input.text);
  return render('mentor-note', {
    t: texts(locale, 'mentors.note'),
    canReply: Boolean(input.noteId) && input.reply === undefined,
    noteId: input.noteId ?? '',
    reply: input.reply ?? '',
    draft: input.draft ?? '',
    maxLength: replyMaxLength,
    replyLabel: t(locale, question ? 'mentors.note.replyQuestion' : 'mentors.note.replyLabel', { name: input.mentorName }),
    ...(input.notice ? { notice: input.notice } : {}),
    from: t(locale, 'mentors.note.from', { name: input.mentorName }),
    about: input.about
      ? t(locale, 'mentors.note.about', { flow: input.about.flowTitle, date: dayText(input.about.at, locale, input.timeZone) })
      : '',
    text: input.text,
  });
}

/** The mentor's card when a student answered their question. */
export function replyCard(input: { locale: Locale; studentName: string; note: string; reply: string }): AdaptiveCard {
  const { locale } = input;
  return render('mentor-reply', {
    t: texts(locale, 'mentors.reply'),
    from: t(locale, 'mentors.reply.from', { name: input.studentName }),
    reply: input.reply,
    note: shorten(input.note, messageMax),
  });
}

/** "8 nov., 14:30": a moment in the school's time zone. */
export function momentOf(iso: string, locale: Locale, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    weekday: 'short',
    day: 'numeric',
    month: 'short',
    hour: '2-digit',
    minute: '2-digit',
    timeZone,
  }).format(new Date(iso));
}

/** The mentor's proposed moments, as the student receives them. `open` false once a moment is agreed. */
export function proposalCard(input: {
  locale: Locale;
  timeZone: string;
  mentor: { id: string; name: string };
  plan: { at: string; proposals: readonly string[] };
  today: string;
  open: boolean;
  notice?: Notice;
}): AdaptiveCard {
  const { locale, timeZone } = input;
  const base = { mentorId: input.mentor.id, plan: input.plan.at };
  return render('meeting-proposal', {
    t: texts(locale, 'mentors.meeting'),
    from: t(locale, 'mentors.meeting.proposalFrom', { name: input.mentor.name }),
    open: input.open,
    today: input.today,
    base,
    slots: input.plan.proposals.map((at, slot) => ({ title: momentOf(at, locale, timeZone), data: { ...base, slot } })),
    ...(input.notice ? { notice: input.notice } : {}),
  });
}

/** The student's other moment, as the mentor receives it. */
export function suggestionCard(input: {
  locale: Locale;
  timeZone: string;
  student: { id: string; name: string };
  plan: { at: string; suggested: { at: string } };
  open: boolean;
  notice?: Notice;
}): AdaptiveCard {
  const { locale } = input;
  return render('meeting-suggestion', {
    t: texts(locale, 'mentors.meeting'),
    from: t(locale, 'mentors.meeting.suggestionFrom', { name: input.student.name }),
    moment: momentOf(input.plan.suggested.at, locale, input.timeZone),
    open: input.open,
    data: { studentId: input.student.id, plan: input.plan.at },
    ...(input.notice ? { notice: input.notice } : {}),
  });
}

/** The agreed conversation, with the link to its calendar file. */
export function meetingCard(input: {
  locale: Locale;
  timeZone: string;
  otherName: string;
  at: string;
  calendarUrl?: string;
  days: number;
  notice?: Notice;
}): AdaptiveCard {
  const { locale } = input;
  return render('meeting-confirmed', {
    t: texts(locale, 'mentors.meeting'),
    with: t(locale, 'mentors.meeting.confirmedWith', {
      name: input.otherName,
      moment: momentOf(input.at, locale, input.timeZone),
    }),
    calendarUrl: input.calendarUrl ?? '',
    hint: t(locale, 'mentors.meeting.calendarHint', { days: input.days }),
    ...(input.notice ? { notice: input.notice } : {}),
  });
}
