import type { Signal } from '../entities.ts';
import type { Competency, Emotion } from '../types.ts';
import {
  choicesField,
  emotionQuestion,
  emotionWordField,
  type Flow,
  isEmotion,
  maxEmotionWordLength,
  pathFor,
  type Question,
  wantsToTalkField,
} from './flows.ts';
import { creditedCompetencies } from './tagging.ts';

// A student's answers checked against their flow before anything is stored: every value within its
// limits and options, only the fields the flow asks, and what the answers credit (tagging.ts).

export type AnswerErrorCode =
  | 'required'
  | 'too-long'
  | 'invalid-choice'
  | 'unexpected-field'
  | 'not-text'
  | 'no-words'
  | 'too-many-choices';
export type AnswerError = { field: string; code: AnswerErrorCode };

export type AnswerCheck =
  | {
      ok: true;
      answers: Record<string, string>;
      choices: Record<string, string[]>;
      emotion?: Emotion;
      /** The student's own emotion word, when they typed one beside the buttons. */
      emotionWord?: string;
      /** The answer to the kernwoord question (role: kernwoord), when the student named one. */
      kernwoord?: string;
      competencies: Competency[];
      wantsToTalk: boolean;
      signals: Signal[];
    }
  | { ok: false; errors: AnswerError[] };

/** Text needs at least one letter or digit: an answer of only emoji or punctuation says nothing to a mentor. */
export function hasWords(text: string): boolean {
  return /[\p{L}\p{N}]/u.test(text);
}

/** Checks one free-text answer against its limits; returns the trimmed text or the problem. */
export function checkText(
  raw: unknown,
  limits: { required: boolean; maxLength: number },
): { ok: true; text: string } | { ok: false; code: AnswerErrorCode } {
  if (raw !== undefined && typeof raw !== 'string') return { ok: false, code: 'not-text' };
  const text = (raw ?? '').trim();
  if (!text) return limits.required ? { ok: false, code: 'required' } : { ok: true, text: '' };
  if ([...text].length > limits.maxLength) return { ok: false, code: 'too-long' };
  if (!hasWords(text)) return { ok: false, code: 'no-words' };
  return { ok: true, text };
}

/** Parses an Input.ChoiceSet value ("a,b") against a question's options. */
export function checkChoices(q: Question, raw: unknown): { ok: true; ids: string[] } | { ok: false; code: AnswerErrorCode } {
  if (raw === undefined || raw === '') return { ok: true, ids: [] };
  if (typeof raw !== 'string' || raw.length > 1000) return { ok: false, code: 'not-text' };
  const known = new Set((q.options ?? []).map((o) => o.id));
  const ids = [...new Set(raw.split(',').map((s) => s.trim()))].filter(Boolean);
  if (ids.some((id) => !known.has(id))) return { ok: false, code: 'invalid-choice' };
  if (!q.multiple && ids.length > 1) return { ok: false, code: 'too-many-choices' };
  return { ok: true, ids };
}

/**
 * Checks submitted values against the flow: every field must belong to a question on the path the
 * emotion chose, required questions answered in the student's own words, text within its limit and with
 * words in it, starters and emotions from their fixed sets. Text is kept as typed (only trimmed); it is
 * escaped where it is shown, not here.
 */
export function checkAnswers(flow: Flow, values: Record<string, unknown>): AnswerCheck {
  const errors: AnswerError[] = [];
  const talk = values[wantsToTalkField];
  if (talk !== undefined && talk !== 'true' && talk !== 'false' && talk !== true && talk !== false) {
    errors.push({ field: wantsToTalkField, code: 'invalid-choice' });
  }
  const eq = emotionQuestion(flow);
  let emotion: Emotion | undefined;
  if (eq) {
    const raw = values[eq.id];
    if (isEmotion(raw)) emotion = raw;
    else if (raw === undefined || raw === '') errors.push({ field: eq.id, code: 'required' });
    else errors.push({ field: eq.id, code: 'invalid-choice' });
  }
  // Without a valid emotion the path is unknown: report what is known so far.
  if (eq && !emotion) return { ok: false, errors };
  const path = emotion ? pathFor(flow, emotion) : flow.questions;

  const known = new Set<string>([wantsToTalkField]);
  let emotionWord: string | undefined;
  if (eq) {
    known.add(emotionWordField(eq.id));
    const word = checkText(values[emotionWordField(eq.id)], { required: false, maxLength: maxEmotionWordLength });
    if (!word.ok) errors.push({ field: emotionWordField(eq.id), code: word.code });
    else if (word.text) emotionWord = word.text;
  }
  for (const q of path) {
    known.add(q.id);
    if (q.options) known.add(choicesField(q.id));
  }
  for (const field of Object.keys(values)) {
    if (!known.has(field)) errors.push({ field, code: 'unexpected-field' });
  }

  const answers: Record<string, string> = {};
  const choices: Record<string, string[]> = {};
  const signals = new Set<Signal>();
  if (emotion && eq) {
    answers[eq.id] = emotion;
    if (emotion === 'awful') signals.add('very-negative');
  }
  for (const q of path) {
    if (q.input === 'emotion') continue;
    const text = checkText(values[q.id], q);
    if (!text.ok) errors.push({ field: q.id, code: text.code });
    const chosen = q.options ? checkChoices(q, values[choicesField(q.id)]) : { ok: true as const, ids: [] as string[] };
    if (!chosen.ok) errors.push({ field: choicesField(q.id), code: chosen.code });
    if (!text.ok || !chosen.ok) continue;
    if (text.text) answers[q.id] = text.text;
    if (chosen.ids.length) {
      choices[q.id] = chosen.ids;
      for (const o of q.options ?? []) {
        if (!chosen.ids.includes(o.id)) continue;
        if (o.signal) signals.add(o.signal);
      }
    }
  }
  if (errors.length) return { ok: false, errors };
  const kernwoordQuestion = path.find((q) => q.role === 'kernwoord');
  const kernwoord = kernwoordQuestion ? answers[kernwoordQuestion.id] : undefined;
  return {
    ok: true,
    answers,
    choices,
    ...(emotion ? { emotion } : {}),
    ...(emotionWord ? { emotionWord } : {}),
    ...(kernwoord ? { kernwoord } : {}),
    competencies: creditedCompetencies(flow, { emotion, answers, choices }),
    wantsToTalk: talk === 'true' || talk === true,
    signals: [...signals],
  };
}
