import { type CliContext, CliError, schoolOf } from '../../cli/context.ts';
import type { School } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import { parseSchoolYear, type SchoolYear } from '../../core/time/school-year.ts';
import { TeamError, type TeamProblem } from './education-teams.ts';
import type { QualityCycleScope } from './milestone-edits.ts';
import { type QualityCycleDeps, schoolClock } from './year-cycle.ts';

// What every `pdca` command shares: the school and year it acts on, its scope, and refusals as text.

/** The school the command acts on (--school, or the only one) and the cycle's dependencies on the CLI's store. */
export async function open(
  ctx: CliContext,
  values: Record<string, unknown>,
): Promise<{ school: School; deps: QualityCycleDeps }> {
  const school = await schoolOf(ctx, values);
  return { school, deps: ctx.product.qualityCycle.cycle };
}

/** As `open`, with the school year of --year (default: the current one). */
export async function openYear(ctx: CliContext, values: Record<string, unknown>) {
  const opened = await open(ctx, values);
  return { ...opened, year: await yearOf(opened.deps, opened.school.id, values) };
}

export function str(values: Record<string, unknown>, key: string): string | undefined {
  const v = values[key];
  return typeof v === 'string' ? v : undefined;
}

export function list(value: string | undefined): string[] | undefined {
  return value === undefined ? undefined : value.split(/[,;\s]+/).filter(Boolean);
}

export function teamReason(p: TeamProblem): string {
  const params: Record<string, string> = {};
  if ('value' in p) params['value'] = p.value;
  if ('role' in p) params['role'] = p.role;
  if ('by' in p) params['by'] = p.by;
  if ('known' in p) params['known'] = p.known.join(', ') || 'none yet';
  return t('en', `pdca.errors.${p.code}`, params);
}

/** Runs a step that may refuse with a TeamError; the reason becomes the CLI's error. */
export async function refusing<T>(step: () => Promise<T>): Promise<T> {
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

export function scopeOf(values: Record<string, unknown>): QualityCycleScope {
  const team = str(values, 'team');
  const level = str(values, 'level');
  if (team && level) throw new CliError('give either --team <code> or --level school|template, not both');
  if (team) return { level: 'team', teamId: team.toLowerCase() };
  if (level === 'school' || level === 'template') return { level };
  throw new CliError('give --team <code> (a team) or --level school (the policy plan) or --level template (every team)');
}
