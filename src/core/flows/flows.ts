import { z } from 'zod';
import type { Signal } from '../entities.ts';
import {
  competencies,
  type Emotion,
  emotions,
  type Level,
  type Locale,
  levels,
  phases,
  type Sector,
  sectors,
  type Valence,
  valenceOf,
} from '../types.ts';

// A reflection flow is data (prompts/*.yaml): the questions a student answers after an experience,
// each tagged with its phase of the careers conversation and its career competencies. A flow opens with
// a one-tap emotion; questions may be asked only after some emotions (`when`), which is how a flow
// branches: qualities after a positive moment, motives after a negative one.

const localized = z.strictObject({ nl: z.string().min(1), en: z.string().min(1) });
const slug = (max: number) => z.string().regex(new RegExp(`^[a-z][a-z0-9-]{0,${max - 1}}$`));

/** The card input that holds the answer to a flow's preparation question (the reflection card and its check). */
export const preparationField = 'preparation';

export const valences = ['positive', 'neutral', 'negative'] as const satisfies readonly Valence[];

/** Signals a chosen option may carry (the emotion gives `very-negative`). Never guessed from free text. */
export const optionSignals = ['doubt-about-fit', 'wants-to-switch'] as const satisfies readonly Signal[];

export const optionSchema = z.strictObject({
  id: slug(32),
  text: localized,
  signal: z.enum(optionSignals).optional(),
  /** Competencies the choice adds (e.g. networking for "who can help me"). */
  competencies: z.array(z.enum(competencies)).min(1).optional(),
});

export const questionSchema = z.strictObject({
  id: slug(32),
  phase: z.enum(phases),
  input: z.enum(['emotion', 'text']),
  text: localized,
  /**
   * Other wordings of the same question, taken in turn week by week (questionText), so a check-in that comes
   * every week does not read the same each time. Each is linted as the text is.
   */
  variants: z.array(localized).min(1).max(5).optional(),
  placeholder: localized.optional(),
  /** For text questions: the student's own words are required. Starter options never replace them. */
  required: z.boolean().default(true),
  maxLength: z.number().int().min(10).max(1000).default(500),
  competencies: z.array(z.enum(competencies)).min(1),
  /** Ask this question only after these emotions; omitted means always. */
  when: z.array(z.enum(valences)).min(1).optional(),
  /**
   * Words offered as help to name what the student wrote (a quality, a motive, a kind of work), or "who
   * could help" on the activate step. Never the answer: a chosen word counts only with own words.
   */
  options: z.array(optionSchema).min(2).max(8).optional(),
  /** The label of the options ("Hard to name? Pick a word that fits"); required with options. */
  optionsLabel: localized.optional(),
  /**
   * Where the card shows the options. Own words come first, so the lint accepts only `after-own-words`;
   * the default keeps an older school flow loadable so the lint can name the problem.
   */
  optionsShown: z.enum(['before-own-words', 'after-own-words']).default('before-own-words'),
  /**
   * The question's part in the bigger story: `deepen` deepens or broadens the moment ("when else did you
   * notice this?"); `kernwoord` asks for the key word, stored as the reflection's own field.
   */
  role: z.enum(['deepen', 'kernwoord']).optional(),
  /** Whether more than one starter may be chosen. */
  multiple: z.boolean().default(true),
});

/** An optional question sent before the activity ("what do you want to find out?"), shown back afterwards. */
export const preparationSchema = z.strictObject({
  text: localized,
  placeholder: localized.optional(),
  maxLength: z.number().int().min(10).max(1000).default(300),
  competencies: z.array(z.enum(competencies)).min(1),
});

