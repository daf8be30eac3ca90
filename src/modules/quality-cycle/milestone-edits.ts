import type { SchoolYear } from '../../core/time/school-year.ts';
import { inSchoolYear } from '../../core/time/school-year.ts';
import { isDate } from '../../core/time/zoned-time.ts';
import { normalizeEmail, type Role } from '../../core/types.ts';
import { requireTeam } from './education-teams.ts';
import {
  type CyclePhase,
  cyclePhases,
  type Milestone,
  type MilestoneOwner,
  maxMilestones,
  type OwnerRole,
  ownerRoles,
  type QualityCycle,
  type TemplateMilestone,
} from './quality-cycle.ts';
import { byDue } from './template.ts';
import { ensureSchoolCycle, ensureTeamCycle, type QualityCycleDeps } from './year-cycle.ts';

// Editing a cycle: milestones added, changed and removed per school, in the team template (reaching every
// team that still follows it) and per team. Refusals come back as problems with a code, never as
// exceptions, so the CLI and the cards can say what to change.

export const maxTitle = 120;
export const maxDescription = 1000;

const staffRoles: readonly Role[] = ['mentor', 'coordinator', 'team-leader', 'admin'];

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

export function length(value: string): number {
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

/** The school's or a team's cycle of a year, made from the template when it does not exist yet. */
export async function cycleFor(
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
