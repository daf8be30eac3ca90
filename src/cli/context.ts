import type { School } from '../core/entities.ts';
import { ensureSchool } from '../core/install.ts';
import type { Platform } from '../core/platform.ts';
import type { Product } from '../modules/index.ts';
import type { Outbound } from '../teams/outbound.ts';

/** What a command runs on: the platform and the product, set up as the bot sets them up. */
export interface CliContext extends Platform {
  product: Product;
  /** How the product reaches people (the bot's own): `install --group` installs the app through it. */
  outbound: Outbound;
  /** `--create` was given: resolveSchool may make the school `--school` names. */
  createSchool?: boolean;
  out(line: string): void;
  err(line: string): void;
}

export class CliError extends Error {}

/**
 * The school a command acts on: --school, else the only school in the store. A school is a Microsoft 365
 * tenant and is created when the app is first used there, or by --school <tenant-id> --create. Without
 * --create an unknown --school is refused: a typo would otherwise start a second, empty school that the
 * bot never uses.
 */
export async function resolveSchool(ctx: CliContext, schoolOption: string | undefined): Promise<School> {
  if (schoolOption) {
    const known = await ctx.repos.schools.get(schoolOption);
    if (known) return known;
    if (ctx.createSchool) return ensureSchool(ctx.install, schoolOption);
    const schools = await ctx.repos.schools.list();
    const list = schools.map((s) => (s.name && s.name !== s.id ? `${s.id} (${s.name})` : s.id)).join(', ');
    throw new CliError(
      `there is no school "${schoolOption.slice(0, 80)}". ${
        schools.length ? `Known schools: ${list}.` : 'The store has no school yet.'
      } Check the tenant id, or add --create to make a new school with it.`,
    );
  }
  const schools = await ctx.repos.schools.list();
  if (schools.length === 1) return schools[0]!;
  if (schools.length === 0) {
    throw new CliError(
      'No school yet. Install the app in Teams first (its tenant becomes the school), or pass --school <tenant-id>.',
    );
  }
  throw new CliError(`There are ${schools.length} schools; pass --school with one of: ${schools.map((s) => s.id).join(', ')}`);
}

/** The school of a command's `--school` option, as resolveSchool finds it. */
export function schoolOf(ctx: CliContext, values: Readonly<Record<string, unknown>>): Promise<School> {
  const option = values['school'];
  return resolveSchool(ctx, typeof option === 'string' ? option : undefined);
}
