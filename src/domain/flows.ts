import { z } from 'zod';
import { type Competency, competencies, type Emotion, emotions, type Locale, phases, sectors } from './types.ts';

// A reflection flow is data (prompts/*.yaml): the questions a student answers after an experience,
// each tagged with its phase of the careers conversation and its career competencies.

const localized = z.strictObject({ nl: z.string().min(1), en: z.string().min(1) });

export const questionSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
  phase: z.enum(phases),
  input: z.enum(['emotion', 'text']),
  text: localized,
  placeholder: localized.optional(),
  required: z.boolean().default(true),
  maxLength: z.number().int().min(10).max(1000).default(500),
  competencies: z.array(z.enum(competencies)).min(1),
});

export const flowSchema = z.strictObject({
  id: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
  activityType: z.string().regex(/^[a-z][a-z0-9-]{0,63}$/),
  sectors: z.array(z.enum(sectors)).min(1),
  title: localized,
  questions: z.array(questionSchema).min(1),
});

export type Question = z.infer<typeof questionSchema>;
export type Flow = z.infer<typeof flowSchema>;

export interface FlowCatalog {
  get(id: string): Flow | undefined;
  /** The flow a student gets when they start a reflection themselves. */
  defaultFlow(): Flow;
  all(): Flow[];
}

export type AnswerError = { field: string; code: 'required' | 'too-long' | 'invalid-choice' | 'unexpected-field' | 'not-text' };

/** Card input every reflection card carries: "I'd like to talk about this with my mentor". */
export const wantsToTalkField = 'wants-to-talk';

export type AnswerCheck =
  | { ok: true; answers: Record<string, string>; emotion?: Emotion; competencies: Competency[]; wantsToTalk: boolean }
  | { ok: false; errors: AnswerError[] };

/**
 * Checks submitted values against the flow: every field must be a question of the flow, required
 * questions answered, text within its limit, emotions from the fixed set. Text is kept as typed
 * (only trimmed); it is escaped where it is shown, not here.
 */
export function checkAnswers(flow: Flow, values: Record<string, unknown>): AnswerCheck {
  const errors: AnswerError[] = [];
  const known = new Set([...flow.questions.map((q) => q.id), wantsToTalkField]);
  for (const field of Object.keys(values)) {
    if (!known.has(field)) errors.push({ field, code: 'unexpected-field' });
  }
  const talk = values[wantsToTalkField];
  if (talk !== undefined && talk !== 'true' && talk !== 'false' && talk !== true && talk !== false) {
    errors.push({ field: wantsToTalkField, code: 'invalid-choice' });
  }
  const answers: Record<string, string> = {};
  let emotion: Emotion | undefined;
  const tags = new Set<Competency>();
  for (const q of flow.questions) {
    const raw = values[q.id];
    if (raw !== undefined && typeof raw !== 'string') {
      errors.push({ field: q.id, code: 'not-text' });
      continue;
    }
    const value = (raw ?? '').trim();
    if (!value) {
      if (q.required) errors.push({ field: q.id, code: 'required' });
      continue;
    }
    if (q.input === 'emotion') {
      if (!(emotions as readonly string[]).includes(value)) {
        errors.push({ field: q.id, code: 'invalid-choice' });
        continue;
      }
      emotion = value as Emotion;
    } else if ([...value].length > q.maxLength) {
      errors.push({ field: q.id, code: 'too-long' });
      continue;
    }
    answers[q.id] = value;
    for (const c of q.competencies) tags.add(c);
  }
  if (errors.length) return { ok: false, errors };
  return {
    ok: true,
    answers,
    ...(emotion ? { emotion } : {}),
    competencies: competencies.filter((c) => tags.has(c)),
    wantsToTalk: talk === 'true' || talk === true,
  };
}

export function questionText(q: Question, locale: Locale): string {
  return q.text[locale];
}
