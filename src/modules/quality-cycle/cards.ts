import type { Aggregate } from '../../core/aggregates.ts';
import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import { calendarText, formatPercent, momentText } from '../../core/time/card-dates.ts';
import type { SchoolYear } from '../../core/time/school-year.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import { competencies, type Locale } from '../../core/types.ts';
import { type CheckEvidence, type CompetencyShares, type EvidencePeriodChoice, evidencePeriodChoices } from './check-evidence.ts';
import { type CyclePhase, cyclePhases, type MilestoneOwner, maxMilestones, ownerRoles } from './quality-cycle.ts';
import type { MilestoneView } from './reminders.ts';
import type { DoneProblem, MilestoneProblem, MilestoneState, PhaseCount } from './service.ts';
import { maxDescription, maxLink, maxNote, maxTitle } from './service.ts';
import type { DefaultTexts } from './template.ts';

// Cards of the quality cycle. Names, titles, descriptions, notes and links were typed by someone at the
// school: they are bound only into TextRun elements (or input values), never into Markdown.

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

// --- Check evidence ------------------------------------------------------------------------------

function sharesRows(locale: Locale, figures: Aggregate<CompetencyShares>, complement: boolean) {
  if (figures.hidden) {
    return { hidden: t(locale, complement ? 'pdca.evidence.hiddenComplement' : 'pdca.evidence.hidden'), shares: undefined };
  }
  return {
    hidden: undefined,
    shares: competencies.map((c) => ({
      label: t(locale, `core.competencies.${c}`),
      value: formatPercent(figures.value[c], locale),
    })),
  };
}

/** The sentences of the Check evidence, shared by the card and the Markdown export. */
export function evidenceLines(locale: Locale, evidence: CheckEvidence, activityLabel: (type: string) => string) {
  const pct = (x: number) => formatPercent(x, locale);
  const notConnected = (what: 'campaignLedger' | 'mentorFollowUp') =>
    t(locale, 'pdca.evidence.notConnected', { what: t(locale, `pdca.evidence.${what}`) });
  const activities = evidence.activitiesHeld
    ? {
        note: evidence.activitiesHeld.length ? undefined : t(locale, 'pdca.evidence.activitiesNone'),
        rows: evidence.activitiesHeld.map((a) => ({ label: activityLabel(a.activityType), count: a.count })),
      }
    : { note: notConnected('campaignLedger'), rows: [] };
  /** A figure's sentence; hidden for a group under 5, or its source not connected. */
  const line = <T>(figure: Aggregate<T>, say: (value: T) => string) =>
    figure.hidden ? t(locale, 'pdca.evidence.hidden') : say(figure.value);
  const prompts = !evidence.prompts
    ? notConnected('campaignLedger')
    : line(evidence.prompts, (v) =>
        t(locale, 'pdca.evidence.promptsLine', {
          sent: v.sent,
          answered: v.answered,
          rate: pct(v.responseRate),
          reminded: v.reminded,
          reminderRate: pct(v.reminderRate),
        }),
      );
  const followUp = !evidence.followUp
    ? notConnected('mentorFollowUp')
    : line(evidence.followUp, (v) =>
        t(locale, 'pdca.evidence.followUpLine', {
          reflections: v.reflections,
          discussed: v.discussed,
          discussedRate: pct(v.discussedRate),
          withNote: v.withNote,
          noteRate: pct(v.noteRate),
        }),
      );
  const unreachable = line(evidence.unreachable, (v) =>
    t(locale, 'pdca.evidence.unreachableLine', { count: v.count, students: evidence.students, rate: pct(v.share) }),
  );
  return {
    activities,
    prompts,
    unreachable,
    followUp,
    periodText: t(locale, 'pdca.evidence.period', {
      from: calendarText(evidence.from, locale, 'long'),
      to: calendarText(evidence.to, locale, 'long'),
      year: yearLabel(evidence.schoolYear),
    }),
    studentsText: t(locale, 'pdca.evidence.students', { count: evidence.students }),
  };
}

export function evidenceCard(
  locale: Locale,
  evidence: CheckEvidence,
  opts: {
    period: EvidencePeriodChoice;
    activityLabel: (type: string) => string;
    downloads?: { csv: string; markdown: string; minutes: number };
  },
): AdaptiveCard {
  const { activities, prompts, unreachable, followUp, periodText, studentsText } = evidenceLines(
    locale,
    evidence,
    opts.activityLabel,
  );
  const coverage = [
    ...evidence.coverage.groups.map((g) => ({
      name: g.name,
      ...sharesRows(locale, g.figures, !g.small),
    })),
    { name: t(locale, 'pdca.evidence.coverageTotal'), ...sharesRows(locale, evidence.coverage.total, false) },
  ];
  return render('quality-cycle-evidence', {
    t: texts(locale, 'pdca.evidence'),
    teamName: evidence.teamName,
    teamId: evidence.teamId,
    periodText,
    studentsText,
    activities,
    prompts,
    promptsSubtle: !evidence.prompts || evidence.prompts.hidden,
    unreachable,
    coverage,
    followUp,
    followUpSubtle: !evidence.followUp || evidence.followUp.hidden,
    period: opts.period,
    periods: evidencePeriodChoices.map((p) => ({ value: p, title: t(locale, `pdca.evidence.periods.${p}`) })),
    downloads: opts.downloads
      ? {
          text: t(locale, 'pdca.evidence.downloadReady', { minutes: opts.downloads.minutes }),
          csv: opts.downloads.csv,
          markdown: opts.downloads.markdown,
        }
      : undefined,
  });
}

