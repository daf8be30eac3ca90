import { type Competency, competencies, type Emotion } from '../types.ts';
import type { Flow, Question } from './flows.ts';
import { pathFor } from './flows.ts';

// The one rule that decides which career competencies a reflection counts for. Coverage figures (the
// coordinator's heat map, the Check evidence, the mid-year PDCA check, the student's own growth) are
// counts of these tags, so the rule errs on the side of counting less: a figure a school acts on must
// say something. Documented for schools in docs/student.md ("Which competencies a reflection counts for")
// and shown on the coordinator page (locale key coordinator.coverage.rule).
//
// A competency counts when the student answered a question that targets it in their own words, with
// substance. The emotion tap alone counts for nothing; a starter or word chosen from a list counts only
// together with own words in the same question; the kernwoord (one word) names, it does not count.

/**
 * The version of the rule. Stored on each reflection (`taggingRule`) when it is tagged; the start-up
 * data migration re-tags submitted reflections tagged under an older rule (or before rules had versions).
 */
export const taggingRule = 2;

/** Fewer letters or digits than this (after filler words are removed) is not an answer with substance. */
export const minSubstance = 6;

// Words that fill a box without saying anything ("iets", "weet ik niet", "nothing"). Not shown to anyone,
// only subtracted before the letters are counted, so "iets iets" or "idk" never count.
const fillers = new Set(
  [
    'iets',
    'niks',
    'niets',
    'weet',
    'ik',
    'niet',
    'geen',
    'idee',
    'nvt',
    'ok',
    'oke',
    'ja',
    'nee',
    'gewoon',
    'something',
    'nothing',
    'dont',
    "don't",
    'i',
    'know',
    'idk',
    'no',
    'yes',
    'na',
    'n/a',
    'x',
  ].map((w) => w.toLowerCase()),
);

/** Lower case, letters and digits only, single spaces: how two texts are compared. */
export function normalise(text: string): string {
  return text
    .toLowerCase()
    .normalize('NFKC')
    .replace(/[^\p{L}\p{N}'/]+/gu, ' ')
    .trim();
}

// Normalised once per question: a flow's questions are not changed once loaded (a changed library is
// loaded as new objects), and normalising every option of every question on each answer was a tenth of
// the CPU of a submit.
const offered = new WeakMap<Question, Set<string>>();

/** The texts a student could copy into the box instead of writing: options, the question, its placeholder. */
function offeredTexts(q: Question): Set<string> {
  let set = offered.get(q);
  if (!set) {
    const texts = [q.text, q.placeholder, ...(q.options ?? []).map((o) => o.text)].filter((t): t is { nl: string; en: string } =>
      Boolean(t),
    );
    set = new Set(texts.flatMap((t) => [normalise(t.nl), normalise(t.en)]));
    offered.set(q, set);
  }
  return set;
}

/**
 * Whether an answer says something of the student's own: enough letters once filler words are gone,
 * more than a repeated key, and not a copy of an option, the question or its placeholder.
 */
export function hasSubstance(q: Question, text: string | undefined): boolean {
  if (!text) return false;
  const plain = normalise(text);
  if (!plain || offeredTexts(q).has(plain)) return false;
  const words = plain.split(' ').filter((w) => !fillers.has(w));
  const letters = words.join('').match(/[\p{L}\p{N}]/gu) ?? [];
  return letters.length >= minSubstance && new Set(letters).size >= 3;
}

export interface TaggableAnswers {
  emotion?: Emotion | undefined;
  answers: Record<string, string>;
  choices?: Record<string, string[]> | undefined;
}

/** The competencies a reflection counts for under the rule above, in the fixed order of `competencies`. */
export function creditedCompetencies(flow: Flow, given: TaggableAnswers): Competency[] {
  const path = given.emotion ? pathFor(flow, given.emotion) : flow.questions;
  const tags = new Set<Competency>();
  for (const q of path) {
    if (q.input === 'emotion') continue; // the tap alone counts for nothing
    if (q.role === 'kernwoord') continue; // one word names what the other answers said; it adds no competency
    if (!hasSubstance(q, given.answers[q.id])) continue; // a chosen word never counts on its own
    for (const c of q.competencies) tags.add(c);
    const chosen = given.choices?.[q.id] ?? [];
    for (const o of q.options ?? []) if (chosen.includes(o.id)) for (const c of o.competencies ?? []) tags.add(c);
  }
  return competencies.filter((c) => tags.has(c));
}
