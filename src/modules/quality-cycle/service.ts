import { decide } from '../../core/authorization.ts';
import type { Person, School } from '../../core/entities.ts';
import { inSchoolYear, previousSchoolYear, type SchoolYear, schoolYearOf } from '../../core/time/school-year.ts';
import { isDate, type LocalDate, localDate } from '../../core/time/zoned-time.ts';
import { type Locale, normalizeEmail, type Role } from '../../core/types.ts';
import { requireTeam, type TeamDeps } from './education-teams.ts';
import {
  type CyclePhase,
  cyclePhases,
  defaultRemindDaysBefore,
  type EducationTeam,
  type Milestone,
  type MilestoneDone,
  type MilestoneOwner,
  maxMilestones,
  type OwnerRole,
  ownerRoles,
  type QualityCycle,
  schoolCycleId,
  type TemplateMilestone,
  teamCycleId,
} from './quality-cycle.ts';
import { byDue, type DefaultTexts, defaultSchoolCycle, nextSchoolCycle, teamMilestones } from './template.ts';

// The cycle of a school year: created on first use (from last year's, or the shipped default), edited per
// school and per team, milestones marked done by their owners. Refusals come back as problems with a
// code, never as exceptions, so the CLI and the cards can say what to change.

export interface QualityCycleDeps extends TeamDeps {
  newId: () => string;
  defaultTexts: (locale: Locale) => DefaultTexts;
  defaults: { locale: Locale; timeZone: string };
}

export const maxTitle = 120;
export const maxDescription = 1000;
export const maxNote = 500;
export const maxLink = 2000;

const staffRoles: readonly Role[] = ['mentor', 'coordinator', 'team-leader', 'admin'];

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

// --- editing -------------------------------------------------------------------------------------

export type QualityCycleScope = { level: 'school' } | { level: 'template' } | { level: 'team'; teamId: string };

export interface MilestoneInput {
  phase?: string | undefined;
  title?: string | undefined;
  description?: string | undefined;
  due?: string | undefined;
  /** 'team-leader', 'coordinator', or a person's e-mail. */
  owner?: string | undefined;
}

export type MilestoneProblem =
  | { field: 'phase'; code: 'invalid' }
  | { field: 'title'; code: 'required' | 'too-long' }
  | { field: 'description'; code: 'too-long' }
  | { field: 'due'; code: 'required' | 'invalid' }
  | { field: 'due'; code: 'outside-year'; year: SchoolYear }
  | { field: 'owner'; code: 'required' }
  | { field: 'owner'; code: 'unknown-person' | 'not-staff'; value: string }
  | { field: 'milestone'; code: 'too-many' | 'not-found' };

export type SaveResult =
  | { ok: true; cycle: QualityCycle; milestone: Milestone | TemplateMilestone; changed: boolean }
  | { ok: false; problems: MilestoneProblem[] };

/** Text as typed, trimmed, without control characters other than tab and newline (it is escaped where it is shown, not here). */
export function cleanText(value: string): string {
  let out = '';
  for (const ch of value) {
    const code = ch.codePointAt(0)!;
    if ((code < 0x20 && ch !== '\n' && ch !== '\t') || code === 0x7f) continue;
    out += ch;
  }
  return out.trim();
}

function length(value: string): number {
  return [...value].length;
}

async function resolveOwner(
  deps: QualityCycleDeps,
  schoolId: string,
  raw: string,
): Promise<{ owner: MilestoneOwner } | { problem: MilestoneProblem }> {
  const value = raw.trim();
  if (!value) return { problem: { field: 'owner', code: 'required' } };
  if ((ownerRoles as readonly string[]).includes(value)) return { owner: { kind: 'role', role: value as OwnerRole } };
  const email = normalizeEmail(value).slice(0, 254);
  const person = await deps.repos.people.findByEmail(schoolId, email);
  if (!person) return { problem: { field: 'owner', code: 'unknown-person', value: email } };
  if (!person.roles.some((r) => staffRoles.includes(r))) return { problem: { field: 'owner', code: 'not-staff', value: email } };
  return { owner: { kind: 'person', personId: person.id } };
}

