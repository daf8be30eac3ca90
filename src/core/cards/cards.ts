import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reflection } from '../entities.ts';
import {
  type AnswerError,
  answerQuestions,
  choicesField,
  emotionQuestion,
  emotionWordField,
  type Flow,
  isEmotion,
  maxEmotionWordLength,
  optionText,
  preparationField,
  type Question,
  questionOf,
  questionText,
  wantsToTalkField,
} from '../flows/flows.ts';
import { t, texts } from '../i18n.ts';
import { mentorMode } from '../mentor-routing.ts';
import { type Competency, type Emotion, emotions, type Locale } from '../types.ts';
import { expand } from './template.ts';

// Builders turn domain data into Adaptive Cards from the templates in cards/. Everything a student or a
// school typed (answers, names) is bound only into TextRun elements, which Adaptive Cards never read as
// Markdown, so it always shows as typed.

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

// Card templates live beside the code that fills them: src/core/cards/templates/ for the shared ones and
// src/modules/<feature>/templates/ for each feature's. A template's name is its file name, unique across all.
const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const templateDirs: readonly string[] = [
  path.join(srcDir, 'core', 'cards', 'templates'),
  ...fs
    .readdirSync(path.join(srcDir, 'modules'))
    .map((m) => path.join(srcDir, 'modules', m, 'templates'))
    .filter((d) => fs.existsSync(d)),
];
let templateIndex: Map<string, string> | undefined;

/** Every card template by name, with the file it is read from. */
function rowsOf<T>(size: number, items: readonly T[]): { cells: T[] }[] {
  const rows: { cells: T[] }[] = [];
  for (let i = 0; i < items.length; i += size) rows.push({ cells: items.slice(i, i + size) });
  return rows;
}

export function templateFiles(): ReadonlyMap<string, string> {
  if (!templateIndex) {
    templateIndex = new Map();
    for (const dir of templateDirs) {
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        const name = path.basename(file, '.json');
        if (templateIndex.has(name)) throw new Error(`card template ${name} exists twice`);
        templateIndex.set(name, path.join(dir, file));
      }
    }
  }
  return templateIndex;
}

const templates = new Map<string, unknown>();

export function template(name: string): unknown {
  let tpl = templates.get(name);
  if (!tpl) {
    const file = templateFiles().get(name);
    if (!file) throw new Error(`no card template ${name}`);
    tpl = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    templates.set(name, tpl);
  }
  return tpl;
}

export function render(name: string, data: Record<string, unknown>): AdaptiveCard {
  return expand(template(name), data) as AdaptiveCard;
}

/**
 * A competency's name: students read it in plain words ("what I am good at"), staff the term they are
 * trained in (kwaliteitenreflectie); `both` for what both read (the dossier that moves to a next school).
 */
export function competencyName(locale: Locale, c: Competency, audience: 'staff' | 'student' | 'both' = 'staff'): string {
  const plain = t(locale, `core.competencies.plain.${c}`);
  const term = t(locale, `core.competencies.${c}`);
  return audience === 'student' ? plain : audience === 'both' ? `${plain} (${term})` : term;
}

export function competencyLine(locale: Locale, tags: readonly Competency[], audience: 'staff' | 'student' = 'staff'): string {
  if (tags.length === 0) return '';
  const list = tags.map((c) => competencyName(locale, c, audience)).join(', ');
  return t(locale, audience === 'student' ? 'core.competencies.plainLabel' : 'core.competencies.label', { list });
}

