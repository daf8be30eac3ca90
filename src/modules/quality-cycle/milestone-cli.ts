import { type CliContext, CliError } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { t } from '../../core/i18n.ts';
import type { SchoolYear } from '../../core/time/school-year.ts';
import { normalizeEmail } from '../../core/types.ts';
import { ownerText } from './cards.ts';
import { openYear, refusing, scopeOf, str, teamReason } from './cli-context.ts';
import { milestoneProblemText } from './edit-cards.ts';
import { markDone } from './milestone-done.ts';
import { cycleFor, type MilestoneInput, type QualityCycleScope, removeMilestone, saveMilestone } from './milestone-edits.ts';
import type { Milestone, QualityCycle, TemplateMilestone } from './quality-cycle.ts';
import { ensureSchoolCycle, ownersOf, type QualityCycleDeps, remindDays, schoolClock, stateOf } from './year-cycle.ts';

// `pdca milestone list|add|edit|remove` and `pdca done`: the milestones of a scope, and marking one done
// on behalf of its owner (the running bot redraws its cards).

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

function scopedCycle(
  deps: QualityCycleDeps,
  schoolId: string,
  year: SchoolYear,
  scope: QualityCycleScope,
): Promise<QualityCycle> {
  return refusing(() => cycleFor(deps, schoolId, year, scope));
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
