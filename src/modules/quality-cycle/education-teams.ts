import type { ConversationRef, Person } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import { normalizeEmail, type Role } from '../../core/types.ts';
import type { Clock } from '../../platform/clock.ts';
import type { EducationTeam, QualityCycleRepositories } from './quality-cycle.ts';

// Education teams (LOB teams): who leads them, which mentors are in them, and which Teams team they
// work in. Every refusal carries a reason the CLI and the cards can show.

export const teamIdPattern = /^[a-z0-9][a-z0-9-]{0,39}$/;
export const maxTeamName = 80;

export type TeamProblem =
  | { code: 'invalid-id'; value: string }
  | { code: 'id-taken'; value: string }
  | { code: 'invalid-name' }
  | { code: 'no-leader' }
  | { code: 'unknown-person'; value: string }
  | { code: 'missing-role'; value: string; role: Role }
  | { code: 'unknown-team'; value: string }
  | { code: 'teams-team-unknown'; value: string; known: string[] }
  | { code: 'teams-team-ambiguous'; value: string }
  | { code: 'teams-team-taken'; value: string; by: string }
  | { code: 'not-linked'; value: string };

export class TeamError extends Error {
  readonly problem: TeamProblem;
  constructor(problem: TeamProblem) {
    super(problem.code);
    this.name = 'TeamError';
    this.problem = problem;
  }
}

export interface TeamDeps {
  repos: Repositories;
  cycles: QualityCycleRepositories;
  clock: Clock;
}

/** People by e-mail, each required to exist and to have the role (roles are given with `role add`). */
export async function peopleWithRole(deps: TeamDeps, schoolId: string, emails: readonly string[], role: Role): Promise<Person[]> {
  const found: Person[] = [];
  for (const raw of emails) {
    const email = normalizeEmail(raw);
    if (!email) continue;
    const person = await deps.repos.people.findByEmail(schoolId, email);
    if (!person) throw new TeamError({ code: 'unknown-person', value: email });
    if (!person.roles.includes(role)) throw new TeamError({ code: 'missing-role', value: email, role });
    if (!found.some((p) => p.id === person.id)) found.push(person);
  }
  return found;
}

export async function createTeam(
  deps: TeamDeps,
  schoolId: string,
  input: { id: string; name: string; kind?: EducationTeam['kind']; leaders: string[]; mentors?: string[] },
): Promise<EducationTeam> {
  const id = input.id.trim().toLowerCase();
  if (!teamIdPattern.test(id)) throw new TeamError({ code: 'invalid-id', value: input.id.slice(0, 60) });
  const name = input.name.trim();
  if (!name || [...name].length > maxTeamName) throw new TeamError({ code: 'invalid-name' });
  if (await deps.cycles.teams.get(schoolId, id)) throw new TeamError({ code: 'id-taken', value: id });
  const leaders = await peopleWithRole(deps, schoolId, input.leaders, 'team-leader');
  if (leaders.length === 0) throw new TeamError({ code: 'no-leader' });
  const mentors = await peopleWithRole(deps, schoolId, input.mentors ?? [], 'mentor');
  const now = deps.clock.now().toISOString();
  return deps.cycles.teams.create({
    id,
    schoolId,
    name,
    kind: input.kind ?? 'year',
    leaderIds: leaders.map((p) => p.id),
    mentorIds: mentors.map((p) => p.id),
    createdAt: now,
    updatedAt: now,
  });
}

export async function requireTeam(deps: TeamDeps, schoolId: string, id: string): Promise<EducationTeam> {
  const team = await deps.cycles.teams.get(schoolId, id.trim().toLowerCase());
  if (!team) throw new TeamError({ code: 'unknown-team', value: id.slice(0, 60) });
  return team;
}

/** Changes name, leaders or mentors; lists given replace the current ones. */
export async function editTeam(
  deps: TeamDeps,
  schoolId: string,
  id: string,
  input: { name?: string; leaders?: string[]; mentors?: string[]; kind?: EducationTeam['kind'] },
): Promise<EducationTeam> {
  const team = await requireTeam(deps, schoolId, id);
  const name = input.name?.trim();
  if (input.name !== undefined && (!name || [...name].length > maxTeamName)) throw new TeamError({ code: 'invalid-name' });
  const leaders = input.leaders ? await peopleWithRole(deps, schoolId, input.leaders, 'team-leader') : undefined;
  if (leaders && leaders.length === 0) throw new TeamError({ code: 'no-leader' });
  const mentors = input.mentors ? await peopleWithRole(deps, schoolId, input.mentors, 'mentor') : undefined;
  const now = deps.clock.now().toISOString();
  return deps.cycles.teams.update(schoolId, team.id, (t) => ({
    ...t,
    ...(name ? { name } : {}),
    ...(input.kind ? { kind: input.kind } : {}),
    ...(leaders ? { leaderIds: leaders.map((p) => p.id) } : {}),
    ...(mentors ? { mentorIds: mentors.map((p) => p.id) } : {}),
    updatedAt: now,
  }));
}

/** The Teams teams the bot has been added to (and not removed from), in this school. */
export async function installedTeams(deps: TeamDeps, schoolId: string): Promise<ConversationRef[]> {
  return (await deps.repos.conversations.teams(schoolId)).filter((r) => r.installed && r.teamId);
}

/** Finds a Teams team the bot is in by its id or its name. */
export async function findTeamsTeam(deps: TeamDeps, schoolId: string, idOrName: string): Promise<ConversationRef> {
  const wanted = idOrName.trim();
  const teams = await installedTeams(deps, schoolId);
  const byId = teams.find((r) => r.teamId === wanted);
  if (byId) return byId;
  const byName = teams.filter((r) => r.teamName?.trim().toLowerCase() === wanted.toLowerCase());
  if (byName.length > 1) throw new TeamError({ code: 'teams-team-ambiguous', value: wanted.slice(0, 120) });
  if (byName[0]) return byName[0];
  throw new TeamError({
    code: 'teams-team-unknown',
    value: wanted.slice(0, 120),
    known: teams.map((r) => r.teamName ?? r.teamId!).slice(0, 20),
  });
}

/**
 * Links an education team to a Teams team the bot is in. One Teams team serves one education team, so
 * its channel gets each reminder once.
 */
export async function linkTeam(deps: TeamDeps, schoolId: string, id: string, teamsTeam: ConversationRef): Promise<EducationTeam> {
  const team = await requireTeam(deps, schoolId, id);
  const teamsTeamId = teamsTeam.teamId!;
  const other = await deps.cycles.teams.findByTeamsTeam(schoolId, teamsTeamId);
  if (other && other.id !== team.id) {
    throw new TeamError({ code: 'teams-team-taken', value: teamsTeam.teamName ?? teamsTeamId, by: other.name });
  }
  const now = deps.clock.now().toISOString();
  return deps.cycles.teams.update(schoolId, team.id, (t) =>
    t.teamsTeamId === teamsTeamId && t.teamsTeamName === teamsTeam.teamName
      ? undefined
      : {
          ...t,
          teamsTeamId,
          ...(teamsTeam.teamName ? { teamsTeamName: teamsTeam.teamName } : {}),
          linkedAt: now,
          updatedAt: now,
        },
  );
}