/** What the student answered, question by question (the preparation first), for summaries and mentors. */
export function answerRows(flow: Flow, reflection: Reflection, locale: Locale) {
  const rows: { question: string; answer: string; chosen?: string; chosenLabel?: string }[] = [];
  if (flow.preparation && reflection.preparation) {
    rows.push({ question: flow.preparation.text[locale], answer: reflection.preparation.answer });
  }
  for (const q of flow.questions) {
    const answer = reflection.answers[q.id];
    const chosen = reflection.choices?.[q.id] ?? [];
    if (answer === undefined && chosen.length === 0) continue;
    rows.push({
      question: questionText(q, locale, reflection.createdAt),
      answer:
        q.input === 'emotion' && answer
          ? `${t(locale, `core.emotions.${answer}`)}${reflection.emotionWord ? ` (${reflection.emotionWord})` : ''}`
          : (answer ?? ''),
      ...(chosen.length
        ? {
            chosen: chosen.map((id) => optionText(q, id, locale)).join(', '),
            chosenLabel: t(locale, `student.summary.${chosenKind(q)}`),
          }
        : {}),
    });
  }
  return rows;
}

/**
 * How a chosen option is shown, after the student's own words: on the activate step it names who could
 * help; anywhere else it is a word the student picked to name what they wrote ("named with help").
 */
export function chosenKind(q: Question): 'helpers' | 'namedWithHelp' {
  return q.phase === 'activate' ? 'helpers' : 'namedWithHelp';
}

export function welcomeCard(locale: Locale, name: string): AdaptiveCard {
  return render('welcome', { t: texts(locale, 'core.welcome'), name });
}

export interface HelpSectionView {
  title: string;
  commands: { command: string; description: string }[];
}

/** What a person can type, by section (src/teams/help.ts decides which commands are theirs). */
export function helpCard(
  locale: Locale,
  sections: HelpSectionView[],
  options: { notUnderstood?: boolean; canReflect?: boolean } = {},
): AdaptiveCard {
  return render('help', {
    t: texts(locale, 'core.help'),
    notUnderstood: options.notUnderstood ?? false,
    canReflect: options.canReflect ?? false,
    sections,
  });
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

export function summaryCard(
  flow: Flow,
  reflection: Reflection,
  opts: {
    mentorCount: number;
    alreadyAnswered?: boolean;
    followUpDays?: number;
    /** The student's earlier reflections with the same kernwoord (oldest first): the thread shown back. */
    thread?: { reflection: Reflection; flow: Flow | undefined }[];
  },
): AdaptiveCard {
  const locale = reflection.locale;
  const tx = texts(locale, 'core.summary') as Record<string, string>;
  return render('reflection-summary', {
    t: { thanks: opts.alreadyAnswered ? tx['alreadyAnswered'] : tx['thanks'] },
    followUpText:
      reflection.followUpDueAt && opts.followUpDays
        ? t(locale, 'student.summary.followUp', { days: opts.followUpDays })
        : undefined,
    title: flow.title[locale],
    answers: answerRows(flow, reflection, locale),
    ...(opts.thread?.length && reflection.kernwoord
      ? {
          thread: {
            before: t(locale, 'student.summary.threadBefore'),
            word: reflection.kernwoord,
            after: t(locale, 'student.summary.threadAfter', {
              count: opts.thread.length + 1,
              list: opts.thread.map((e) => (e.flow ?? flow).title[locale]).join(', '),
            }),
          },
        }
      : {}),
    competencies: competencyLine(locale, reflection.competencies, 'student'),
    // The student is told when the answer reaches the mentor at once rather than with the next overview
    // (they asked to talk, or a soft signal): the same rule the router follows.
    routingText:
      opts.mentorCount === 0 ? tx['noMentor'] : mentorMode(reflection) === 'now' ? tx['sentAtOnce'] : tx['sentToMentor'],
  });
}

/** A short message card; `locale` undefined means "not known yet": Dutch first, English second. */
export function messageCard(key: string, locale?: Locale, style: 'default' | 'attention' = 'default'): AdaptiveCard {
  const color = style === 'attention' ? 'Attention' : undefined;
  const paragraphs = locale
    ? [{ text: t(locale, key), color }]
    : [
        { text: t('nl', key), color },
        { text: t('en', key), color },
      ];
  return render('message', { paragraphs });
}
