import { CliError } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { list, open, refusing, str } from './cli-context.ts';
import { createTeam, editTeam, findTeamsTeam, linkTeam } from './education-teams.ts';
import type { EducationTeam } from './quality-cycle.ts';

// `pdca team add|edit|link|list`: education teams, their leaders and mentors, and their Teams team.

const teamOptions = {
  id: { type: 'string' },
  name: { type: 'string' },
  leader: { type: 'string' },
  mentors: { type: 'string' },
  kind: { type: 'string' },
  school: { type: 'string' },
} as const;

function kindOf(value: string | undefined): EducationTeam['kind'] | undefined {
  if (value === undefined) return undefined;
  if (value === 'year' || value === 'department') return value;
  throw new CliError('--kind must be year (jaarlaag) or department (afdeling)');
}

export const qualityCycleTeamAddCommand: CliCommand = {
  name: 'pdca team add',
  usage:
    'pdca team add --id <code> --name <name> --leader <e-mail>[,<e-mail>] [--mentors <e-mail>,...] [--kind year|department] [--school <tenant-id>]',
  summary: 'Create an education team (department or year team) with its team leader(s) and mentors.',
  options: teamOptions,
  async run(ctx, { values }) {
    const id = str(values, 'id');
    const name = str(values, 'name');
    const leader = str(values, 'leader');
    if (!id || !name || !leader) throw new CliError('--id, --name and --leader are required');
    const { school, deps } = await open(ctx, values);
    const kind = kindOf(str(values, 'kind'));
    const team = await refusing(() =>
      createTeam(deps, school.id, {
        id,
        name,
        leaders: list(leader)!,
        mentors: list(str(values, 'mentors')) ?? [],
        ...(kind ? { kind } : {}),
      }),
    );
    ctx.out(
      `Created team ${team.id} (${team.name}): ${team.leaderIds.length} team leader(s), ${team.mentorIds.length} mentor(s).`,
    );
    ctx.out(`Link it to its Teams team: in the team's channel type "@LOB Reflectie pdca koppel ${team.id}", or`);
    ctx.out(`  npm run cli -- pdca team link --id ${team.id} --teams-team <name or id>`);
    return 0;
  },
};

export const qualityCycleTeamEditCommand: CliCommand = {
  name: 'pdca team edit',
  usage: 'pdca team edit --id <code> [--name <name>] [--leader <e-mail>,...] [--mentors <e-mail>,...] [--kind year|department]',
  summary: "Change a team's name, team leaders or mentors (a list replaces the current one).",
  options: teamOptions,
  async run(ctx, { values }) {
    const id = str(values, 'id');
    if (!id) throw new CliError('--id is required');
    const { school, deps } = await open(ctx, values);
    const name = str(values, 'name');
    const leaders = list(str(values, 'leader'));
    const mentors = list(str(values, 'mentors'));
    const kind = kindOf(str(values, 'kind'));
    const team = await refusing(() =>
      editTeam(deps, school.id, id, {
        ...(name !== undefined ? { name } : {}),
        ...(leaders ? { leaders } : {}),
        ...(mentors ? { mentors } : {}),
        ...(kind ? { kind } : {}),
      }),
    );
    ctx.out(`Team ${team.id} (${team.name}): ${team.leaderIds.length} team leader(s), ${team.mentorIds.length} mentor(s).`);
    return 0;
  },
};

export const qualityCycleTeamLinkCommand: CliCommand = {
  name: 'pdca team link',
  usage: 'pdca team link --id <code> --teams-team <name or id> [--school <tenant-id>]',
  summary: 'Link an education team to a Teams team the bot has been added to: its channel gets the reminders.',
  options: { id: { type: 'string' }, 'teams-team': { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const id = str(values, 'id');
    const teamsTeam = str(values, 'teams-team');
    if (!id || !teamsTeam) throw new CliError('--id and --teams-team are required');
    const { school, deps } = await open(ctx, values);
    const team = await refusing(async () => linkTeam(deps, school.id, id, await findTeamsTeam(deps, school.id, teamsTeam)));
    ctx.out(`Linked: team ${team.id} works in the Teams team ${team.teamsTeamName ?? team.teamsTeamId}.`);
    return 0;
  },
};

export const qualityCycleTeamListCommand: CliCommand = {
  name: 'pdca team list',
  usage: 'pdca team list [--school <tenant-id>]',
  summary: 'List the education teams, their leaders and their Teams team.',
  options: { school: { type: 'string' } },
  async run(ctx, { values }) {
    const { school, deps } = await open(ctx, values);
    const teams = await deps.cycles.teams.list(school.id);
    if (!teams.length) ctx.out('No education teams yet. Create one with: npm run cli -- pdca team add');
    for (const team of teams) {
      const leaders = await Promise.all(team.leaderIds.map((p) => ctx.repos.people.get(school.id, p)));
      ctx.out(
        `${team.id}\t${team.name}\t${team.kind}\tleaders: ${leaders.map((p) => p?.email ?? '?').join(', ')}\tmentors: ${team.mentorIds.length}\t` +
          (team.teamsTeamId ? `Teams team: ${team.teamsTeamName ?? team.teamsTeamId}` : 'not linked'),
      );
    }
    return 0;
  },
};
