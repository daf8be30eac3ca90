import { z } from 'zod';
import { decide } from '../../core/authorization.ts';
import { messageCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import type { SchoolYear } from '../../core/time/school-year.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import type { Locale } from '../../core/types.ts';
import { isPersonal } from '../../teams/activity.ts';
import { type BotDeps, type CardActionResponse, type CardVerb, cardResponse, type Feature, type Turn } from '../../teams/turn.ts';
import {
  editCard,
  evidenceCard,
  milestoneCard,
  milestonesCard,
  type ScopeData,
  type StatusSection,
  statusCard,
} from './cards.ts';
import {
  buildCheckEvidence,
  type CheckEvidence,
  type EvidencePeriodChoice,
  evidencePeriod,
  evidencePeriodChoices,
  relatedPeriods,
} from './check-evidence.ts';
import { linkTeam, TeamError, type TeamProblem, teamIdPattern } from './education-teams.ts';
import { evidenceCsv, evidenceMarkdown } from './evidence-export.ts';
import { markDone } from './milestone-done.ts';
import { type MilestoneInput, type QualityCycleScope, removeMilestone, saveMilestone } from './milestone-edits.ts';
import type { EducationTeam, Milestone, QualityCycle, TemplateMilestone } from './quality-cycle.ts';
import {
  ensureSchoolCycle,
  ensureTeamCycle,
  ownersOf,
  phaseCounts,
  remindDays,
  schoolClock,
  stateOf,
  visibleCycles,
} from './year-cycle.ts';

// The quality cycle in Teams: `pdca` for team leaders and coordinators (status at a glance, Check
// evidence, milestones to edit), `pdca koppel <team>` in a team's channel to link it, the milestone card
// owners mark done (in the channel or their chat), and the reminder job.

// --- card data ------------------------------------------------------------------------------------

const teamId = z.string().regex(teamIdPattern);
const cycleId = z.string().regex(/^\d{4}-\d{4}:(school|team:[a-z0-9][a-z0-9-]{0,39})$/);
const milestoneId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);
const text = (max: number) => z.string().max(max).optional();
const scopeSchema = z.discriminatedUnion('scope', [
  z.looseObject({ scope: z.literal('school') }),
  z.looseObject({ scope: z.literal('template') }),
  z.looseObject({ scope: z.literal('team'), teamId }),
]);
const doneSchema = z.looseObject({ cycleId, milestoneId, note: z.unknown().optional(), link: z.unknown().optional() });
const evidenceSchema = z.looseObject({
  teamId,
  period: z.enum(evidencePeriodChoices as [EvidencePeriodChoice, ...EvidencePeriodChoice[]]).optional(),
});
const editSchema = z.looseObject({
  milestoneId: milestoneId.optional(),
  phase: text(16),
  title: text(2000),
  due: text(32),
  owner: text(32),
  ownerEmail: text(320),
  description: text(5000),
});

function invalidCard(turn: Turn, verb: string): CardActionResponse {
  turn.deps.log.warn({ personId: turn.actor.id, verb }, 'quality cycle card action with invalid data refused');
  return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
}

function teamErrorText(locale: Locale, p: TeamProblem): string {
  const params: Record<string, string> = {};
  if ('value' in p) params['value'] = p.value;
  if ('role' in p) params['role'] = p.role;
  if ('by' in p) params['by'] = p.by;
  if ('known' in p) params['known'] = p.known.join(', ') || '-';
  return t(locale, `pdca.errors.${p.code}`, params);
}

/** A plain message, in the person's language (the message card reads a locale key). */
function textCard(text: string, attention = false) {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...(attention ? { color: 'Attention' } : {}) }] }],
  };
}

// --- status --------------------------------------------------------------------------------------

const maxSections = 12;

function attentionOf(milestones: readonly Milestone[], today: LocalDate, days: number): StatusSection['attention'] {
  return milestones
    .map((m) => ({ m, state: stateOf(m, today, days) }))
    .filter((x) => x.state === 'overdue' || x.state === 'due-soon')
    .slice(0, 5)
    .map(({ m, state }) => ({ title: m.title, due: m.due, state }));
}

