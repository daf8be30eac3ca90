import { decide } from '../../core/authorization.ts';
import { messageCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import { isPersonal } from '../../teams/activity.ts';
import type { Turn } from '../../teams/turn.ts';
import { type StatusSection, statusCard } from './cards.ts';
import { linkTeam, TeamError, teamIdPattern } from './education-teams.ts';
import type { EducationTeam, Milestone } from './quality-cycle.ts';
import { teamErrorText, textCard } from './teams-card-data.ts';
import { ensureSchoolCycle, phaseCounts, remindDays, schoolClock, stateOf, visibleCycles } from './year-cycle.ts';

// `pdca`: the status at a glance (a person's teams, or the channel's own team), and `pdca koppel <team>`
// in a team's channel, which links the education team to that Teams team.

const maxSections = 12;

function attentionOf(milestones: readonly Milestone[], today: LocalDate, days: number): StatusSection['attention'] {
  return milestones
    .map((m) => ({ m, state: stateOf(m, today, days) }))
    .filter((x) => x.state === 'overdue' || x.state === 'due-soon')
    .slice(0, 5)
    .map(({ m, state }) => ({ title: m.title, due: m.due, state }));
}

export async function statusFor(turn: Turn, onlyTeam?: EducationTeam) {
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

export function mayManageTeam(actor: Person, team: EducationTeam): boolean {
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

export async function qualityCycleCommand(turn: Turn, args: string): Promise<void> {
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
