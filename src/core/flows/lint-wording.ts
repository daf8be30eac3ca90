import { locales } from '../types.ts';
import type { Flow } from './flows.ts';
import { lix, readabilityLimit } from './readability.ts';

// The wording rules of the prompt library's lint (flow-lint.ts has the structure rules). They follow the
// guidance schools train mentors on (../shared/domain.md, "Rules for the questions"): no why-question in
// any disguise, one question at a time, never words in the student's mouth, plain Dutch for the level,
// and the same question in both languages.

export interface WordingProblem {
  rule: string;
  message: string;
  question?: string;
}

// Why-questions and their disguises: they assume the student already knows their motives.
const whyPatterns: RegExp[] = [
  /\bwaarom\b/i,
  /\bhoe komt het\b/i,
  /\bwaardoor\b/i,
  /\bwat is de reden\b/i,
  /\bom welke reden\b/i,
  /\bwhy\b/i,
  /\bhow come\b/i,
  /\bwhat made you\b/i,
  /\bwhat is the reason\b/i,
  /\bfor what reason\b/i,
];

// A second question joined to the first ("Wat ging goed en wat wil je anders?"); per language, since
// English "of" is not "or".
const secondQuestion = {
  nl: /\b(en|of)\s+(wat|wie|waar|wanneer|hoe|welke?|waarmee|waaraan|waarin|hoeveel)\b/i,
  en: /\b(and|or)\s+(what|who|where|when|how|which)\b/i,
} as const;

/** LIX says little about a fragment of a few words ("Analyseren" scores 101): full sentences only. */
export const minWordsForReadability = 4;

// A placeholder may say how long or how concrete, never what: no examples, no start of an answer.
const suggestion =
  /\b(bijvoorbeeld|bijv|bv|b\.v|zoals|denk aan|for example|for instance|e\.g|such as|think of)\b|^\s*(ik|i|mijn|my)\b|…|\.\.\./i;

type Text = { where: string; question?: string; nl: string; en: string; isQuestion?: boolean; isPlaceholder?: boolean };

function textsOf(flow: Flow): Text[] {
  const out: Text[] = [
    { where: 'title', ...flow.title },
    { where: 'goal', ...flow.goal },
  ];
  if (flow.preparation) {
    out.push({ where: 'text', question: 'preparation', isQuestion: true, ...flow.preparation.text });
    if (flow.preparation.placeholder)
      out.push({ where: 'placeholder', question: 'preparation', isPlaceholder: true, ...flow.preparation.placeholder });
  }
  for (const q of flow.questions) {
    out.push({ where: 'text', question: q.id, isQuestion: true, ...q.text });
    for (const [i, v] of (q.variants ?? []).entries())
      out.push({ where: `variant ${i + 1}`, question: q.id, isQuestion: true, ...v });
    if (q.placeholder) out.push({ where: 'placeholder', question: q.id, isPlaceholder: true, ...q.placeholder });
    if (q.optionsLabel) out.push({ where: 'optionsLabel', question: q.id, ...q.optionsLabel });
    for (const o of q.options ?? []) out.push({ where: `option "${o.id}"`, question: q.id, ...o.text });
  }
  return out;
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

export function lintWording(flow: Flow): WordingProblem[] {
  const problems: WordingProblem[] = [];
  const add = (rule: string, message: string, question?: string) =>
    problems.push({ rule, message, ...(question ? { question } : {}) });
  const limit = readabilityLimit(flow);
  const readers = (flow.levels?.length ? flow.levels : flow.sectors).join('/');

  for (const text of textsOf(flow)) {
    for (const locale of locales) {
      const value = text[locale];
      if (!value?.trim()) continue; // reported as a missing language
      const why = whyPatterns.map((p) => value.match(p)?.[0]).find(Boolean);
      if (why)
        add(
          'why-question',
          `${text.where} (${locale}) is a why-question in disguise ("${why}"): ask what happened`,
          text.question,
        );
      const second = text.isQuestion ? value.match(secondQuestion[locale]) : null;
      if (second) add('one-question', `text (${locale}) asks two questions in one ("${second[0]}")`, text.question);
      if (text.isPlaceholder && suggestion.test(value))
        add(
          'suggestive-placeholder',
          `placeholder (${locale}) suggests an answer; say how long or how concrete, not what`,
          text.question,
        );
    }
    const score = lix(text.nl);
    const sentence = (text.isQuestion || text.isPlaceholder) && text.nl.split(/\s+/).length >= minWordsForReadability;
    if (sentence && score > limit) {
      add(
        'readability',
        `${text.where} (nl) has LIX ${score}, over the limit of ${limit} for ${readers}: shorter sentences, everyday words`,
        text.question,
      );
    }
    // Parity: the two languages ask the same thing in the same shape.
    const [nl, en] = [text.nl ?? '', text.en ?? ''];
    if (nl && en) {
      const ratio = [...nl].length / [...en].length;
      if (count(nl, '?') !== count(en, '?') || (Math.max(nl.length, en.length) > 30 && (ratio < 0.5 || ratio > 2))) {
        add('parity', `${text.where}: the Dutch and English texts do not match in shape ("${nl}" / "${en}")`, text.question);
      }
    }
  }
  return problems;
}
