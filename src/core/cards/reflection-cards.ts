import type { Reflection } from '../entities.ts';
import type { AnswerError } from '../flows/answer-checks.ts';
import {
  answerQuestions,
  choicesField,
  emotionQuestion,
  emotionWordField,
  type Flow,
  isEmotion,
  maxEmotionWordLength,
  preparationField,
  type Question,
  questionOf,
  questionText,
  wantsToTalkField,
} from '../flows/flows.ts';
import { t, texts } from '../i18n.ts';
import { type Emotion, emotions, type Locale } from '../types.ts';
import { type AdaptiveCard, render } from './card-templates.ts';

// The cards of an open reflection: the emotion first, then the questions of its branch, and the
// preparation prompt before the activity. What the student typed is shown again only within its limits.

function rowsOf<T>(size: number, items: readonly T[]): { cells: T[] }[] {
  const rows: { cells: T[] }[] = [];
  for (let i = 0; i < items.length; i += size) rows.push({ cells: items.slice(i, i + size) });
  return rows;
}

function errorMessages(flow: Flow, locale: Locale, errors: AnswerError[] = [], startedAt?: string): { message: string }[] {
  const messages = errors.map((e) => {
    const q = e.field === preparationField ? flow.preparation : questionOf(flow, e.field);
    const asked = q && 'phase' in q ? questionText(q as Question, locale, startedAt) : q?.text[locale];
    return t(locale, `core.reflection.errors.${e.code}`, {
      question: asked ?? e.field,
      max: q?.maxLength ?? '',
    });
  });
  // One message per problem kind is enough for unexpected fields.
  return [...new Set(messages)].map((message) => ({ message }));
}

/** A card value bounded to what the card could have sent (for redisplay after an error). */
function shown(values: Record<string, unknown> | undefined, id: string, max = 2000): string | undefined {
  const v = values?.[id];
  return typeof v === 'string' ? v.slice(0, max) : undefined;
}

export type ReflectionCardOptions = {
  errors?: AnswerError[];
  values?: Record<string, unknown>;
  /** The emotion chosen in the first step: shows the questions of its branch. */
  emotion?: Emotion;
  /** The student's own emotion word, typed beside the buttons (already checked). */
  emotionWord?: string;
};

/**
 * The card for an open reflection, for that reflection's state: first the one-tap emotion, then (updated
 * in place) the questions of the branch that emotion chose. The first card of the flow when called with
 * just the flow and the reflection.
 */
