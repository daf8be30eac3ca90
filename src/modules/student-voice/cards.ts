import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { dayText } from '../mentoring/cards.ts';
import { pulseQuestions, remarkMaxLength, scalePoints } from './entities.ts';

// The student's pulse card: three five-point questions and one open remark, sent through Action.Execute.
// After an answer (or when it can no longer be answered) the same card comes back without the inputs,
// with a notice. What a student chose or typed is never put back on a card: it would stay in their chat.

export interface Notice {
  text: string;
  color: 'Good' | 'Attention';
}

export function pulseCard(input: {
  locale: Locale;
  pulseId: string;
  /** The last day, in the school's time zone; undefined when the card is shown closed. */
  closesOn?: string;
  timeZone: string;
  notice?: Notice;
}): AdaptiveCard {
  const { locale } = input;
  const open = input.closesOn !== undefined;
  return render('student-voice-pulse', {
    t: texts(locale, 'voice.card'),
    open,
    pulseId: input.pulseId,
    until: open ? t(locale, 'voice.card.until', { date: dayText(`${input.closesOn}T12:00:00Z`, locale, input.timeZone) }) : '',
    questions: pulseQuestions.map((q) => ({
      id: q,
      label: t(locale, `voice.questions.${q}`),
      required: t(locale, 'voice.card.required'),
      value: '',
      choices: scalePoints.map((p) => ({ title: t(locale, `voice.scale.${p}`), value: String(p) })),
    })),
    remark: '',
    maxLength: remarkMaxLength,
    ...(input.notice ? { notice: input.notice } : {}),
  });
}