/** Checks the input against the milestone it changes (or an empty one); returns the fields to write. */
async function checkInput(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  current: TemplateMilestone | undefined,
  input: MilestoneInput,
): Promise<{ fields: Omit<TemplateMilestone, 'id'> } | { problems: MilestoneProblem[] }> {
  const problems: MilestoneProblem[] = [];
  const phase = input.phase?.trim().toLowerCase() || current?.phase;
  if (!phase || !(cyclePhases as readonly string[]).includes(phase)) problems.push({ field: 'phase', code: 'invalid' });
  const title = input.title !== undefined ? cleanText(input.title) : (current?.title ?? '');
  if (!title) problems.push({ field: 'title', code: 'required' });
  else if (length(title) > maxTitle) problems.push({ field: 'title', code: 'too-long' });
  const description = input.description !== undefined ? cleanText(input.description) : (current?.description ?? '');
  if (length(description) > maxDescription) problems.push({ field: 'description', code: 'too-long' });
  const due = input.due !== undefined ? input.due.trim() : current?.due;
  if (!due) problems.push({ field: 'due', code: 'required' });
  else if (!isDate(due)) problems.push({ field: 'due', code: 'invalid' });
  else if (!inSchoolYear(due, year)) problems.push({ field: 'due', code: 'outside-year', year });
  let owner = current?.owner;
  if (input.owner !== undefined || !owner) {
    const resolved = await resolveOwner(deps, schoolId, input.owner ?? '');
    if ('problem' in resolved) problems.push(resolved.problem);
    else owner = resolved.owner;
  }
  if (problems.length || !owner) return { problems };
  return { fields: { phase: phase as CyclePhase, title, description, due: due!, owner } };
}

function sameFields(a: Omit<TemplateMilestone, 'id'>, b: Omit<TemplateMilestone, 'id'>): boolean {
  return (
    a.phase === b.phase &&
    a.title === b.title &&
    a.description === b.description &&
    a.due === b.due &&
    JSON.stringify(a.owner) === JSON.stringify(b.owner)
  );
}

/**
 * Applies new fields to a milestone that may have been reminded about. A new due date restarts the weekly
 * escalation; cards already posted are not posted again but redrawn in place with the new fields.
 */
function applyFields(m: Milestone, fields: Omit<TemplateMilestone, 'id'>): Milestone {
  const next: Milestone = { ...m, ...fields };
  if (fields.due !== m.due) {
    delete next.remindedOn;
    delete next.escalatedOn;
  }
  if (next.cards?.length) next.cardsStale = true;
  return next;
}

async function cycleFor(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  scope: QualityCycleScope,
): Promise<QualityCycle> {
  if (scope.level !== 'team') return ensureSchoolCycle(deps, schoolId, year);
  const team = await requireTeam(deps, schoolId, scope.teamId);
  return ensureTeamCycle(deps, team, year);
}

function listOf(cycle: QualityCycle, scope: QualityCycleScope): readonly TemplateMilestone[] {
  return scope.level === 'template' ? (cycle.teamTemplate ?? []) : cycle.milestones;
}

/**
 * Adds (no id) or changes a milestone of the school level, the team template, or one team. A change to
 * the template reaches every team's milestone that still follows it and is not done yet.
 */
export async function saveMilestone(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  scope: QualityCycleScope,
  id: string | undefined,
  input: MilestoneInput,
): Promise<SaveResult> {
  const cycle = await cycleFor(deps, schoolId, year, scope);
  const current = id ? listOf(cycle, scope).find((m) => m.id === id) : undefined;
  if (id && !current) return { ok: false, problems: [{ field: 'milestone', code: 'not-found' }] };
  if (!id && listOf(cycle, scope).length >= maxMilestones)
    return { ok: false, problems: [{ field: 'milestone', code: 'too-many' }] };
  const checked = await checkInput(deps, schoolId, year, current, input);
  if ('problems' in checked) return { ok: false, problems: checked.problems };
  const { fields } = checked;
  if (current && sameFields(current, fields)) return { ok: true, cycle, milestone: current, changed: false };
  const milestoneId = id ?? `m-${deps.newId().replace(/-/g, '').slice(0, 10)}`;
  const now = deps.clock.now().toISOString();
  const stored = await deps.cycles.cycles.update(schoolId, cycle.id, (c) => {
    if (scope.level === 'template') {
      const list = c.teamTemplate ?? [];
      const next = id ? list.map((m) => (m.id === id ? { ...m, ...fields } : m)) : [...list, { id: milestoneId, ...fields }];
      return { ...c, teamTemplate: next.sort(byDue), updatedAt: now };
    }
    const list = c.milestones;
    // A team's own change ends "follows the template" for that milestone.
    const next = id
      ? list.map((m) => (m.id === id ? withoutTemplateFlag(applyFields(m, fields)) : m))
      : [...list, { id: milestoneId, ...fields }];
    return { ...c, milestones: next.sort(byDue), updatedAt: now };
  });
  if (scope.level === 'template') await propagateTemplate(deps, schoolId, year, { id: milestoneId, ...fields });
  const saved = listOf(stored, scope).find((m) => m.id === milestoneId)!;
  return { ok: true, cycle: stored, milestone: saved, changed: true };
}