export function reflectionCard(flow: Flow, reflection: Reflection, opts: ReflectionCardOptions = {}): AdaptiveCard {
  const locale = reflection.locale;
  const eq = emotionQuestion(flow);
  const fromValues = eq ? opts.values?.[eq.id] : undefined;
  const emotion = opts.emotion ?? (isEmotion(fromValues) ? fromValues : undefined);
  const base = {
    t: { ...texts(locale, 'core.reflection'), ...texts(locale, 'student.reflection') },
    title: flow.title[locale],
    reflectionId: reflection.id,
    preparation: reflection.preparation?.answer,
    context: reflection.context ? t(locale, 'student.reflection.talentContext', { name: reflection.context.from }) : '',
    contextText: reflection.context?.text ?? '',
    wantsToTalk: opts.values?.[wantsToTalkField] === 'true' ? 'true' : 'false',
    errors: errorMessages(flow, locale, opts.errors, reflection.createdAt),
  };
  const wordField = eq ? emotionWordField(eq.id) : undefined;
  const word = opts.emotionWord ?? (wordField ? shown(opts.values, wordField, maxEmotionWordLength) : undefined);
  if (eq && !emotion) {
    const draft = draftOf(flow, opts.values);
    return render('reflection-emotion', {
      ...base,
      question: questionText(eq, locale, reflection.createdAt),
      word: { id: wordField, maxLength: maxEmotionWordLength, value: word },
      // Three faces to a row: five side by side break their words on a phone (320 px).
      emotionRows: rowsOf(
        3,
        emotions.map((e) => ({
          title: t(locale, `core.emotions.${e}`),
          // "🙂 Good": the face large, the word under it.
          emoji: t(locale, `core.emotions.${e}`).split(' ')[0],
          label: t(locale, `core.emotions.${e}`).split(' ').slice(1).join(' '),
          data: { reflectionId: reflection.id, emotion: e, ...(draft ? { draft } : {}) },
        })),
      ),
    });
  }
  const questions = emotion ? answerQuestions(flow, emotion) : flow.questions.filter((q) => q.input !== 'emotion');
  return render('reflection', {
    ...base,
    emotionTitle: emotion ? t(locale, `core.emotions.${emotion}`) : '',
    // One short line that acknowledges the feeling, without analysing it: the student's own word when
    // they gave one (bound into a TextRun, as all typed text), else the line for the emotion.
    ack: emotion && !word ? t(locale, `student.reflection.ack.${emotion}`) : '',
    ackWord: word
      ? { before: t(locale, 'student.reflection.ackWordBefore'), word, after: t(locale, 'student.reflection.ackWordAfter') }
      : undefined,
    changeData: { reflectionId: reflection.id, ...(word && wordField ? { [wordField]: word } : {}) },
    submitData: {
      reflectionId: reflection.id,
      ...(eq && emotion ? { [eq.id]: emotion } : {}),
      ...(word && wordField ? { [wordField]: word } : {}),
    },
    questions: questions.map((q) => ({
      id: q.id,
      text: questionText(q, locale, reflection.createdAt),
      label: q.options
        ? t(locale, q.required ? 'student.reflection.ownWords' : 'student.reflection.ownWordsOptional')
        : questionText(q, locale, reflection.createdAt),
      placeholder: q.placeholder?.[locale],
      required: q.required,
      maxLength: q.maxLength,
      value: shown(opts.values, q.id, q.maxLength),
      ...(q.options
        ? {
            options: q.options.map((o) => ({ title: o.text[locale], value: o.id })),
            optionsLabel: q.optionsLabel?.[locale] ?? q.text[locale],
            choicesId: choicesField(q.id),
            choicesValue: shown(opts.values, choicesField(q.id), 1000),
            multiple: q.multiple,
          }
        : {}),
    })),
  });
}

/**
 * What the student typed before going back to change the emotion, carried in the emotion buttons so the
 * next step can show it again. Only text fields of the flow, each within its limit.
 */
export function draftOf(flow: Flow, values: Record<string, unknown> | undefined): Record<string, string> | undefined {
  if (!values) return undefined;
  const draft: Record<string, string> = {};
  for (const q of flow.questions) {
    if (q.input === 'emotion') continue;
    const text = shown(values, q.id, q.maxLength);
    if (text?.trim()) draft[q.id] = text;
  }
  return Object.keys(draft).length ? draft : undefined;
}

/** The preparation prompt sent before the activity; `saved` shows the stored answer instead of the input. */
export function preparationCard(
  flow: Flow,
  reflection: Reflection,
  opts: { errors?: AnswerError[]; values?: Record<string, unknown> } = {},
): AdaptiveCard {
  const locale = reflection.locale;
  const prep = flow.preparation;
  const saved = Boolean(reflection.preparation) && !opts.errors?.length;
  return render('preparation', {
    t: texts(locale, 'student.preparation'),
    title: flow.title[locale],
    reflectionId: reflection.id,
    question: prep?.text[locale] ?? t(locale, 'student.preparation.none'),
    placeholder: prep?.placeholder?.[locale],
    maxLength: prep?.maxLength ?? 300,
    saved,
    value: saved ? reflection.preparation?.answer : shown(opts.values, preparationField, prep?.maxLength),
    errors: errorMessages(flow, locale, opts.errors),
  });
}
