import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Reflection } from '../domain/entities.ts';
import type { AnswerError, Flow } from '../domain/flows.ts';
import { type Competency, emotions, type Locale } from '../domain/types.ts';
import { t, texts } from '../i18n.ts';
import { expand } from './template.ts';

// Builders turn domain data into Adaptive Cards from the templates in cards/. Everything a student or a
// school typed (answers, names) is bound only into TextRun elements, which Adaptive Cards never read as
// Markdown, so it always shows as typed.

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

export const templatesDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../cards');
const templates = new Map<string, unknown>();

export function template(name: string): unknown {
  let tpl = templates.get(name);
  if (!tpl) {
    tpl = JSON.parse(fs.readFileSync(path.join(templatesDir, `${name}.json`), 'utf8')) as unknown;
    templates.set(name, tpl);
  }
  return tpl;
}

export function render(name: string, data: Record<string, unknown>): AdaptiveCard {
  return expand(template(name), data) as AdaptiveCard;
}

export function competencyLine(locale: Locale, tags: readonly Competency[]): string {
  if (tags.length === 0) return '';
  return t(locale, 'core.competencies.label', { list: tags.map((c) => t(locale, `core.competencies.${c}`)).join(', ') });
}

function answerRows(flow: Flow, reflection: Reflection, locale: Locale) {
  return flow.questions
    .filter((q) => reflection.answers[q.id] !== undefined)
    .map((q) => ({
      question: q.text[locale],
      answer: q.input === 'emotion' ? t(locale, `core.emotions.${reflection.answers[q.id]}`) : reflection.answers[q.id],
    }));
}

export function welcomeCard(locale: Locale, name: string): AdaptiveCard {
  return render('welcome', { t: texts(locale, 'core.welcome'), name });
}

export function helpCard(locale: Locale, notUnderstood = false): AdaptiveCard {
  const c = texts(locale, 'core.help.commands') as Record<string, string>;
  const commands =
    locale === 'nl'
      ? [
          { command: 'reflecteer', description: c['reflect'] },
          { command: 'hulp', description: c['help'] },
        ]
      : [
          { command: 'reflect', description: c['reflect'] },
          { command: 'help', description: c['help'] },
        ];
  return render('help', { t: texts(locale, 'core.help'), notUnderstood, commands });
}

export function reflectionCard(
  flow: Flow,
  reflection: Reflection,
  opts: { errors?: AnswerError[]; values?: Record<string, unknown> } = {},
): AdaptiveCard {
  const locale = reflection.locale;
  const value = (id: string) => {
    const v = opts.values?.[id];
    return typeof v === 'string' ? v.slice(0, 2000) : undefined;
  };
  const questionText = (field: string) => flow.questions.find((q) => q.id === field)?.text[locale] ?? field;
  const errors = (opts.errors ?? []).map((e) => ({
    message: t(locale, `core.reflection.errors.${e.code}`, {
      question: questionText(e.field),
      max: flow.questions.find((q) => q.id === e.field)?.maxLength ?? '',
    }),
  }));
  // One message per problem kind is enough for unexpected fields.
  const unique = errors.filter((e, i) => errors.findIndex((x) => x.message === e.message) === i);
  return render('reflection', {
    t: texts(locale, 'core.reflection'),
    title: flow.title[locale],
    reflectionId: reflection.id,
    wantsToTalk: opts.values?.['wants-to-talk'] === 'true' ? 'true' : 'false',
    errors: unique,
    questions: flow.questions.map((q) => ({
      id: q.id,
      input: q.input,
      text: q.text[locale],
      placeholder: q.placeholder?.[locale],
      required: q.required,
      maxLength: q.maxLength,
      value: value(q.id),
      choices: q.input === 'emotion' ? emotions.map((e) => ({ title: t(locale, `core.emotions.${e}`), value: e })) : undefined,
    })),
  });
}

export function summaryCard(
  flow: Flow,
  reflection: Reflection,
  opts: { mentorCount: number; alreadyAnswered?: boolean },
): AdaptiveCard {
  const locale = reflection.locale;
  const tx = texts(locale, 'core.summary') as Record<string, string>;
  return render('reflection-summary', {
    t: { thanks: opts.alreadyAnswered ? tx['alreadyAnswered'] : tx['thanks'] },
    title: flow.title[locale],
    answers: answerRows(flow, reflection, locale),
    competencies: competencyLine(locale, reflection.competencies),
    routingText: opts.mentorCount > 0 ? tx['sentToMentor'] : tx['noMentor'],
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
