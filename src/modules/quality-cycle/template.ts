import type { SchoolYear } from '../../core/time/school-year.ts';
import { type LocalDate, shiftYears } from '../../core/time/zoned-time.ts';
import type { CyclePhase, Milestone, OwnerRole, TemplateMilestone } from './quality-cycle.ts';

// The cycle a school gets when it starts: faithful to the two levels of ../shared/domain.md. The school's
// LOB policy plan is the coordinator's; each team's work plan is its team leader's. Coordinators edit both
// per school (the team template) and per team. Titles and descriptions come from the locale files, in the
// school's language, so this file holds only the shape and the calendar.

interface DefaultMilestone {
  key: string;
  phase: CyclePhase;
  /** Month and day; months from August on fall in the first calendar year of the school year. */
  due: { month: number; day: number };
  owner: OwnerRole;
}

export const defaultSchoolMilestones: readonly DefaultMilestone[] = [
  { key: 'policy-plan', phase: 'plan', due: { month: 8, day: 31 }, owner: 'coordinator' },
  // The policy says which professional development its mentors need; planning it is a step of its own.
  { key: 'mentor-development', phase: 'plan', due: { month: 9, day: 30 }, owner: 'coordinator' },
  { key: 'policy-in-practice', phase: 'do', due: { month: 1, day: 31 }, owner: 'coordinator' },
  // The yearly instrument milestone: the LOB scan's outcome feeds the evaluation in June.
  { key: 'lob-scan', phase: 'check', due: { month: 3, day: 31 }, owner: 'coordinator' },
  // The students' own view (the pulse, shown only in groups of 5 or more), discussed before the evaluation.
  { key: 'student-voice', phase: 'check', due: { month: 5, day: 31 }, owner: 'coordinator' },
  { key: 'policy-evaluation', phase: 'check', due: { month: 6, day: 15 }, owner: 'coordinator' },
  { key: 'policy-adjustment', phase: 'act', due: { month: 7, day: 10 }, owner: 'coordinator' },
];

export const defaultTeamMilestones: readonly DefaultMilestone[] = [
  { key: 'work-plan', phase: 'plan', due: { month: 8, day: 31 }, owner: 'team-leader' },
  { key: 'fixed-mentor', phase: 'do', due: { month: 9, day: 30 }, owner: 'team-leader' },
  // Internships are arranged per team: the agreements with the workplace supervisors are the team's.
  { key: 'supervisor-coordination', phase: 'do', due: { month: 10, day: 31 }, owner: 'team-leader' },
  { key: 'activities-recorded', phase: 'do', due: { month: 1, day: 31 }, owner: 'team-leader' },
  { key: 'mid-year-check', phase: 'check', due: { month: 2, day: 15 }, owner: 'team-leader' },
  { key: 'year-evaluation', phase: 'check', due: { month: 6, day: 15 }, owner: 'team-leader' },
  { key: 'adjustments', phase: 'act', due: { month: 7, day: 10 }, owner: 'team-leader' },
];

/** Title and description of a default milestone, in the school's language. */
export type DefaultTexts = (key: string) => { title: string; description: string };

function dueIn(year: SchoolYear, due: DefaultMilestone['due']): LocalDate {
  const calendarYear = Number(year.start.slice(0, 4)) + (due.month >= 8 ? 0 : 1);
  return `${calendarYear}-${String(due.month).padStart(2, '0')}-${String(due.day).padStart(2, '0')}`;
}

function fromDefault(year: SchoolYear, d: DefaultMilestone, texts: DefaultTexts): TemplateMilestone {
  const { title, description } = texts(d.key);
  return { id: d.key, phase: d.phase, title, description, due: dueIn(year, d.due), owner: { kind: 'role', role: d.owner } };
}

export function defaultSchoolCycle(
  year: SchoolYear,
  texts: DefaultTexts,
): { milestones: Milestone[]; teamTemplate: TemplateMilestone[] } {
  return {
    milestones: defaultSchoolMilestones.map((d) => fromDefault(year, d, texts)),
    teamTemplate: defaultTeamMilestones.map((d) => fromDefault(year, d, texts)),
  };
}

/** A milestone as it starts a new year: same plan, dates a year on, nothing done or sent yet. */
function renewed(m: TemplateMilestone & { fromTemplate?: boolean }, years: number): Milestone {
  return {
    id: m.id,
    phase: m.phase,
    title: m.title,
    description: m.description,
    due: shiftYears(m.due, years),
    owner: m.owner,
    ...(m.fromTemplate ? { fromTemplate: true } : {}),
  };
}

/**
 * Next year's school cycle starts from this year's (with its adjustments: that is what Act is for), one
 * year on; a school without a previous year starts from the default.
 */
export function nextSchoolCycle(previous: { milestones: Milestone[]; teamTemplate?: TemplateMilestone[] }): {
  milestones: Milestone[];
  teamTemplate: TemplateMilestone[];
} {
  return {
    milestones: previous.milestones.map((m) => renewed(m, 1)),
    teamTemplate: (previous.teamTemplate ?? []).map((m) => renewed(m, 1)),
  };
}

/**
 * A team's work plan for a year: the school's template for that year, plus what the team changed or added
 * last year (its own adjustments carry over; template milestones it never touched follow the template).
 */
export function teamMilestones(template: readonly TemplateMilestone[], previousYear?: readonly Milestone[]): Milestone[] {
  const own = (previousYear ?? []).filter((m) => !m.fromTemplate).map((m) => renewed(m, 1));
  const ownIds = new Set(own.map((m) => m.id));
  const fromTemplate = template.filter((m) => !ownIds.has(m.id)).map((m) => ({ ...renewed(m, 0), fromTemplate: true }));
  return [...fromTemplate, ...own].sort(byDue);
}

export function byDue(a: Pick<Milestone, 'due' | 'id'>, b: Pick<Milestone, 'due' | 'id'>): number {
  return a.due < b.due ? -1 : a.due > b.due ? 1 : a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
