import { decide } from '../../core/authorization.ts';
import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import type { SchoolYear } from '../../core/time/school-year.ts';
import { type CardActionResponse, cardResponse, type Turn } from '../../teams/turn.ts';
import { editCard, milestonesCard, type ScopeData } from './edit-cards.ts';
import { type MilestoneInput, type QualityCycleScope, removeMilestone, saveMilestone } from './milestone-edits.ts';
import type { EducationTeam, Milestone, QualityCycle, TemplateMilestone } from './quality-cycle.ts';
import { editSchema, invalidCard, scopeSchema } from './teams-card-data.ts';
import { mayManageTeam } from './teams-status.ts';
import { ensureSchoolCycle, ensureTeamCycle, ownersOf, schoolClock } from './year-cycle.ts';

// Editing milestones from cards: the list of a scope (the school's policy plan, the team template, one
// team), the form, saving with every problem shown above the form, and removing.

type Scoped = { scope: ScopeData; cycleScope: QualityCycleScope; team?: EducationTeam };

/** The scope in card data, checked against the policy: school level and template for coordinators, a team for its leaders too. */
export async function scopeOf(turn: Turn, data: Record<string, unknown>): Promise<Scoped | undefined> {
  const parsed = scopeSchema.safeParse(data);
  if (!parsed.success) return undefined;
  const { actor, deps } = turn;
  if (parsed.data.scope !== 'team') {
    if (!decide(actor, 'quality-cycle.policy', { kind: 'school', schoolId: actor.schoolId }).allowed) return undefined;
    return { scope: { scope: parsed.data.scope }, cycleScope: { level: parsed.data.scope } };
  }
  const team = await deps.cycles.teams.get(actor.schoolId, parsed.data.teamId);
  if (!team || !mayManageTeam(actor, team)) return undefined;
  return { scope: { scope: 'team', teamId: team.id }, cycleScope: { level: 'team', teamId: team.id }, team };
}

async function scopedList(turn: Turn, s: Scoped, year: SchoolYear): Promise<(TemplateMilestone & Partial<Milestone>)[]> {
  const { cycle } = turn.deps.modules.qualityCycle;
  if (s.cycleScope.level === 'team') return (await ensureTeamCycle(cycle, s.team!, year)).milestones;
  const school: QualityCycle = await ensureSchoolCycle(cycle, turn.actor.schoolId, year);
  return s.cycleScope.level === 'template' ? (school.teamTemplate ?? []) : school.milestones;
}

export async function listCard(turn: Turn, s: Scoped, message?: { text: string; subject: string }) {
  const { cycle } = turn.deps.modules.qualityCycle;
  const clock = await schoolClock(cycle, turn.actor.schoolId);
  const list = await scopedList(turn, s, clock.year);
  const rows = await Promise.all(
    list.map(async (m) => ({
      id: m.id,
      phase: m.phase,
      due: m.due,
      title: m.title,
      owner: m.owner,
      ownerNames: (await ownersOf(cycle, turn.actor.schoolId, m.owner, s.team)).map((p) => p.name),
      fromTemplate: Boolean(m.fromTemplate),
      done: Boolean(m.done),
    })),
  );
  return milestonesCard(turn.locale, {
    scope: s.scope,
    ...(s.team ? { teamName: s.team.name } : {}),
    schoolYear: clock.year.id,
    rows,
    ...(message ? { message } : {}),
  });
}

export function notAllowed(turn: Turn, verb: string): CardActionResponse {
  turn.deps.log.warn({ personId: turn.actor.id, verb }, 'quality cycle edit refused: scope not theirs');
  return cardResponse(messageCard('pdca.edit.notAllowed', turn.locale, 'attention'));
}

async function formValues(turn: Turn, m: TemplateMilestone | undefined) {
  if (!m) return {};
  const person = m.owner.kind === 'person' ? await turn.deps.repos.people.get(turn.actor.schoolId, m.owner.personId) : undefined;
  return {
    phase: m.phase,
    title: m.title,
    due: m.due,
    owner: m.owner.kind === 'role' ? m.owner.role : 'person',
    ...(person?.email ? { ownerEmail: person.email } : {}),
    description: m.description,
  };
}