export const flowSchema = z.strictObject({
  id: slug(64),
  activityType: slug(64),
  sectors: z.array(z.enum(sectors)).min(1),
  /**
   * The levels the flow is for (a profielwerkstuk is havo/vwo); omitted means every level of its sectors.
   * The readability limit is that of the lowest level it reaches (readability.ts).
   */
  levels: z.array(z.enum(levels)).min(1).optional(),
  title: localized,
  /** What this activity is for, in the student's words; the dossier's "goal" when there was no preparation. */
  goal: localized,
  preparation: preparationSchema.optional(),
  /** Activity types worth doing (and reflecting on) next; offered in the follow-up. */
  next: z.array(slug(64)).max(3).default([]),
  questions: z.array(questionSchema).min(1),
});

export type Option = z.infer<typeof optionSchema>;
export type Question = z.infer<typeof questionSchema>;
export type Preparation = z.infer<typeof preparationSchema>;
export type Flow = z.infer<typeof flowSchema>;

export interface FlowCatalog {
  get(id: string): Flow | undefined;
  /** The flow a student gets when they start a reflection themselves without choosing. */
  defaultFlow(): Flow;
  all(): Flow[];
  /**
   * The flows a student of this sector (and level, when known) can choose from, one per activity type (a
   * school's own flow first; a flow for the level before one for the whole sector).
   */
  forSector(sector: Sector, level?: Level): Flow[];
  /** The flow for an activity type in a sector (and level), if the library has one. */
  forActivity(activityType: string, sector: Sector, level?: Level): Flow | undefined;
}

/** The card field that holds the starters chosen for a question. Question ids cannot contain a dot. */
export function choicesField(questionId: string): string {
  return `${questionId}.choices`;
}

/**
 * The card field for the student's own emotion word, typed beside the emotion buttons ("trots", "zenuwachtig").
 * The tap still chooses the path; the word is the student's, shown back and to the mentor as typed.
 */
export function emotionWordField(emotionQuestionId: string): string {
  return `${emotionQuestionId}.word`;
}

/** An emotion word is a word or two. */
export const maxEmotionWordLength = 40;

/** Card input every reflection card carries: "I'd like to talk about this with my mentor". */
export const wantsToTalkField = 'wants-to-talk';

export function emotionQuestion(flow: Flow): Question | undefined {
  return flow.questions.find((q) => q.input === 'emotion');
}

/** The questions a student answers after this emotion, in order (the emotion question included). */
export function pathFor(flow: Flow, emotion: Emotion): Question[] {
  const valence = valenceOf(emotion);
  return flow.questions.filter((q) => !q.when || q.when.includes(valence));
}

/** The text questions shown after the emotion was chosen. */
export function answerQuestions(flow: Flow, emotion: Emotion): Question[] {
  return pathFor(flow, emotion).filter((q) => q.input !== 'emotion');
}

export function isEmotion(value: unknown): value is Emotion {
  return typeof value === 'string' && (emotions as readonly string[]).includes(value);
}

/** The question a card field belongs to (a choices field belongs to its question). */
export function questionOf(flow: Flow, field: string): Question | undefined {
  const id = field.replace(/\.(choices|word)$/, '');
  return flow.questions.find((q) => q.id === id);
}

const week = 7 * 24 * 60 * 60 * 1000;

/**
 * The wording a student sees: the text, or with variants the one for the week the reflection was started
 * (weeks counted from the epoch), so the card and what the mentor reads later show the same question.
 */
export function questionText(q: Question, locale: Locale, startedAt?: string): string {
  if (!q.variants?.length || !startedAt) return q.text[locale];
  const at = Date.parse(startedAt);
  if (Number.isNaN(at)) return q.text[locale];
  const all = [q.text, ...q.variants];
  return all[Math.floor(at / week) % all.length]![locale];
}

/** True when a student of this level may get the flow: it names no levels, or names this one. */
export function flowFitsLevel(flow: Flow, level: Level): boolean {
  return flow.levels?.length ? flow.levels.includes(level) : true;
}

export function optionText(q: Question, optionId: string, locale: Locale): string {
  return q.options?.find((o) => o.id === optionId)?.text[locale] ?? optionId;
}
