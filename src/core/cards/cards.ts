import type { Reflection } from '../entities.ts';
import { type Flow, optionText, type Question, questionText } from '../flows/flows.ts';
import { t, texts } from '../i18n.ts';
import { mentorMode } from '../mentor-routing.ts';
import type { Competency, Locale } from '../types.ts';
import { type AdaptiveCard, render } from './card-templates.ts';

// Builders turn domain data into Adaptive Cards from the templates in cards/. Everything a student or a
// school typed (answers, names) is bound only into TextRun elements, which Adaptive Cards never read as
// Markdown, so it always shows as typed.

export { type AdaptiveCard, render, template, templateDirs, templateFiles } from './card-templates.ts';
export { draftOf, preparationCard, type ReflectionCardOptions, reflectionCard } from './reflection-cards.ts';

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
