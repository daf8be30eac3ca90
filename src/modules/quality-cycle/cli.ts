import { type CliContext, CliError, resolveSchool } from '../../cli/context.ts';
import { writeCliFiles } from '../../cli/files.ts';
import type { CliCommand } from '../../cli/registry.ts';
import type { School } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { calendarText } from '../../core/time/card-dates.ts';
import { parseSchoolYear, type SchoolYear } from '../../core/time/school-year.ts';
import { normalizeEmail } from '../../core/types.ts';
import { milestoneProblemText, ownerText, yearLabel } from './cards.ts';
import {
  buildCheckEvidence,
  type EvidencePeriodChoice,
  evidencePeriod,
  evidencePeriodChoices,
  relatedPeriods,
} from './check-evidence.ts';
import { createTeam, editTeam, findTeamsTeam, linkTeam, requireTeam, TeamError, type TeamProblem } from './education-teams.ts';
import { evidenceCsv, evidenceMarkdown } from './evidence-export.ts';
import { markDone } from './milestone-done.ts';
import { type MilestoneInput, type QualityCycleScope, removeMilestone, saveMilestone, setRemindDays } from './milestone-edits.ts';
import type { EducationTeam, Milestone, QualityCycle, TemplateMilestone } from './quality-cycle.ts';
import {
  ensureSchoolCycle,
  ensureTeamCycle,
  ensureYear,
  ownersOf,
  phaseCounts,
  type QualityCycleDeps,
  remindDays,
  schoolClock,
  stateOf,
} from './year-cycle.ts';

// `npm run cli -- pdca ...`: education teams, the milestones of the yearly quality cycle, its status and
// the Check evidence, for coordinators and IT. Refusals use the same reasons as the cards in Teams.

/** The school the command acts on (--school, or the only one) and the cycle's dependencies on the CLI's store. */
async function open(ctx: CliContext, values: Record<string, unknown>): Promise<{ school: School; deps: QualityCycleDeps }> {
  const school = await resolveSchool(ctx, str(values, 'school'));
  return { school, deps: ctx.product.qualityCycle.cycle };
}

/** As `open`, with the school year of --year (default: the current one). */
async function openYear(ctx: CliContext, values: Record<string, unknown>) {
  const opened = await open(ctx, values);
  return { ...opened, year: await yearOf(opened.deps, opened.school.id, values) };
}

function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(/[,;\s]+/).filter(Boolean);
}

function teamReason(p: TeamProblem): string {
  const params: Record<string, string> = {};
  if ('value' in p) params['value'] = p.value;
  if ('role' in p) params['role'] = p.role;
  if ('by' in p) params['by'] = p.by;
  if ('known' in p) params['known'] = p.known.join(', ') || 'none yet';
  return t('en', `pdca.errors.${p.code}`, params);
}

/** Runs a step that may refuse with a TeamError; the reason becomes the CLI's error. */
async function refusing<T>(step: () => Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    if (err instanceof TeamError) throw new CliError(teamReason(err.problem));
    throw err;
  }
}

async function yearOf(deps: QualityCycleDeps, schoolId: string, values: Record<string, unknown>): Promise<SchoolYear> {
  const raw = str(values, 'year');
  if (raw === undefined) return (await schoolClock(deps, schoolId)).year;
  const year = parseSchoolYear(raw);
  if (!year) throw new CliError(`--year must be a school year like 2026-2027 (got "${raw.slice(0, 20)}")`);
  return year;
}

function scopeOf(values: Record<string, unknown>): QualityCycleScope {
  const team = str(values, 'team');
  const level = str(values, 'level');
  if (team && level) throw new CliError('give either --team <code> or --level school|template, not both');
  if (team) return { level: 'team', teamId: team.toLowerCase() };
  if (level === 'school' || level === 'template') return { level };
  throw new CliError('give --team <code> (a team) or --level school (the policy plan) or --level template (every team)');
}

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

const milestoneOptions = {
  team: { type: 'string' },
  level: { type: 'string' },
  year: { type: 'string' },
  phase: { type: 'string' },
  title: { type: 'string' },
  due: { type: 'string' },
  owner: { type: 'string' },
  description: { type: 'string' },
  school: { type: 'string' },
} as const;