async function statusFor(turn: Turn, onlyTeam?: EducationTeam) {
  const { cycle } = turn.deps.modules.qualityCycle;
  const clock = await schoolClock(cycle, turn.actor.schoolId);
  const visible = await visibleCycles(cycle, turn.actor, clock.year);
  const days = remindDays(visible.school ?? (await ensureSchoolCycle(cycle, turn.actor.schoolId, clock.year)));
  const sections: StatusSection[] = [];
  if (visible.school && !onlyTeam) {
    sections.push({
      name: t(turn.locale, 'pdca.levels.school'),
      level: 'school',
      counts: phaseCounts(visible.school.milestones, clock.today, days),
      attention: attentionOf(visible.school.milestones, clock.today, days),
    });
  }
  const teams = visible.teams.filter(({ team }) => !onlyTeam || team.id === onlyTeam.id);
  for (const { team, cycle: c } of teams.slice(0, maxSections)) {
    sections.push({
      name: team.name,
      level: 'team',
      teamId: team.id,
      ...(team.teamsTeamId ? { linkedTo: team.teamsTeamName ?? team.teamsTeamId } : {}),
      counts: phaseCounts(c.milestones, clock.today, days),
      attention: attentionOf(c.milestones, clock.today, days),
    });
  }
  return statusCard(turn.locale, { schoolYear: clock.year.id, remindDays: days, sections, more: teams.length > maxSections });
}

/** The education team this channel's Teams team is linked to. */
async function channelTeam(turn: Turn): Promise<EducationTeam | undefined> {
  const teamsTeamId = turn.activity.channelData?.team?.id;
  if (!teamsTeamId) return undefined;
  return turn.deps.cycles.teams.findByTeamsTeam(turn.actor.schoolId, teamsTeamId);
}

function mayManageTeam(actor: Person, team: EducationTeam): boolean {
  return decide(actor, 'quality-cycle.manage', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds })
    .allowed;
}

async function linkFromChannel(turn: Turn, arg: string): Promise<void> {
  const { deps, actor, locale } = turn;
  const teamsTeamId = turn.activity.channelData?.team?.id;
  if (isPersonal(turn.activity) || !teamsTeamId) {
    await turn.sendCard(messageCard('pdca.link.channelOnly', locale));
    return;
  }
  if (!arg) {
    await turn.sendCard(messageCard('pdca.link.usage', locale));
    return;
  }
  const ref = await deps.repos.conversations.team(actor.schoolId, teamsTeamId);
  if (!ref?.installed) {
    await turn.sendCard(messageCard('pdca.link.notInstalled', locale, 'attention'));
    return;
  }
  const team = await deps.cycles.teams.get(actor.schoolId, arg);
  if (!team || !mayManageTeam(actor, team)) {
    // Teams someone may not manage are answered as unknown: nobody learns other teams' codes.
    deps.log.info({ personId: actor.id, teamsTeamId }, 'quality cycle link refused: unknown team or not theirs');
    await turn.sendCard(textCard(teamErrorText(locale, { code: 'unknown-team', value: arg.slice(0, 40) }), true));
    return;
  }
  try {
    const before = team.teamsTeamId;
    const linked = await linkTeam(deps.modules.qualityCycle.cycle, actor.schoolId, team.id, ref);
    deps.log.info({ personId: actor.id, teamId: team.id, teamsTeamId }, 'education team linked to a Teams team');
    await turn.sendCard(
      textCard(t(locale, before === teamsTeamId ? 'pdca.link.unchanged' : 'pdca.link.done', { team: linked.name })),
    );
  } catch (err) {
    if (!(err instanceof TeamError)) throw err;
    await turn.sendCard(textCard(teamErrorText(locale, err.problem), true));
  }
}

async function qualityCycleCommand(turn: Turn, args: string): Promise<void> {
  const { deps, actor, locale } = turn;
  const [sub = '', ...rest] = args.split(' ').filter(Boolean);
  if (sub === 'koppel' || sub === 'link') {
    await linkFromChannel(turn, rest.join(' '));
    return;
  }
  if (!isPersonal(turn.activity)) {
    // In a channel: the status of the team this channel belongs to, nothing about other teams.
    const team = await channelTeam(turn);
    if (!team) {
      await turn.sendCard(messageCard('pdca.link.channelNotLinked', locale));
      return;
    }
    if (!mayManageTeam(actor, team)) {
      await turn.sendCard(messageCard('pdca.edit.notAllowed', locale));
      return;
    }
    await turn.sendCard(await statusFor(turn, team));
    return;
  }
  if (sub) {
    const team = teamIdPattern.test(sub) ? await deps.cycles.teams.get(actor.schoolId, sub) : undefined;
    if (!team || !mayManageTeam(actor, team)) {
      await turn.sendCard(textCard(t(locale, 'pdca.status.unknownTeam', { team: sub.slice(0, 40) }), true));
      return;
    }
    await turn.sendCard(await statusFor(turn, team));
    return;
  }
  await turn.sendCard(await statusFor(turn));
}