function withoutTemplateFlag(m: Milestone): Milestone {
  const { fromTemplate: _dropped, ...rest } = m;
  return rest;
}

/** Brings one template milestone (or its removal) to every team that still follows it. */
async function propagateTemplate(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  change: TemplateMilestone | { id: string; removed: true },
): Promise<void> {
  const now = deps.clock.now().toISOString();
  for (const cycle of await deps.cycles.cycles.listByYear(schoolId, year.id)) {
    if (cycle.level !== 'team') continue;
    await deps.cycles.cycles.update(schoolId, cycle.id, (c) => {
      const current = c.milestones.find((m) => m.id === change.id);
      if ('removed' in change) {
        if (!current?.fromTemplate || current.done) return undefined;
        return { ...c, milestones: c.milestones.filter((m) => m.id !== change.id), updatedAt: now };
      }
      const { id: _id, ...fields } = change;
      if (!current) {
        if (c.milestones.length >= maxMilestones) return undefined;
        return { ...c, milestones: [...c.milestones, { ...change, fromTemplate: true }].sort(byDue), updatedAt: now };
      }
      if (!current.fromTemplate || current.done || sameFields(current, fields)) return undefined;
      return {
        ...c,
        milestones: c.milestones.map((m) => (m.id === change.id ? applyFields(m, fields) : m)).sort(byDue),
        updatedAt: now,
      };
    });
  }
}

export async function removeMilestone(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  scope: QualityCycleScope,
  id: string,
): Promise<{ ok: true; removed: TemplateMilestone } | { ok: false; problems: MilestoneProblem[] }> {
  const cycle = await cycleFor(deps, schoolId, year, scope);
  const current = listOf(cycle, scope).find((m) => m.id === id);
  if (!current) return { ok: false, problems: [{ field: 'milestone', code: 'not-found' }] };
  const now = deps.clock.now().toISOString();
  await deps.cycles.cycles.update(schoolId, cycle.id, (c) =>
    scope.level === 'template'
      ? { ...c, teamTemplate: (c.teamTemplate ?? []).filter((m) => m.id !== id), updatedAt: now }
      : { ...c, milestones: c.milestones.filter((m) => m.id !== id), updatedAt: now },
  );
  if (scope.level === 'template') await propagateTemplate(deps, schoolId, year, { id, removed: true });
  return { ok: true, removed: current };
}

/** Days before the due date that the channel and the owner are reminded (per school). */
export async function setRemindDays(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  days: number,
): Promise<QualityCycle> {
  const cycle = await ensureSchoolCycle(deps, schoolId, year);
  return deps.cycles.cycles.update(schoolId, cycle.id, (c) =>
    c.remindDaysBefore === days ? undefined : { ...c, remindDaysBefore: days, updatedAt: deps.clock.now().toISOString() },
  );
}

// --- marking done --------------------------------------------------------------------------------

export type DoneProblem =
  | { field: 'note'; code: 'too-long' }
  | { field: 'link'; code: 'invalid' | 'too-long' }
  | { field: 'done'; code: 'empty' };

/** A short note or a link to the document: https only, no user names or passwords in it. */
export function checkDoneInput(input: {
  note?: unknown;
  link?: unknown;
}): { ok: true; note?: string; link?: string } | { ok: false; problems: DoneProblem[] } {
  const problems: DoneProblem[] = [];
  const note = typeof input.note === 'string' ? cleanText(input.note) : '';
  const link = typeof input.link === 'string' ? input.link.trim() : '';
  if (input.note !== undefined && typeof input.note !== 'string') problems.push({ field: 'note', code: 'too-long' });
  if (length(note) > maxNote) problems.push({ field: 'note', code: 'too-long' });
  if (input.link !== undefined && typeof input.link !== 'string') problems.push({ field: 'link', code: 'invalid' });
  if (link) {
    if (link.length > maxLink) problems.push({ field: 'link', code: 'too-long' });
    else if (!isSafeLink(link)) problems.push({ field: 'link', code: 'invalid' });
  }
  if (!note && !link && problems.length === 0) problems.push({ field: 'done', code: 'empty' });
  if (problems.length) return { ok: false, problems };
  return { ok: true, ...(note ? { note } : {}), ...(link ? { link } : {}) };
}

