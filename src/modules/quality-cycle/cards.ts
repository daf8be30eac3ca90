import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import { calendarText, momentText } from '../../core/time/card-dates.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import type { Locale } from '../../core/types.ts';
import type { MilestoneView } from './milestone-cards.ts';
import { type DoneProblem, maxLink, maxNote } from './milestone-done.ts';
import type { MilestoneOwner } from './quality-cycle.ts';
import type { DefaultTexts } from './template.ts';
import type { MilestoneState, PhaseCount } from './year-cycle.ts';

// Cards of the quality cycle: a milestone and the status at a glance. Names, titles, descriptions, notes
// and links were typed by someone at the school: they are bound only into TextRun elements (or input
// values), never into Markdown. The same holds for ./evidence-cards.ts and ./edit-cards.ts.

/** Titles and descriptions of the shipped default milestones, in a school's language. */
export function defaultMilestoneTexts(locale: Locale): DefaultTexts {
  return (key) => ({
    title: t(locale, `pdca.defaults.${key}.title`),
    description: t(locale, `pdca.defaults.${key}.description`),
  });
}

export function yearLabel(schoolYear: string): string {
  return schoolYear.replace('-', '–');
}

const stateColors: Record<MilestoneState, string> = {
  done: 'Good',
  overdue: 'Attention',
  // Amber text (Warning) is too faint on a white card to read (WCAG contrast); the accent colour is not.
  'due-soon': 'Accent',
  later: 'Default',
};

export function ownerText(locale: Locale, owner: MilestoneOwner, names: readonly string[]): string {
  if (owner.kind === 'person') return names[0] ?? '?';
  const role = t(locale, `pdca.roles.${owner.role}`);
  return names.length ? `${role} (${names.join(', ')})` : role;
}

function doneProblemText(locale: Locale, p: DoneProblem): string {
  return t(locale, `pdca.milestone.errors.${p.field}`, { max: p.field === 'note' ? maxNote : maxLink });
}

export function milestoneCard(
  view: MilestoneView,
  locale: Locale,
  opts: {
    message?: string;
    messageColor?: 'Good' | 'Attention' | 'Default';
    problems?: DoneProblem[];
    values?: { note?: string; link?: string };
  } = {},
): AdaptiveCard {
  const { milestone: m, cycle, team } = view;
  const banner =
    view.state === 'done'
      ? undefined
      : view.purpose === 'escalation'
        ? t(locale, cycle.level === 'school' ? 'pdca.milestone.escalationSchool' : 'pdca.milestone.escalation')
        : view.purpose === 'owner'
          ? t(locale, 'pdca.milestone.ownerReminder')
          : t(locale, 'pdca.milestone.reminder');
  const done = m.done
    ? {
        by: t(locale, 'pdca.milestone.doneBy', {
          name: view.doneByName ?? '?',
          date: momentText(m.done.at, locale, view.timeZone, 'long'),
        }),
        note: m.done.note,
        link: m.done.link,
      }
    : undefined;
  const problems = (opts.problems ?? []).map((p) => ({ text: doneProblemText(locale, p) }));
  return render('quality-cycle-milestone', {
    t: texts(locale, 'pdca.milestone'),
    banner,
    bannerColor: view.state === 'overdue' ? 'Attention' : 'Default',
    level: t(locale, `pdca.levels.${cycle.level}`),
    teamName: team?.name,
    schoolYear: yearLabel(cycle.schoolYear),
    phase: t(locale, `pdca.phases.${m.phase}`),
    title: m.title,
    description: m.description || undefined,
    dueText: calendarText(m.due, locale, 'long'),
    ownerText: ownerText(locale, m.owner, view.ownerNames),
    stateText: t(locale, `pdca.states.${view.state}`),
    stateColor: stateColors[view.state],
    done,
    message: opts.message,
    messageColor: opts.messageColor ?? 'Default',
    errors: problems,
    form: m.done
      ? undefined
      : { maxNote, maxLink, note: opts.values?.note?.slice(0, maxNote), link: opts.values?.link?.slice(0, maxLink) },
    cycleId: cycle.id,
    milestoneId: m.id,
    openLink: m.done?.link,
  });
}

export interface StatusSection {
  name: string;
  level: 'school' | 'team';
  linkedTo?: string;
  teamId?: string;
  counts: PhaseCount[];
  attention: { title: string; due: LocalDate; state: MilestoneState }[];
}

export function statusCard(
  locale: Locale,
  input: { schoolYear: string; remindDays: number; sections: StatusSection[]; more: boolean },
): AdaptiveCard {
  const sections = input.sections.map((s) => ({
    name: s.name,
    level: t(locale, `pdca.levels.${s.level}`),
    linkedTo: s.linkedTo,
    notLinked: s.level === 'team' && !s.linkedTo ? t(locale, 'pdca.status.notLinked', { team: s.teamId ?? '' }) : undefined,
    phases: s.counts.map((c) => ({
      label: t(locale, `pdca.phases.${c.phase}`),
      counts: t(locale, 'pdca.status.counts', { done: c.done, dueSoon: c.dueSoon, overdue: c.overdue, later: c.later }),
      color: c.overdue ? 'Attention' : c.dueSoon ? 'Accent' : 'Default',
    })),
    attention: s.attention.map((a) => ({
      title: a.title,
      line: t(locale, 'pdca.status.attentionLine', {
        date: calendarText(a.due, locale, 'long'),
        state: t(locale, `pdca.states.${a.state}`),
      }),
      color: stateColors[a.state],
    })),
    actions:
      s.level === 'team'
        ? [
            { title: t(locale, 'pdca.status.evidence'), verb: 'pdca.evidence', data: { teamId: s.teamId } },
            { title: t(locale, 'pdca.status.milestones'), verb: 'pdca.milestones', data: { scope: 'team', teamId: s.teamId } },
          ]
        : [
            { title: t(locale, 'pdca.status.milestones'), verb: 'pdca.milestones', data: { scope: 'school' } },
            { title: t(locale, 'pdca.edit.templateScope'), verb: 'pdca.milestones', data: { scope: 'template' } },
          ],
  }));
  return render('quality-cycle-status', {
    t: texts(locale, 'pdca.status'),
    title: t(locale, 'pdca.status.title', { year: yearLabel(input.schoolYear) }),
    intro: t(locale, 'pdca.status.intro', { days: input.remindDays }),
    nothing: sections.length ? undefined : t(locale, 'pdca.status.nothing'),
    sections,
    more: input.more ? t(locale, 'pdca.status.more') : undefined,
  });
}
