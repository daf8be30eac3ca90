import { CliError, resolveSchool } from '../../cli/context.ts';
import type { AnyCliCommand, CliCommand, ConfigCommand } from '../../cli/registry.ts';
import { formatProblem } from '../../core/flows/flow-lint.ts';
import { checkLibrary } from '../../core/flows/load-flows.ts';
import { type Sector, sectors } from '../../core/types.ts';

// The student side's settings from the command line: check a school's own flows before deploying them,
// and set the sector whose flows a school (or one student, in a combined school) gets.

export const flowsLintCommand: ConfigCommand = {
  name: 'flows lint',
  configOnly: true,
  usage: 'flows lint [<folder>]',
  summary: "Check the shipped prompt library plus a school's own flows folder (default: SCHOOL_FLOWS_DIR); lists every problem.",
  async run(ctx, { positionals }) {
    const folder = positionals[0] ?? ctx.config.SCHOOL_FLOWS_DIR;
    const { entries, problems } = checkLibrary({ schoolDir: folder });
    for (const p of problems) ctx.err(formatProblem(p));
    const own = entries.filter((e) => e.source === 'school').length;
    ctx.out(
      problems.length
        ? `${problems.length} problem(s) found; the bot will not start with this library.`
        : `OK: ${entries.length} flows (${own} of the school's own), every competency covered.`,
    );
    return problems.length ? 2 : 0;
  },
};

function parseSector(value: unknown): Sector {
  if (typeof value !== 'string' || !(sectors as readonly string[]).includes(value)) {
    throw new CliError(`the sector must be one of: ${sectors.join(', ')}`);
  }
  return value as Sector;
}

export const sectorSetCommand: CliCommand = {
  name: 'sector set',
  usage: `sector set <${sectors.join('|')}> [--student <e-mail>] [--school <tenant-id>]`,
  summary: 'Set the sector of the school (which flows its students get), or of one student in a combined school.',
  options: { student: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const sector = parseSector(positionals[0]);
    const school = await resolveSchool(ctx, values['school'] as string | undefined);
    const email = values['student'];
    if (typeof email === 'string') {
      const person = await ctx.repos.people.findByEmail(school.id, email);
      if (!person) throw new CliError(`no person with e-mail ${email} in this school`);
      await ctx.repos.people.update(school.id, person.id, (p) =>
        p.sector === sector ? undefined : { ...p, sector, updatedAt: new Date().toISOString() },
      );
      ctx.out(`${person.email} now gets the ${sector} flows.`);
      return 0;
    }
    await ctx.repos.schools.update(school.id, (s) => (s.sector === sector ? undefined : { ...s, sector }));
    ctx.out(`School ${school.id} is now ${sector}: its students get the ${sector} flows.`);
    return 0;
  },
};

/** The student side's commands, in the order `npm run cli` lists them. */
export const reflectionCommands: AnyCliCommand[] = [flowsLintCommand, sectorSetCommand];
