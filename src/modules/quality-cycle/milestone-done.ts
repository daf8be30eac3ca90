import { decide } from '../../core/authorization.ts';
import type { Person } from '../../core/entities.ts';
import { cleanText, length } from './milestone-edits.ts';
import type { EducationTeam, Milestone, MilestoneDone, QualityCycle } from './quality-cycle.ts';
import { ownersOf, type QualityCycleDeps } from './year-cycle.ts';

// Marking a milestone done, by its owners (or their team leader), with a short note or a link to the
// document. A double tap or two people at once: the first one wins, the other hears who did it.

export const maxNote = 500;
export const maxLink = 2000;

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