// --- editing -------------------------------------------------------------------------------------

export type ScopeData = { scope: 'school' | 'template' } | { scope: 'team'; teamId: string };

export interface MilestoneRow {
  id: string;
  phase: CyclePhase;
  due: LocalDate;
  title: string;
  owner: MilestoneOwner;
  ownerNames: string[];
  fromTemplate?: boolean;
  done?: boolean;
}

function scopeHeading(locale: Locale, scope: ScopeData, teamName: string | undefined): { heading: string; scopeName: string } {
  if (scope.scope === 'team')
    return { heading: t(locale, 'pdca.edit.listTitle', { scope: '' }), scopeName: teamName ?? scope.teamId };
  return {
    heading: t(locale, 'pdca.edit.listTitle', { scope: '' }),
    scopeName: t(locale, scope.scope === 'school' ? 'pdca.edit.schoolScope' : 'pdca.edit.templateScope'),
  };
}

export function milestonesCard(
  locale: Locale,
  input: {
    scope: ScopeData;
    teamName?: string;
    schoolYear: string;
    rows: MilestoneRow[];
    message?: { text: string; subject: string };
  },
): AdaptiveCard {
  const tags = (r: MilestoneRow) =>
    [r.fromTemplate ? t(locale, 'pdca.edit.fromTemplate') : '', r.done ? t(locale, 'pdca.states.done') : '']
      .filter(Boolean)
      .map((x) => ` · ${x}`)
      .join('');
  return render('quality-cycle-milestones', {
    t: texts(locale, 'pdca.edit'),
    ...scopeHeading(locale, input.scope, input.teamName),
    schoolYear: yearLabel(input.schoolYear),
    hint: input.scope.scope === 'template' ? t(locale, 'pdca.edit.templateHint') : undefined,
    message: input.message,
    rows: input.rows.map((r) => ({
      phase: t(locale, `pdca.phases.${r.phase}`),
      due: calendarText(r.due, locale, 'long'),
      title: r.title,
      ownerLabel: t(locale, 'pdca.milestone.owner'),
      owner: ownerText(locale, r.owner, r.ownerNames),
      tags: tags(r),
      data: { ...input.scope, milestoneId: r.id },
    })),
    addData: { ...input.scope },
  });
}

export function milestoneProblemText(locale: Locale, p: MilestoneProblem): string {
  const key = `pdca.edit.errors.${p.field === 'phase' ? 'phase' : `${p.field}-${p.code}`}`;
  const params: Record<string, string | number> = {
    max: p.field === 'title' ? maxTitle : p.field === 'description' ? maxDescription : maxMilestones,
  };
  if ('value' in p) params['value'] = p.value;
  if ('year' in p) {
    params['year'] = yearLabel(p.year.id);
    params['start'] = calendarText(p.year.start, locale, 'long');
    params['end'] = calendarText(p.year.end, locale, 'long');
  }
  return t(locale, key, params);
}

export function editCard(
  locale: Locale,
  input: {
    scope: ScopeData;
    teamName?: string;
    year: SchoolYear;
    milestoneId?: string;
    values: { phase?: string; title?: string; due?: string; owner?: string; ownerEmail?: string; description?: string };
    problems?: MilestoneProblem[];
  },
): AdaptiveCard {
  const { scopeName } = scopeHeading(locale, input.scope, input.teamName);
  const v = input.values;
  return render('quality-cycle-edit', {
    t: texts(locale, 'pdca.edit'),
    heading: `${t(locale, input.milestoneId ? 'pdca.edit.formTitle' : 'pdca.edit.formTitleNew')} · `,
    scopeName,
    errors: (input.problems ?? []).map((p) => ({ text: milestoneProblemText(locale, p) })),
    dueLabel: t(locale, 'pdca.edit.due', { year: yearLabel(input.year.id) }),
    required: {
      phase: t(locale, 'pdca.edit.errors.phase'),
      title: t(locale, 'pdca.edit.errors.title-required'),
      due: t(locale, 'pdca.edit.errors.due-required'),
      owner: t(locale, 'pdca.edit.errors.owner-required'),
    },
    values: {
      phase: v.phase,
      title: v.title?.slice(0, maxTitle),
      due: v.due?.slice(0, 10),
      owner: v.owner,
      ownerEmail: v.ownerEmail?.slice(0, 254),
      description: v.description?.slice(0, maxDescription),
    },
    limits: { title: maxTitle, description: maxDescription, min: input.year.start, max: input.year.end },
    phases: cyclePhases.map((p) => ({ value: p, title: t(locale, `pdca.phases.${p}`) })),
    owners: [
      ...ownerRoles.map((r) => ({ value: r, title: t(locale, `pdca.roles.${r}`) })),
      { value: 'person', title: t(locale, 'pdca.edit.ownerPerson') },
    ],
    data: { ...input.scope, ...(input.milestoneId ? { milestoneId: input.milestoneId } : {}) },
    scopeData: { ...input.scope },
    canRemove: Boolean(input.milestoneId),
  });
}