// --- marking done --------------------------------------------------------------------------------

async function done(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
  const parsed = doneSchema.safeParse(data);
  if (!parsed.success) return invalidCard(turn, 'pdca.done');
  const { deps, actor, locale } = turn;
  const { cycle, milestoneCards } = deps.modules.qualityCycle;
  const ref = { cycleId: parsed.data.cycleId, milestoneId: parsed.data.milestoneId };
  const result = await markDone(cycle, actor, ref, { note: parsed.data.note, link: parsed.data.link });
  if (result.kind === 'not-found') {
    deps.log.info({ personId: actor.id, ...ref }, 'quality cycle done: milestone not found');
    return cardResponse(messageCard('pdca.milestone.notFound', locale, 'attention'));
  }
  const clock = await schoolClock(cycle, actor.schoolId);
  const team = result.cycle.teamId ? await deps.cycles.teams.get(actor.schoolId, result.cycle.teamId) : undefined;
  const purpose = isPersonal(turn.activity) ? 'owner' : 'channel';
  const view = () => milestoneCards.view(result.cycle, result.milestone, team, purpose, clock);
  switch (result.kind) {
    case 'not-allowed':
      deps.log.warn({ personId: actor.id, ...ref }, 'quality cycle done refused: not an owner');
      return cardResponse(
        milestoneCard(await view(), locale, { message: t(locale, 'pdca.milestone.notAllowed'), messageColor: 'Attention' }),
      );
    case 'invalid': {
      const values = {
        ...(typeof parsed.data.note === 'string' ? { note: parsed.data.note } : {}),
        ...(typeof parsed.data.link === 'string' ? { link: parsed.data.link } : {}),
      };
      deps.log.info(
        { personId: actor.id, ...ref, problems: result.problems.map((p) => `${p.field}:${p.code}`) },
        'quality cycle done refused',
      );
      return cardResponse(milestoneCard(await view(), locale, { problems: result.problems, values }));
    }
    case 'already-done':
      return cardResponse(milestoneCard(await view(), locale, { message: t(locale, 'pdca.milestone.alreadyDone') }));
    case 'done': {
      deps.log.info({ personId: actor.id, ...ref, withLink: Boolean(result.milestone.done?.link) }, 'milestone done');
      // Every card of this milestone (the channel's, owners', escalations) now shows it done; what fails
      // here stays marked stale and the reminder job updates it later.
      await milestoneCards.sync(actor.schoolId, ref.cycleId, ref.milestoneId);
      return cardResponse(
        milestoneCard(await view(), locale, { message: t(locale, 'pdca.milestone.doneThanks'), messageColor: 'Good' }),
      );
    }
  }
}

// --- Check evidence ------------------------------------------------------------------------------

export function activityLabeler(deps: BotDeps, locale: Locale): (type: string) => string {
  return (type) => deps.flows.all().find((f) => f.activityType === type)?.title[locale] ?? type;
}

/** The Check evidence of a team, after the policy: aggregates, own team only for team leaders, linked teams only. */
async function teamEvidence(
  turn: Turn,
  data: Record<string, unknown>,
  verb: string,
): Promise<{ evidence: CheckEvidence; choice: EvidencePeriodChoice } | CardActionResponse> {
  const parsed = evidenceSchema.safeParse(data);
  if (!parsed.success) return invalidCard(turn, verb);
  const { deps, actor, locale } = turn;
  const team = await deps.cycles.teams.get(actor.schoolId, parsed.data.teamId);
  if (
    !team ||
    !decide(actor, 'aggregates.read', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds }).allowed
  ) {
    deps.log.warn({ personId: actor.id, teamId: parsed.data.teamId }, 'check evidence refused: not their team');
    return cardResponse(messageCard('pdca.evidence.notYourTeam', locale, 'attention'));
  }
  if (!team.teamsTeamId) return cardResponse(textCard(t(locale, 'pdca.evidence.notLinked', { team: team.id }), true));
  const clock = await schoolClock(deps.modules.qualityCycle.cycle, actor.schoolId);
  const choice = parsed.data.period ?? 'year';
  const { year, period } = evidencePeriod(choice, clock);
  const evidence = await buildCheckEvidence(deps.evidence, {
    schoolId: actor.schoolId,
    team,
    schoolYear: year.id,
    period,
    now: deps.clock.now(),
    related: relatedPeriods(choice, clock),
  });
  deps.log.info({ personId: actor.id, teamId: team.id, from: period.from, to: period.to }, 'check evidence shown');
  return { evidence, choice };
}

