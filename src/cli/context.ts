import type { School } from '../core/entities.ts';
import { ensureSchool } from '../core/install.ts';
import type { Platform } from '../core/platform.ts';
import type { Product } from '../modules/index.ts';

/** What a command runs on: the platform and the product, set up as the bot sets them up. */
export interface CliContext extends Platform {
  product: Product;
  out(line: string): void;
  err(line: string): void;
}

export class CliError extends Error {}

/**
 * The school a command acts on: --school, else the only school in the store. A school is a Microsoft 365
 * tenant and is created when the app is first used there, or by passing --school <tenant-id>.
 */
export async function resolveSchool(ctx: CliContext, schoolOption: string | undefined): Promise<School> {
  if (schoolOption) {
    return (await ctx.repos.schools.get(schoolOption)) ?? ensureSchool(ctx.install, schoolOption);
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
