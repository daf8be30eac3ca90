import { decide } from '../../core/authorization.ts';
import type { Person, School } from '../../core/entities.ts';
import { previousSchoolYear, type SchoolYear, schoolYearOf } from '../../core/time/school-year.ts';
import { type LocalDate, localDate } from '../../core/time/zoned-time.ts';
import type { Locale } from '../../core/types.ts';
import type { TeamDeps } from './education-teams.ts';
import {
  type CyclePhase,
  cyclePhases,
  defaultRemindDaysBefore,
  type EducationTeam,
  type Milestone,
  type MilestoneOwner,
  type QualityCycle,
  schoolCycleId,
  teamCycleId,
} from './quality-cycle.ts';
import { byDue, type DefaultTexts, defaultSchoolCycle, nextSchoolCycle, teamMilestones } from './template.ts';

// The cycles of a school year: created on first use (from last year's, or the shipped default), their
// state at a glance, who owns a milestone and who sees which cycle.

export interface QualityCycleDeps extends TeamDeps {
  newId: () => string;
  defaultTexts: (locale: Locale) => DefaultTexts;
  defaults: { locale: Locale; timeZone: string };
}

export interface SchoolClock {
  school: School | undefined;
  timeZone: string;
  locale: Locale;
  today: LocalDate;
  year: SchoolYear;
}

export async function schoolClock(deps: QualityCycleDeps, schoolId: string, at: Date = deps.clock.now()): Promise<SchoolClock> {
  const school = await deps.repos.schools.get(schoolId);
  const timeZone = school?.timeZone ?? deps.defaults.timeZone;
  const today = localDate(at, timeZone);
  return { school, timeZone, locale: school?.defaultLocale ?? deps.defaults.locale, today, year: schoolYearOf(today) };
}

/** The school's cycle for a year: last year's carried over, or the default for a school's first year. */
export async function ensureSchoolCycle(deps: QualityCycleDeps, schoolId: string, year: SchoolYear): Promise<QualityCycle> {
  const existing = await deps.cycles.cycles.get(schoolId, schoolCycleId(year.id));
  if (existing) return existing;
  const previous = await deps.cycles.cycles.get(schoolId, schoolCycleId(previousSchoolYear(year).id));
  const { locale } = await schoolClock(deps, schoolId);
  const content = previous ? nextSchoolCycle(previous) : defaultSchoolCycle(year, deps.defaultTexts(locale));
  const now = deps.clock.now().toISOString();
  return deps.cycles.cycles.ensure({
    id: schoolCycleId(year.id),
    schoolId,
    schoolYear: year.id,
    level: 'school',
    milestones: content.milestones.sort(byDue),
    teamTemplate: content.teamTemplate.sort(byDue),
    remindDaysBefore: previous?.remindDaysBefore ?? defaultRemindDaysBefore,
    createdAt: now,
    updatedAt: now,
  });
}

export async function ensureTeamCycle(
  deps: QualityCycleDeps,
  team: EducationTeam,
  year: SchoolYear,
  schoolCycle?: QualityCycle,
): Promise<QualityCycle> {
  const existing = await deps.cycles.cycles.get(team.schoolId, teamCycleId(year.id, team.id));
  if (existing) return existing;
  const school = schoolCycle ?? (await ensureSchoolCycle(deps, team.schoolId, year));
  const previous = await deps.cycles.cycles.get(team.schoolId, teamCycleId(previousSchoolYear(year).id, team.id));
  const now = deps.clock.now().toISOString();
  return deps.cycles.cycles.ensure({
    id: teamCycleId(year.id, team.id),
    schoolId: team.schoolId,
    schoolYear: year.id,
    level: 'team',
    teamId: team.id,
    milestones: teamMilestones(school.teamTemplate ?? [], previous?.milestones),
    createdAt: now,
    updatedAt: now,
  });
}

/** Every cycle of a school year: the school's and each team's, created where missing. */
export async function ensureYear(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
): Promise<{ school: QualityCycle; teams: { team: EducationTeam; cycle: QualityCycle }[] }> {
  const school = await ensureSchoolCycle(deps, schoolId, year);
  const teams = await deps.cycles.teams.list(schoolId);
  const stored = new Map((await deps.cycles.cycles.listByYear(schoolId, year.id)).map((c) => [c.id, c]));
  const out: { team: EducationTeam; cycle: QualityCycle }[] = [];
  for (const team of teams) {
    const cycle = stored.get(teamCycleId(year.id, team.id)) ?? (await ensureTeamCycle(deps, team, year, school));
    out.push({ team, cycle });
  }
  return { school, teams: out };
}

// --- state at a glance ---------------------------------------------------------------------------

export type MilestoneState = 'done' | 'overdue' | 'due-soon' | 'later';

export function stateOf(m: Pick<Milestone, 'due' | 'done'>, today: LocalDate, remindDays: number): MilestoneState {
  if (m.done) return 'done';
  if (m.due < today) return 'overdue';
  const soon = new Date(`${today}T00:00:00Z`);
  soon.setUTCDate(soon.getUTCDate() + remindDays);
  return m.due <= soon.toISOString().slice(0, 10) ? 'due-soon' : 'later';
}

export interface PhaseCount {
  phase: CyclePhase;
  done: number;
  dueSoon: number;
  overdue: number;
  later: number;
}

export function phaseCounts(milestones: readonly Milestone[], today: LocalDate, remindDays: number): PhaseCount[] {
  return cyclePhases.map((phase) => {
    const count: PhaseCount = { phase, done: 0, dueSoon: 0, overdue: 0, later: 0 };
    for (const m of milestones.filter((x) => x.phase === phase)) {
      const s = stateOf(m, today, remindDays);
      if (s === 'done') count.done++;
      else if (s === 'overdue') count.overdue++;
      else if (s === 'due-soon') count.dueSoon++;
      else count.later++;
    }
    return count;
  });
}

// --- who owns a milestone ------------------------------------------------------------------------

/** The people a milestone's owner stands for: the person, or the holders of the role (for a team: its leaders). */
export async function ownersOf(
  deps: QualityCycleDeps,
  schoolId: string,
  owner: MilestoneOwner,
  team: EducationTeam | undefined,
): Promise<Person[]> {
  if (owner.kind === 'person') {
    const p = await deps.repos.people.get(schoolId, owner.personId);
    return p ? [p] : [];
  }
  if (owner.role === 'team-leader' && team) {
    const leaders = await Promise.all(team.leaderIds.map((id) => deps.repos.people.get(schoolId, id)));
    return leaders.filter((p): p is Person => p !== undefined);
  }
  return deps.repos.people.listByRole(schoolId, owner.role);
}

// --- who sees what -------------------------------------------------------------------------------

/** All cycles a person may see in the status: coordinators and admins everything, team leaders their teams. */
export async function visibleCycles(
  deps: QualityCycleDeps,
  actor: Person,
  year: SchoolYear,
): Promise<{ school?: QualityCycle; teams: { team: EducationTeam; cycle: QualityCycle }[] }> {
  const all = await ensureYear(deps, actor.schoolId, year);
  const teams = all.teams.filter(
    ({ team }) =>
      decide(actor, 'quality-cycle.manage', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds })
        .allowed,
  );
  const seesSchool = decide(actor, 'quality-cycle.policy', { kind: 'school', schoolId: actor.schoolId }).allowed;
  return { ...(seesSchool ? { school: all.school } : {}), teams };
}

export function remindDays(schoolCycle: QualityCycle | undefined): number {
  return schoolCycle?.remindDaysBefore ?? defaultRemindDaysBefore;
}