async function evidenceVerb(turn: Turn, data: Record<string, unknown>, withDownloads: boolean): Promise<CardActionResponse> {
  const found = await teamEvidence(turn, data, withDownloads ? 'pdca.export' : 'pdca.evidence');
  if (!('evidence' in found)) return found;
  const { deps, actor, locale } = turn;
  const label = activityLabeler(deps, locale);
  let downloads: { csv: string; markdown: string; minutes: number } | undefined;
  if (withDownloads) {
    const e = found.evidence;
    const base = `${t(locale, 'pdca.evidence.title')}-${e.teamId}-${e.from}-${e.to}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    const { urls } = await deps.downloads.create({
      schoolId: actor.schoolId,
      personId: actor.id,
      files: {
        csv: { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: evidenceCsv(e, locale, label) },
        md: { filename: `${base}.md`, contentType: 'text/markdown; charset=utf-8', body: evidenceMarkdown(e, locale, label) },
      },
    });
    downloads = { csv: urls['csv']!, markdown: urls['md']!, minutes: Math.round(deps.downloads.ttlMs / 60_000) };
    deps.log.info({ personId: actor.id, teamId: e.teamId }, 'check evidence export created');
  }
  return cardResponse(
    evidenceCard(locale, found.evidence, {
      period: found.choice,
      activityLabel: label,
      ...(downloads ? { downloads } : {}),
    }),
  );
}

// --- editing milestones --------------------------------------------------------------------------

type Scoped = { scope: ScopeData; cycleScope: QualityCycleScope; team?: EducationTeam };

/** The scope in card data, checked against the policy: school level and template for coordinators, a team for its leaders too. */
async function scopeOf(turn: Turn, data: Record<string, unknown>): Promise<Scoped | undefined> {
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

async function listCard(turn: Turn, s: Scoped, message?: { text: string; subject: string }) {
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

function notAllowed(turn: Turn, verb: string): CardActionResponse {
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

async function editVerb(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
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

async function saveVerb(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
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

async function removeVerb(turn: Turn, data: Record<string, unknown>): Promise<CardActionResponse> {
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

export const qualityCycleFeature: Feature = {
  name: 'quality-cycle',
  commands: [
    {
      names: ['pdca', 'kwaliteitscyclus', 'qualitycycle'],
      action: 'quality-cycle.manage',
      personalOnly: false,
      help: { section: 'quality', words: { nl: 'pdca', en: 'pdca' }, text: 'pdca.help.status', menu: true },
      run: qualityCycleCommand,
    },
  ],
  // The quality cycle is team work: its cards live in the team's channel and show milestones and
  // suppressed aggregates, never one student's data, so its buttons work there too.
  verbs: (
    [
      { verb: 'pdca.status', action: 'quality-cycle.manage', run: async (turn) => cardResponse(await statusFor(turn)) },
      { verb: 'pdca.done', action: 'quality-cycle.complete', run: done },
      { verb: 'pdca.evidence', action: 'aggregates.read', run: (turn, data) => evidenceVerb(turn, data, false) },
      { verb: 'pdca.export', action: 'aggregates.read', run: (turn, data) => evidenceVerb(turn, data, true) },
      {
        verb: 'pdca.milestones',
        action: 'quality-cycle.manage',
        run: async (turn, data) => {
          const s = await scopeOf(turn, data);
          return s ? cardResponse(await listCard(turn, s)) : notAllowed(turn, 'pdca.milestones');
        },
      },
      { verb: 'pdca.edit', action: 'quality-cycle.manage', run: editVerb },
      { verb: 'pdca.save', action: 'quality-cycle.manage', run: saveVerb },
      { verb: 'pdca.remove', action: 'quality-cycle.manage', run: removeVerb },
    ] satisfies CardVerb[]
  ).map((v) => ({ ...v, personalOnly: false })),
};
