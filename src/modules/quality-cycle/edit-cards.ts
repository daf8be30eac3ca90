import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import { calendarText } from '../../core/time/card-dates.ts';
import type { SchoolYear } from '../../core/time/school-year.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import type { Locale } from '../../core/types.ts';
import { ownerText, yearLabel } from './cards.ts';
import { type MilestoneProblem, maxDescription, maxTitle } from './milestone-edits.ts';
import { type CyclePhase, cyclePhases, type MilestoneOwner, maxMilestones, ownerRoles } from './quality-cycle.ts';

// The cards for editing milestones: the list of a scope and the form, with every problem above it.

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