async function scopedCycle(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  scope: QualityCycleScope,
): Promise<QualityCycle> {
  if (scope.level !== 'team') return ensureSchoolCycle(deps, schoolId, year);
  return ensureTeamCycle(deps, await refusing(() => requireTeam(deps, schoolId, scope.teamId)), year);
}

async function printMilestones(
  ctx: CliContext,
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  scope: QualityCycleScope,
) {
  const cycle = await scopedCycle(deps, schoolId, year, scope);
  const team = scope.level === 'team' ? await deps.cycles.teams.get(schoolId, scope.teamId) : undefined;
  const items: (TemplateMilestone & Partial<Pick<Milestone, 'done' | 'fromTemplate'>>)[] =
    scope.level === 'template' ? (cycle.teamTemplate ?? []) : cycle.milestones;
  const { today } = await schoolClock(deps, schoolId);
  const days = remindDays(await ensureSchoolCycle(deps, schoolId, year));
  for (const m of items) {
    const owners = (await ownersOf(deps, schoolId, m.owner, team)).map((p) => p.name);
    const state = scope.level === 'template' ? '' : `\t${stateOf(m, today, days)}`;
    ctx.out(
      `${m.id}\t${m.phase}\t${m.due}\t${m.title}\towner: ${ownerText('en', m.owner, owners)}${m.fromTemplate ? '\t(template)' : ''}${state}`,
    );
  }
}

function problems(list: Parameters<typeof milestoneProblemText>[1][]): string {
  return list.map((p) => milestoneProblemText('en', p)).join('\n');
}

function milestoneInput(values: Record<string, unknown>): MilestoneInput {
  return {
    phase: str(values, 'phase'),
    title: str(values, 'title'),
    due: str(values, 'due'),
    owner: str(values, 'owner'),
    description: str(values, 'description'),
  };
}

export const qualityCycleMilestoneListCommand: CliCommand = {
  name: 'pdca milestone list',
  usage: 'pdca milestone list (--team <code> | --level school|template) [--year 2026-2027] [--school <tenant-id>]',
  summary: 'List the milestones of a team, of the school (policy plan) or of the template for every team.',
  options: milestoneOptions,
  async run(ctx, { values }) {
    const { school, deps, year } = await openYear(ctx, values);
    await printMilestones(ctx, deps, school.id, year, scopeOf(values));
    return 0;
  },
};

export const qualityCycleMilestoneAddCommand: CliCommand = {
  name: 'pdca milestone add',
  usage:
    'pdca milestone add (--team <code> | --level school|template) --phase plan|do|check|act --title <text> --due <yyyy-mm-dd> --owner team-leader|coordinator|<e-mail> [--description <text>] [--year 2026-2027]',
  summary: 'Add a milestone. The due date must fall in the school year; the owner must exist and be staff.',
  options: milestoneOptions,
  async run(ctx, { values }) {
    const { school, deps, year } = await openYear(ctx, values);
    const result = await refusing(() => saveMilestone(deps, school.id, year, scopeOf(values), undefined, milestoneInput(values)));
    if (!result.ok) throw new CliError(problems(result.problems));
    ctx.out(`Added milestone ${result.milestone.id}: ${result.milestone.title} (due ${result.milestone.due}).`);
    return 0;
  },
};

export const qualityCycleMilestoneEditCommand: CliCommand = {
  name: 'pdca milestone edit',
  usage:
    'pdca milestone edit <milestone-id> (--team <code> | --level school|template) [--phase ...] [--title ...] [--due ...] [--owner ...] [--description ...] [--year ...]',
  summary: 'Change a milestone. Changing the template reaches every team that did not change that milestone itself.',
  options: milestoneOptions,
  async run(ctx, { values, positionals }) {
    const id = positionals[0];
    if (!id) throw new CliError('give the milestone id (see pdca milestone list)');
    const { school, deps, year } = await openYear(ctx, values);
    const result = await refusing(() => saveMilestone(deps, school.id, year, scopeOf(values), id, milestoneInput(values)));
    if (!result.ok) throw new CliError(problems(result.problems));
    ctx.out(result.changed ? `Saved milestone ${id}.` : `Unchanged: milestone ${id} already had these values.`);
    return 0;
  },
};

