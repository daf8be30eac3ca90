import { decide } from '../../core/authorization.ts';
import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import { isPersonal } from '../../teams/activity.ts';
import { type CardActionResponse, type CardVerb, cardResponse, type Feature, type Turn } from '../../teams/turn.ts';
import { milestoneCard } from './cards.ts';
import { markDone } from './milestone-done.ts';
import type { EducationTeam, QualityCycle } from './quality-cycle.ts';
import { doneSchema, invalidCard } from './teams-card-data.ts';
import { editVerb, listCard, notAllowed, removeVerb, saveVerb, scopeOf } from './teams-editing.ts';
import { evidenceVerb } from './teams-evidence.ts';
import { qualityCycleCommand, statusFor } from './teams-status.ts';
import { schoolClock } from './year-cycle.ts';

// The quality cycle in Teams: `pdca` for team leaders and coordinators (status at a glance, Check
// evidence, milestones to edit), `pdca koppel <team>` in a team's channel to link it, and the milestone
// card owners mark done (in the channel or their chat). The reminders are a job (./reminders.ts).

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
      // The ids in card data can be guessed (year, team key, template key): the milestone is drawn again
      // only for someone who sees it anyway, in its team's channel or as its team's leader or coordinator.
      if (!seesMilestone(turn, result.cycle, team)) {
        return cardResponse(messageCard('pdca.milestone.notAllowed', locale, 'attention'));
      }
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

/** Whether the actor may see this cycle's milestones without being able to complete them. */
function seesMilestone(turn: Turn, cycle: QualityCycle, team: EducationTeam | undefined): boolean {
  const { actor } = turn;
  if (!team) return decide(actor, 'quality-cycle.policy', { kind: 'school', schoolId: cycle.schoolId }).allowed;
  const inItsChannel = !isPersonal(turn.activity) && team.teamsTeamId === turn.activity.channelData?.team?.id;
  return (
    inItsChannel ||
    decide(actor, 'quality-cycle.manage', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds }).allowed
  );
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
