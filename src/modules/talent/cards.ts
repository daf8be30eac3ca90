import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { dayText } from '../mentoring/cards.ts';
import { signalMaxLength } from './entities.ts';
import type { PickableStudent } from './talent.ts';

// The talent signal's cards: the teacher's form (a student of their classes and a few words) and the
// card the student receives. The teacher's text is always a TextRun: it is shown as typed.

export interface Notice {
  text: string;
  color: 'Good' | 'Attention';
}

export function talentFormCard(input: {
  locale: Locale;
  students: PickableStudent[];
  notice?: Notice;
  /** What the teacher typed, kept when the form comes back with a problem. */
  values?: { studentId?: string; text?: string };
}): AdaptiveCard {
  const { locale, students } = input;
  return render('talent-form', {
    t: texts(locale, 'talent.form'),
    empty: students.length === 0,
    students: students.map((s) => ({
      title: t(locale, 'talent.form.option', { name: s.name, class: s.className }),
      value: s.id,
    })),
    studentId: input.values?.studentId ?? '',
    text: input.values?.text ?? '',
    maxLength: signalMaxLength,
    ...(input.notice ? { notice: input.notice } : {}),
  });
}

export function talentSignalCard(input: {
  locale: Locale;
  timeZone: string;
  signalId: string;
  teacherName: string;
  text: string;
  at: string;
  /** False once the student started a reflection about it. */
  canReflect: boolean;
  notice?: Notice;
}): AdaptiveCard {
  const { locale } = input;
  return render('talent-signal', {
    t: texts(locale, 'talent.signal'),
    from: t(locale, 'talent.signal.from', { name: input.teacherName }),
    text: input.text,
    date: t(locale, 'talent.signal.date', { date: dayText(input.at, locale, input.timeZone) }),
    signalId: input.signalId,
    canReflect: input.canReflect,
    ...(input.notice ? { notice: input.notice } : {}),
  });
}
