import { competencies, type Emotion, levelSector, locales, phases, sectors } from '../types.ts';
import { answerQuestions, type Flow, pathFor } from './flows.ts';
import { lintWording } from './lint-wording.ts';

// The prompt library's lint: the rules that make a flow faithful to the careers conversation (see
// ../shared/domain.md, "How a good reflection is built"). It runs at start-up (a bad library stops the
// bot with one line), in the tests, and from the CLI (`flows lint`) for a school's own folder.

export interface LintProblem {
  file: string;
  question?: string;
  rule: string;
  message: string;
}

export function formatProblem(p: LintProblem): string {
  return `${p.file}: ${p.question ? `question "${p.question}": ` : ''}${p.message}`;
}

/** Required text inputs besides the one-tap emotion. */
export const maxInputs = 4;
/**
 * Optional inputs on top, which a student may skip: the deepening question, the kernwoord (a student who
 * cannot name it yet leaves it for the conversation with the mentor) and what to explore.
 */
export const maxOptionalInputs = 3;
/** A kernwoord is one word or two. */
export const maxKernwoordLength = 40;
export const maxQuestionLength = 140;

/** One emotion per valence is enough to walk every path a flow has. */
const pathEmotions: { emotion: Emotion; label: string }[] = [
  { emotion: 'good', label: 'a positive' },
  { emotion: 'mixed', label: 'a mixed' },
  { emotion: 'bad', label: 'a negative' },
];

// Flow texts end up in input labels and choice titles, which some clients read as Markdown: no markup.
const markup = /[<>[\]*_`~\\]|https?:\/\/|www\./i;

type Texts = { where: string; question?: string; nl: string; en: string }[];

function textsOf(flow: Flow): Texts {
  const out: Texts = [
    { where: 'title', ...flow.title },
    { where: 'goal', ...flow.goal },
  ];
  if (flow.preparation) {
    out.push({ where: 'preparation', question: 'preparation', ...flow.preparation.text });
    if (flow.preparation.placeholder)
      out.push({ where: 'placeholder', question: 'preparation', ...flow.preparation.placeholder });
  }
  for (const q of flow.questions) {
    out.push({ where: 'text', question: q.id, ...q.text });
    for (const [i, v] of (q.variants ?? []).entries()) out.push({ where: `variant ${i + 1}`, question: q.id, ...v });
    if (q.placeholder) out.push({ where: 'placeholder', question: q.id, ...q.placeholder });
    if (q.optionsLabel) out.push({ where: 'optionsLabel', question: q.id, ...q.optionsLabel });
    for (const o of q.options ?? []) out.push({ where: `option "${o.id}"`, question: q.id, ...o.text });
  }
  return out;
}

/** The rules for one flow. `file` names it in every problem. */
export function lintFlow(flow: Flow, file: string): LintProblem[] {
  const problems: LintProblem[] = [];
  const add = (rule: string, message: string, question?: string) =>
    problems.push({ file, rule, message, ...(question ? { question } : {}) });

  for (const text of textsOf(flow)) {
    for (const locale of locales) {
      const value = text[locale];
      if (!value?.trim()) {
        add('missing-language', `${text.where}: missing language ${locale}`, text.question);
        continue;
      }
      if (markup.test(value))
        add('markup', `${text.where} (${locale}) contains markup or a link; write plain text`, text.question);
    }
  }
  for (const p of lintWording(flow)) add(p.rule, p.message, p.question);
  for (const q of flow.questions) {
    if (q.options && q.optionsShown !== 'after-own-words') {
      add(
        'options-before-own-words',
        "the options are offered before the student's own words; set optionsShown: after-own-words and label them as help to name it",
        q.id,
      );
    }
    if (q.role === 'kernwoord' && (q.input !== 'text' || q.maxLength > maxKernwoordLength || q.options)) {
      add('kernwoord', `the kernwoord question is a text of at most ${maxKernwoordLength} characters, in own words`, q.id);
    }
    for (const [where, text] of [
      ['text', q.text] as const,
      ...(q.variants ?? []).map((v, i) => [`variant ${i + 1}`, v] as const),
    ]) {
      for (const locale of locales) {
        if ((text[locale].match(/\?/g) ?? []).length > 1)
          add('one-question', `${where} (${locale}) asks more than one question`, q.id);
        if ([...text[locale]].length > maxQuestionLength) {
          add('question-too-long', `${where} (${locale}) is over ${maxQuestionLength} characters`, q.id);
        }
      }
    }
  }
  if (flow.preparation) {
    for (const locale of locales) {
      if ([...flow.preparation.text[locale]].length > maxQuestionLength) {
        add('question-too-long', `text (${locale}) is over ${maxQuestionLength} characters`, 'preparation');
      }
    }
  }

  for (const level of flow.levels ?? []) {
    if (!flow.sectors.includes(levelSector[level]))
      add(
        'level-sector',
        `levels: ${level} is a ${levelSector[level]} level, not one of the flow's sectors (${flow.sectors.join(', ')})`,
      );
  }

  const ids = new Set<string>();
  for (const q of flow.questions) {
    if (ids.has(q.id)) add('duplicate-question', 'the id is used twice in this flow', q.id);
    ids.add(q.id);
    const optionIds = new Set((q.options ?? []).map((o) => o.id));
    if (optionIds.size !== (q.options ?? []).length) add('duplicate-option', 'two options have the same id', q.id);
    if (q.options && !q.optionsLabel) add('options-label', 'options need an optionsLabel (the label screen readers read)', q.id);
    if (q.input === 'emotion' && (q.options || q.when || !q.required)) {
      add('emotion-first', 'the emotion is always asked, required, and has no options', q.id);
    }
  }

  const emotionQuestions = flow.questions.filter((q) => q.input === 'emotion');
  if (emotionQuestions.length !== 1 || flow.questions[0]?.input !== 'emotion') {
    add('emotion-first', 'a flow opens with exactly one emotion question (one tap), before anything else');
    return problems; // the path rules below need the emotion
  }
  if (flow.questions[0]?.phase !== 'look-back') add('phase-order', 'the emotion belongs to look-back', flow.questions[0]?.id);

  for (const { emotion, label } of pathEmotions) {
    const path = pathFor(flow, emotion);
    const inputs = answerQuestions(flow, emotion);
    const required = inputs.filter((q) => q.required);
    const optional = inputs.filter((q) => !q.required);
    if (required.length > maxInputs || optional.length > maxOptionalInputs) {
      add(
        'too-many-inputs',
        `after ${label} emotion the student gets ${required.length} required and ${optional.length} optional inputs (${inputs.map((q) => q.id).join(', ')}); at most ${maxInputs} required and ${maxOptionalInputs} optional besides the emotion`,
      );
    }
    const kernwoord = inputs.filter((q) => q.role === 'kernwoord');
    if (kernwoord.length !== 1) {
      add(
        'no-kernwoord',
        `after ${label} emotion there is ${kernwoord.length ? 'more than one' : 'no'} kernwoord question (role: kernwoord)`,
      );
    }
    if (!inputs.some((q) => q.role === 'deepen')) {
      add('no-deepen', `after ${label} emotion there is no deepening or broadening question (role: deepen)`);
    }
    const last = path.at(-1);
    if (last?.phase !== 'activate') {
      add('no-activate-end', `after ${label} emotion the flow does not end in an activate step (it ends with "${last?.id}")`);
    }
    let previous = 0;
    for (const q of path) {
      const index = phases.indexOf(q.phase);
      if (index < previous) add('phase-order', `after ${label} emotion "${q.id}" (${q.phase}) comes after a later phase`, q.id);
      previous = Math.max(previous, index);
    }
    const missing = phases.filter((p) => !path.some((q) => q.phase === p));
    if (missing.length) add('missing-phase', `after ${label} emotion the phase ${missing.join(', ')} is missing`);
  }
  const reflects = (emotion: Emotion, tag: 'qualities' | 'motives') =>
    // The branch's own question: the deepening and kernwoord questions follow whatever it was about.
    pathFor(flow, emotion).some((q) => q.phase === 'reflect' && !q.role && q.competencies.includes(tag));
  if (!reflects('good', 'qualities')) {
    add('no-branch', 'after a positive emotion there is no reflect question about qualities');
  }
  if (!reflects('bad', 'motives')) add('no-branch', 'after a negative emotion there is no reflect question about motives');
  // Mixed feelings are not a negative moment: they get a question of their own about both sides.
  const mixedOwn = pathFor(flow, 'mixed').some((q) => q.phase === 'reflect' && q.when?.length === 1 && q.when[0] === 'neutral');
  if (!mixedOwn)
    add('no-mixed-path', 'after a mixed emotion there is no reflect question of its own (when: [neutral]) about both sides');
  return problems;
}