export async function editVerb(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const s = await scopeOf(turn, data);
  if (!s) return notAllowed(turn, 'pdca.edit');
  const parsed = editSchema.safeParse(data);
  if (!parsed.success) return invalidCard(turn, 'pdca.edit');
  const clock = await schoolClock(turn.deps.modules.qualityCycle.cycle, turn.actor.schoolId);
  const id = parsed.data.milestoneId;
  const current = id ? (await scopedList(turn, s, clock.year)).find((m) => m.id === id) : undefined;
  if (id && !current) return cardResponse(messageCard('pdca.edit.errors.milestone-not-found', turn.locale, 'attention'));
  return cardResponse(
    editCard(turn.locale, {
      scope: s.scope,
      ...(s.team ? { teamName: s.team.name } : {}),
      year: clock.year,
      ...(id ? { milestoneId: id } : {}),
      values: await formValues(turn, current),
    }),
  );
}

export async function saveVerb(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const s = await scopeOf(turn, data);
  if (!s) return notAllowed(turn, 'pdca.save');
  const parsed = editSchema.safeParse(data);
  if (!parsed.success) return invalidCard(turn, 'pdca.save');
  const { deps, actor, locale } = turn;
  const { cycle } = deps.modules.qualityCycle;
  const clock = await schoolClock(cycle, actor.schoolId);
  const v = parsed.data;
  const input: MilestoneInput = {
    phase: v.phase,
    title: v.title,
    due: v.due,
    description: v.description ?? '',
    owner: v.owner === 'person' ? (v.ownerEmail ?? '') : v.owner,
  };
  const result = await saveMilestone(cycle, actor.schoolId, clock.year, s.cycleScope, v.milestoneId, input);
  if (!result.ok) {
    deps.log.info({ personId: actor.id, problems: result.problems.map((p) => `${p.field}:${p.code}`) }, 'milestone not saved');
    return cardResponse(
      editCard(locale, {
        scope: s.scope,
        ...(s.team ? { teamName: s.team.name } : {}),
        year: clock.year,
        ...(v.milestoneId ? { milestoneId: v.milestoneId } : {}),
        values: { ...v },
        problems: result.problems,
      }),
    );
  }
  deps.log.info(
    { personId: actor.id, scope: s.cycleScope.level, milestoneId: result.milestone.id, changed: result.changed },
    'milestone saved',
  );
  if (result.changed && 'cards' in result.milestone && result.milestone.cards?.length) {
    await deps.modules.qualityCycle.milestoneCards.sync(actor.schoolId, result.cycle.id, result.milestone.id);
  }
  return cardResponse(await listCard(turn, s, { text: t(locale, 'pdca.edit.saved'), subject: ` ${result.milestone.title}` }));
}

export async function removeVerb(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const s = await scopeOf(turn, data);
  if (!s) return notAllowed(turn, 'pdca.remove');
  const parsed = editSchema.safeParse(data);
  if (!parsed.success || !parsed.data.milestoneId) return invalidCard(turn, 'pdca.remove');
  const { cycle } = turn.deps.modules.qualityCycle;
  const clock = await schoolClock(cycle, turn.actor.schoolId);
  const result = await removeMilestone(cycle, turn.actor.schoolId, clock.year, s.cycleScope, parsed.data.milestoneId);
  if (!result.ok) return cardResponse(messageCard('pdca.edit.errors.milestone-not-found', turn.locale, 'attention'));
  turn.deps.log.info({ personId: turn.actor.id, scope: s.cycleScope.level, milestoneId: result.removed.id }, 'milestone removed');
  return cardResponse(await listCard(turn, s, { text: t(turn.locale, 'pdca.edit.removed'), subject: result.removed.title }));
}