export const qualityCycleMilestoneRemoveCommand: CliCommand = {
  name: 'pdca milestone remove',
  usage: 'pdca milestone remove <milestone-id> (--team <code> | --level school|template) [--year ...]',
  summary: 'Remove a milestone (from the template: from every team that did not change or finish it).',
  options: milestoneOptions,
  async run(ctx, { values, positionals }) {
    const id = positionals[0];
    if (!id) throw new CliError('give the milestone id (see pdca milestone list)');
    const { school, deps, year } = await openYear(ctx, values);
    const result = await refusing(() => removeMilestone(deps, school.id, year, scopeOf(values), id));
    if (!result.ok) throw new CliError(problems(result.problems));
    ctx.out(`Removed milestone ${id}: ${result.removed.title}.`);
    return 0;
  },
};

export const qualityCycleDoneCommand: CliCommand = {
  name: 'pdca done',
  usage:
    'pdca done <milestone-id> (--team <code> | --level school) --by <e-mail> (--note <text> | --link <https-url>) [--year ...]',
  summary: 'Mark a milestone done on behalf of its owner (the running bot updates its cards in Teams).',
  options: { ...milestoneOptions, by: { type: 'string' }, note: { type: 'string' }, link: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const id = positionals[0];
    const by = str(values, 'by');
    if (!id || !by) throw new CliError('give the milestone id and --by <e-mail>');
    const { school, deps, year } = await openYear(ctx, values);
    const scope = scopeOf(values);
    if (scope.level === 'template') throw new CliError('template milestones are not done themselves; mark a team milestone done');
    const cycle = await scopedCycle(deps, school.id, year, scope);
    const person = await ctx.repos.people.findByEmail(school.id, normalizeEmail(by));
    if (!person) throw new CliError(teamReason({ code: 'unknown-person', value: normalizeEmail(by) }));
    const result = await markDone(
      deps,
      person,
      { cycleId: cycle.id, milestoneId: id },
      { note: values['note'], link: values['link'] },
    );
    switch (result.kind) {
      case 'not-found':
        throw new CliError(t('en', 'pdca.edit.errors.milestone-not-found'));
      case 'not-allowed':
        throw new CliError(t('en', 'pdca.milestone.notAllowed'));
      case 'invalid':
        throw new CliError(
          result.problems
            .map((p) => t('en', `pdca.milestone.errors.${p.field}`, { max: p.field === 'note' ? 500 : 2000 }))
            .join('\n'),
        );
      case 'already-done':
        ctx.out(`Unchanged: milestone ${id} was already done (${result.milestone.done?.at.slice(0, 10)}).`);
        return 0;
      case 'done':
        // Cards in Teams are brought up to date by the running bot's reminder job (the milestone is marked stale).
        ctx.out(`Done: ${result.milestone.title}.`);
        return 0;
    }
  },
};

export const qualityCycleStatusCommand: CliCommand = {
  name: 'pdca status',
  usage: 'pdca status [--team <code>] [--year 2026-2027] [--school <tenant-id>]',
  summary: 'The quality cycle at a glance: done, due soon, overdue and later, per phase, for the school and each team.',
  options: { team: { type: 'string' }, year: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const { school, deps, year } = await openYear(ctx, values);
    const { today } = await schoolClock(deps, school.id);
    const all = await ensureYear(deps, school.id, year);
    const days = remindDays(all.school);
    const only = str(values, 'team')?.toLowerCase();
    if (only && !all.teams.some(({ team }) => team.id === only))
      throw new CliError(teamReason({ code: 'unknown-team', value: only }));
    const show = (name: string, cycle: QualityCycle) => {
      ctx.out(name);
      for (const c of phaseCounts(cycle.milestones, today, days)) {
        ctx.out(`  ${c.phase.padEnd(6)} ${c.done} done · ${c.dueSoon} due soon · ${c.overdue} overdue · ${c.later} later`);
      }
      for (const m of cycle.milestones) {
        const state = stateOf(m, today, days);
        if (state === 'overdue' || state === 'due-soon')
          ctx.out(`  ! ${m.id} ${m.title} — due ${calendarText(m.due, 'en', 'long')} (${state})`);
      }
    };
    ctx.out(`Quality cycle ${yearLabel(year.id)} (due soon: within ${days} days)`);
    if (!only) show('School: LOB policy plan', all.school);
    for (const { team, cycle } of all.teams) {
      if (only && team.id !== only) continue;
      show(`Team ${team.id} (${team.name})${team.teamsTeamId ? '' : ' — not linked to a Teams team'}`, cycle);
    }
    return 0;
  },
};