export function isSafeLink(value: string): boolean {
  if (/\s/.test(value)) return false;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return false;
  }
  return url.protocol === 'https:' && url.hostname.length > 0 && !url.username && !url.password;
}

export interface MilestoneRef {
  cycleId: string;
  milestoneId: string;
}

export type DoneResult =
  | { kind: 'done'; cycle: QualityCycle; milestone: Milestone }
  | { kind: 'already-done'; cycle: QualityCycle; milestone: Milestone }
  | { kind: 'invalid'; cycle: QualityCycle; milestone: Milestone; problems: DoneProblem[] }
  | { kind: 'not-allowed'; cycle: QualityCycle; milestone: Milestone }
  | { kind: 'not-found' };

export async function findMilestone(
  deps: QualityCycleDeps,
  schoolId: string,
  ref: MilestoneRef,
): Promise<{ cycle: QualityCycle; milestone: Milestone; team: EducationTeam | undefined } | undefined> {
  const cycle = await deps.cycles.cycles.get(schoolId, ref.cycleId);
  const milestone = cycle?.milestones.find((m) => m.id === ref.milestoneId);
  if (!cycle || !milestone) return undefined;
  const team = cycle.teamId ? await deps.cycles.teams.get(schoolId, cycle.teamId) : undefined;
  return { cycle, milestone, team };
}

/** The policy's verdict on this person marking this milestone done. */
export async function mayComplete(
  deps: QualityCycleDeps,
  actor: Person,
  found: { cycle: QualityCycle; milestone: Milestone; team: EducationTeam | undefined },
): Promise<boolean> {
  const owners = await ownersOf(deps, found.cycle.schoolId, found.milestone.owner, found.team);
  return decide(actor, 'quality-cycle.complete', {
    kind: 'milestone',
    schoolId: found.cycle.schoolId,
    ownerIds: owners.map((p) => p.id),
    leaderIds: found.team?.leaderIds ?? [],
  }).allowed;
}

/**
 * Marks a milestone done with a note or a link. The actor is looked up in their own school only, so an id
 * from another school's card finds nothing. Marking it again changes nothing and says who did it.
 */
export async function markDone(
  deps: QualityCycleDeps,
  actor: Person,
  ref: MilestoneRef,
  input: { note?: unknown; link?: unknown },
  options: { checkPolicy: boolean } = { checkPolicy: true },
): Promise<DoneResult> {
  const found = await findMilestone(deps, actor.schoolId, ref);
  if (!found) return { kind: 'not-found' };
  const { cycle, milestone } = found;
  if (options.checkPolicy && !(await mayComplete(deps, actor, found))) return { kind: 'not-allowed', cycle, milestone };
  if (milestone.done) return { kind: 'already-done', cycle, milestone };
  const checked = checkDoneInput(input);
  if (!checked.ok) return { kind: 'invalid', cycle, milestone, problems: checked.problems };
  const done: MilestoneDone = {
    at: deps.clock.now().toISOString(),
    byPersonId: actor.id,
    ...(checked.note ? { note: checked.note } : {}),
    ...(checked.link ? { link: checked.link } : {}),
  };
  let won = false;
  const stored = await deps.cycles.cycles.update(actor.schoolId, cycle.id, (c) => {
    // Reset on every attempt: an attempt that lost the version race and is retried is not the winner.
    won = false;
    const m = c.milestones.find((x) => x.id === milestone.id);
    if (!m || m.done) return undefined; // removed meanwhile, or a double tap: the first one wins
    won = true;
    return {
      ...c,
      milestones: c.milestones.map((x) =>
        x.id === milestone.id ? { ...x, done, ...(x.cards?.length ? { cardsStale: true } : {}) } : x,
      ),
      updatedAt: done.at,
    };
  });
  const now = stored.milestones.find((m) => m.id === milestone.id);
  if (!now) return { kind: 'not-found' };
  return won ? { kind: 'done', cycle: stored, milestone: now } : { kind: 'already-done', cycle: stored, milestone: now };
}

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
