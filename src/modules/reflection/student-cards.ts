import { type AdaptiveCard, competencyName, render } from '../../core/cards/cards.ts';
import type { FollowUpOutcome, Reflection } from '../../core/entities.ts';
import type { Flow } from '../../core/flows/flows.ts';
import { t, texts } from '../../core/i18n.ts';
import { momentText } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import type { Overview } from './overview.ts';

// Cards of the student's own commands: the choice of activity, the overview, pause, language, export and
// the follow-up. As everywhere, what a student or school typed is bound only into TextRuns.

/** The activities a student can reflect on, by title; the free flow last. */
export function pickerCard(locale: Locale, flows: Flow[], errorKey?: string): AdaptiveCard {
  const collator = new Intl.Collator(locale);
  const sorted = [
    ...flows.filter((f) => f.activityType !== 'free').sort((a, b) => collator.compare(a.title[locale], b.title[locale])),
    ...flows.filter((f) => f.activityType === 'free'),
  ];
  return render('activity-picker', {
    t: texts(locale, 'student.picker'),
    error: errorKey ? t(locale, errorKey) : undefined,
    flows: sorted.map((f) => ({ id: f.id, title: f.title[locale] })),
  });
}

const maxSnippet = 160;
function snippet(text: string | undefined): string {
  if (!text) return '';
  const chars = [...text];
  return chars.length > maxSnippet ? `${chars.slice(0, maxSnippet - 1).join('')}…` : text;
}

/** Growth, drawn as filled dots (at most ten), never as a checklist of what is missing. */
function bar(count: number): string {
  return '●'.repeat(Math.min(count, 10));
}

/** A talent signal as the student's overview lists it: who noticed it, when, and what they wrote. */
export interface OverviewTalent {
  from: string;
  text: string;
  at: string;
}

export function overviewCard(
  overview: Overview,
  locale: Locale,
  timeZone: string,
  talents: readonly OverviewTalent[] = [],
): AdaptiveCard {
  const tx = texts(locale, 'student.overview');
  const touched = overview.growth.filter((g) => g.count > 0);
  const untouched = overview.growth.filter((g) => g.count === 0);
  return render('my-reflections', {
    t: { ...tx, noteFrom: tx['noteFrom'] },
    empty: overview.total === 0 && talents.length === 0,
    // Newest first, a few: the overview is about the student's own entries.
    talents: talents.slice(0, 5).map((s) => ({
      from: t(locale, 'student.overview.talentFrom', { name: s.from, date: momentText(s.at, locale, timeZone, 'medium') }),
      text: snippet(s.text),
    })),
    growth: touched.map((g) => ({
      name: competencyName(locale, g.competency, 'student'),
      bar: bar(g.count),
      detail: t(locale, 'student.overview.times', { count: g.count, since: momentText(g.since!, locale, timeZone, 'medium') }),
    })),
    recurring: overview.recurring.length ? overview.recurring.map((r) => `${r.word} (${r.count}×)`).join(' · ') : undefined,
    toDiscover:
      touched.length && untouched.length
        ? t(locale, 'student.overview.toDiscover', {
            list: untouched.map((g) => competencyName(locale, g.competency, 'student')).join(', '),
          })
        : undefined,
    groups: overview.groups.map((g) => ({
      title: g.title[locale],
      count: g.total,
      entries: g.entries.map((e) => ({
        date: momentText(e.date, locale, timeZone, 'medium'),
        emotion: e.emotion ? t(locale, `core.emotions.${e.emotion}`) : '',
        happened: snippet(e.happened),
        nextStep: e.nextStep ? snippet(e.nextStep) : undefined,
        followUp: e.followUp ? t(locale, `student.overview.followUp.${e.followUp}`) : '',
        notes: e.notes.map((n) => ({ from: n.from, text: snippet(n.text) })),
      })),
    })),
    pageText: overview.pages > 1 ? t(locale, 'student.overview.page', { page: overview.page, pages: overview.pages }) : undefined,
    newerPage: overview.page > 1 ? overview.page - 1 : undefined,
    olderPage: overview.page < overview.pages ? overview.page + 1 : undefined,
  });
}

export type PauseView =
  | { kind: 'form'; paused?: string; error?: string; min: string; max: string; value?: string }
  | { kind: 'done'; message: string; paused: boolean };

export function pauseCard(locale: Locale, view: PauseView): AdaptiveCard {
  const tx = texts(locale, 'student.pause');
  if (view.kind === 'done') return render('pause', { t: tx, done: true, status: view.message, paused: view.paused });
  return render('pause', {
    t: tx,
    done: false,
    paused: Boolean(view.paused),
    status: view.paused ? t(locale, 'student.pause.paused', { date: view.paused }) : undefined,
    error: view.error,
    min: view.min,
    max: view.max,
    value: view.value,
  });
}

export function languageCard(locale: Locale, message: string, done: boolean): AdaptiveCard {
  return render('language', { t: texts(locale, 'student.language'), message, done });
}

export function exportCard(locale: Locale, input: { url: string; count: number; minutes: number }): AdaptiveCard {
  return render('export', {
    t: texts(locale, 'student.export'),
    url: input.url,
    counts: t(locale, 'student.export.counts', { count: input.count }),
    expires: t(locale, 'student.export.expires', { minutes: input.minutes }),
    // The AVG export (features/privacy.ts): everything else stored about the student, besides the dossier.
    everything: t(locale, 'privacy.card.export'),
  });
}

/** "Did your step happen?" and, once answered, what to reflect on next. */
export function followUpCard(input: {
  flow: Flow;
  reflection: Reflection;
  step: string;
  locale: Locale;
  outcome?: FollowUpOutcome;
  thanksKey?: string;
  next?: Flow[];
}): AdaptiveCard {
  const { locale, flow, reflection } = input;
  const answered = Boolean(input.outcome);
  return render('follow-up', {
    t: texts(locale, 'student.followUp'),
    intro: t(locale, 'student.followUp.intro'),
    flowTitle: flow.title[locale],
    step: input.step,
    answered,
    thanks: input.thanksKey ? t(locale, input.thanksKey) : undefined,
    outcomes: (['done', 'not-yet', 'changed-mind'] as const).map((outcome) => ({
      title: t(locale, `student.followUp.outcomes.${outcome}`),
      data: { reflectionId: reflection.id, outcome },
    })),
    next: answered
      ? [
          ...(input.next ?? []).map((f) => ({ title: f.title[locale], data: { flowId: f.id } })),
          { title: t(locale, 'student.followUp.other'), data: {} },
        ]
      : undefined,
  });
}
