import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { dayText } from '../mentoring/cards.ts';
import { companyMaxLength, nameMaxLength, type ShareLink, type Supervisor, type TrialoogAnswer } from './entities.ts';

// The student's cards for sharing: their supervisor, the share menu (pick a reflection, ask the
// supervisor or share with a parent, see and revoke live links), the link to pass on, and the
// supervisor's answer with the choice to show it to the mentor. Typed text is always a TextRun.

export interface Notice {
  text: string;
  color: 'Good' | 'Attention';
}

export function supervisorFormCard(input: {
  locale: Locale;
  values?: { name?: string; email?: string; company?: string };
  notice?: Notice;
}): AdaptiveCard {
  return render('supervisor-form', {
    t: texts(input.locale, 'sharing.supervisor'),
    name: input.values?.name ?? '',
    email: input.values?.email ?? '',
    company: input.values?.company ?? '',
    nameMax: nameMaxLength,
    companyMax: companyMaxLength,
    ...(input.notice ? { notice: input.notice } : {}),
  });
}

function reflectionTitle(r: Reflection, flows: FlowCatalog, locale: Locale, timeZone: string): string {
  const flow = flows.get(r.flowId) ?? flows.defaultFlow();
  const when = dayText(r.submittedAt ?? r.createdAt, locale, timeZone);
  return r.kernwoord ? `${flow.title[locale]}, ${when} (${r.kernwoord})` : `${flow.title[locale]}, ${when}`;
}

export function linkText(link: ShareLink, titles: ReadonlyMap<string, string>, locale: Locale, timeZone: string): string {
  const what =
    link.subject.kind === 'dossier'
      ? t(locale, 'sharing.menu.dossier')
      : (titles.get(link.subject.reflectionId) ?? t(locale, 'sharing.menu.aReflection'));
  const to =
    link.audience === 'supervisor'
      ? link.supervisorName || t(locale, 'sharing.menu.supervisor')
      : t(locale, 'sharing.menu.parent');
  return t(locale, 'sharing.menu.linkLine', { what, to, date: dayText(link.expiresAt, locale, timeZone) });
}

export function shareMenuCard(input: {
  locale: Locale;
  timeZone: string;
  flows: FlowCatalog;
  reflections: Reflection[];
  supervisor: Supervisor | undefined;
  links: ShareLink[];
  /** Titles of the student's reflections by id (for the live links). */
  titles: ReadonlyMap<string, string>;
  notice?: Notice;
}): AdaptiveCard {
  const { locale, timeZone, flows } = input;
  const reflections = input.reflections.map((r) => ({ title: reflectionTitle(r, flows, locale, timeZone), value: r.id }));
  return render('share-menu', {
    t: texts(locale, 'sharing.menu'),
    supervisor: input.supervisor ? `${input.supervisor.name} (${input.supervisor.company})` : '',
    canAsk: Boolean(input.supervisor),
    empty: reflections.length === 0,
    reflections,
    first: reflections[0]?.value ?? '',
    hasLinks: input.links.length > 0,
    links: input.links.map((l) => ({
      text: linkText(l, input.titles, locale, timeZone),
      linkId: l.id,
      revoke: t(locale, 'sharing.menu.revoke'),
    })),
    ...(input.notice ? { notice: input.notice } : {}),
  });
}

export function titlesOf(reflections: Reflection[], flows: FlowCatalog, locale: Locale, timeZone: string): Map<string, string> {
  return new Map(reflections.map((r) => [r.id, reflectionTitle(r, flows, locale, timeZone)]));
}

export function shareLinkCard(input: {
  locale: Locale;
  timeZone: string;
  link: ShareLink;
  url: string;
  what: string;
  /** Whether the link was mailed to the supervisor too (only where the school sends mail). */
  mailed?: Notice;
}): AdaptiveCard {
  const { locale, link } = input;
  const supervisor = link.audience === 'supervisor';
  return render('share-link', {
    t: texts(locale, 'sharing.link'),
    title: t(locale, supervisor ? 'sharing.link.titleSupervisor' : 'sharing.link.titleParent'),
    pass: supervisor
      ? t(locale, 'sharing.link.passSupervisor', { name: link.supervisorName ?? '', what: input.what })
      : t(locale, 'sharing.link.passParent', { what: input.what }),
    url: input.url,
    expires: t(locale, 'sharing.link.expires', { date: dayText(link.expiresAt, locale, input.timeZone) }),
    linkId: link.id,
    ...(input.mailed ? { mailed: input.mailed } : {}),
  });
}

export function trialoogAnswerCard(input: {
  locale: Locale;
  timeZone: string;
  answer: TrialoogAnswer;
  flowTitle: string;
  notice?: Notice;
}): AdaptiveCard {
  const { locale, answer } = input;
  const rows = [
    { label: t(locale, 'sharing.answer.seen'), text: answer.seen },
    { label: t(locale, 'sharing.answer.next'), text: answer.next },
    ...(answer.more ? [{ label: t(locale, 'sharing.answer.more'), text: answer.more }] : []),
  ];
  const from = answer.company
    ? t(locale, 'sharing.answer.fromAt', { name: answer.supervisorName, company: answer.company })
    : t(locale, 'sharing.answer.from', { name: answer.supervisorName });
  return render('trialoog-answer', {
    t: texts(locale, 'sharing.answer'),
    from,
    about: input.flowTitle
      ? t(locale, 'sharing.answer.about', {
          flow: input.flowTitle,
          date: dayText(answer.submittedAt, locale, input.timeZone),
        })
      : '',
    rows,
    answerId: answer.id,
    decision: answer.decision ?? '',
    ...(input.notice ? { notice: input.notice } : {}),
  });
}