export const qualityCycleEvidenceCommand: CliCommand = {
  name: 'pdca evidence',
  usage:
    'pdca evidence --team <code> [--period year|h1|h2|previous] [--format md|csv] [--out <file>] [--force] [--school <tenant-id>]',
  summary: "A team's Check evidence (aggregates only; groups under 5 students without figures), as Markdown or CSV.",
  options: {
    team: { type: 'string' },
    period: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    school: { type: 'string' },
  },
  async run(ctx, { values }) {
    const teamId = str(values, 'team');
    if (!teamId) throw new CliError('--team is required');
    const period = (str(values, 'period') ?? 'year') as EvidencePeriodChoice;
    if (!evidencePeriodChoices.includes(period))
      throw new CliError(`--period must be one of: ${evidencePeriodChoices.join(', ')}`);
    const format = str(values, 'format') ?? 'md';
    if (format !== 'md' && format !== 'csv') throw new CliError('--format must be md or csv');
    const { school, deps } = await open(ctx, values);
    const team = await refusing(() => requireTeam(deps, school.id, teamId));
    if (!team.teamsTeamId) throw new CliError(teamReason({ code: 'not-linked', value: team.id }));
    const clock = await schoolClock(deps, school.id);
    const { year, period: p } = evidencePeriod(period, clock);
    const evidence = await buildCheckEvidence(ctx.product.qualityCycle.evidence, {
      schoolId: school.id,
      team,
      schoolYear: year.id,
      period: p,
      now: deps.clock.now(),
      related: relatedPeriods(period, clock),
    });
    const locale = school.defaultLocale;
    const label = (type: string) => type;
    const body = format === 'csv' ? evidenceCsv(evidence, locale, label) : evidenceMarkdown(evidence, locale, label);
    const out = str(values, 'out');
    if (out) {
      // Aggregates only, but a team's figures are not for everyone on the machine either.
      writeCliFiles([{ target: out, body }], values['force'] === true);
      ctx.out(`Wrote ${out} (${format}, ${evidence.students} students, ${evidence.from} to ${evidence.to}).`);
    } else {
      ctx.out(body);
    }
    return 0;
  },
};

export const qualityCycleSettingsCommand: CliCommand = {
  name: 'pdca settings',
  usage: 'pdca settings --remind-days <1-60> [--year 2026-2027] [--school <tenant-id>]',
  summary: 'How many days before the due date the team channel and the owner are reminded (default 14).',
  options: { 'remind-days': { type: 'string' }, year: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const raw = str(values, 'remind-days');
    const days = Number(raw);
    if (!raw || !Number.isInteger(days) || days < 1 || days > 60)
      throw new CliError('--remind-days must be a whole number from 1 to 60');
    const { school, deps, year } = await openYear(ctx, values);
    await setRemindDays(deps, school.id, year, days);
    ctx.out(`Reminders go out ${days} days before the due date (school year ${yearLabel(year.id)}).`);
    return 0;
  },
};

export const qualityCycleCommands: CliCommand[] = [
  qualityCycleTeamAddCommand,
  qualityCycleTeamEditCommand,
  qualityCycleTeamLinkCommand,
  qualityCycleTeamListCommand,
  qualityCycleMilestoneListCommand,
  qualityCycleMilestoneAddCommand,
  qualityCycleMilestoneEditCommand,
  qualityCycleMilestoneRemoveCommand,
  qualityCycleDoneCommand,
  qualityCycleStatusCommand,
  qualityCycleEvidenceCommand,
  qualityCycleSettingsCommand,
];