export interface LibraryEntry {
  flow: Flow;
  file: string;
  source: 'shipped' | 'school';
}

/** Rules over the whole library: each competency covered, known next steps, no ambiguous flows. */
export function lintLibrary(entries: LibraryEntry[]): LintProblem[] {
  const problems: LintProblem[] = entries.flatMap((e) => lintFlow(e.flow, e.file));
  const covered = new Set(
    entries.flatMap((e) => [
      ...e.flow.questions.flatMap((q) => [...q.competencies, ...(q.options ?? []).flatMap((o) => o.competencies ?? [])]),
      ...(e.flow.preparation?.competencies ?? []),
    ]),
  );
  for (const c of competencies) {
    if (!covered.has(c)) {
      problems.push({ file: '(library)', rule: 'competency-not-covered', message: `no question covers the competency ${c}` });
    }
  }
  const types = new Set(entries.map((e) => e.flow.activityType));
  const seen = new Map<string, LibraryEntry>();
  for (const e of entries) {
    for (const next of e.flow.next) {
      if (!types.has(next))
        problems.push({ file: e.file, rule: 'unknown-next', message: `next: unknown activity type "${next}"` });
    }
    const other = entries.find((x) => x !== e && x.flow.id === e.flow.id);
    if (other && entries.indexOf(other) < entries.indexOf(e)) {
      problems.push({ file: e.file, rule: 'duplicate-flow', message: `flow id "${e.flow.id}" is also used in ${other.file}` });
    }
    // A flow for named levels sits beside the sector's general one; two for the same level are ambiguous.
    const reaches = e.flow.levels?.length ? e.flow.levels : e.flow.sectors;
    for (const where of reaches) {
      const key = `${e.source}:${e.flow.activityType}:${where}:${e.flow.levels?.length ? 'level' : 'sector'}`;
      const first = seen.get(key);
      if (first) {
        problems.push({
          file: e.file,
          rule: 'ambiguous-activity',
          message: `${first.file} already covers ${e.flow.activityType} for ${where}`,
        });
      } else seen.set(key, e);
    }
  }
  for (const sector of sectors) {
    if (!entries.some((e) => e.flow.activityType === 'free' && e.flow.sectors.includes(sector))) {
      problems.push({ file: '(library)', rule: 'no-free-flow', message: `no free flow for ${sector}` });
    }
  }
  return problems;
}
