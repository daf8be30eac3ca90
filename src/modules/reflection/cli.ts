import { CliError, schoolOf } from '../../cli/context.ts';
import type { AnyCliCommand, CliCommand, ConfigCommand } from '../../cli/registry.ts';
import { formatProblem } from '../../core/flows/flow-lint.ts';
import { checkLibrary } from '../../core/flows/load-flows.ts';
import { isLevel } from '../../core/levels.ts';
import { type Level, levelSector, levels, type Sector, sectors } from '../../core/types.ts';

// The student side's settings from the command line: check a school's own flows before deploying them,
// set the sector whose flows a school (or one student, in a combined school) gets, and the level of a
// school, a class or a student (src/core/levels.ts).

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
    const school = await schoolOf(ctx, values);
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

function parseLevel(value: unknown): Level {
  if (!isLevel(value)) throw new CliError(`the level must be one of: ${levels.join(', ')}`);
  return value;
}

export const levelSetCommand: CliCommand = {
  name: 'level set',
  usage: `level set <${levels.join('|')}> [--student <e-mail> | --class <name>] [--school <tenant-id>]`,
  summary:
    "Set the level of the school, of one class or of one student (the student's own wins over the class, the class over the school): which flows they get.",
  options: { student: { type: 'string' }, class: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const level = parseLevel(positionals[0]);
    const school = await schoolOf(ctx, values);
    const email = values['student'];
    const className = values['class'];
    if (typeof email === 'string' && typeof className === 'string') throw new CliError('give --student or --class, not both');
    if (typeof email === 'string') {
      const person = await ctx.repos.people.findByEmail(school.id, email);
      if (!person) throw new CliError(`no person with e-mail ${email} in this school`);
      const sector = person.sector ?? school.sector;
      if (levelSector[level] !== sector) {
        throw new CliError(
          `${level} is a ${levelSector[level]} level; ${person.email} is in ${sector} (sector set --student first)`,
        );
      }
      await ctx.repos.people.update(school.id, person.id, (p) =>
        p.level === level ? undefined : { ...p, level, updatedAt: new Date().toISOString() },
      );
      ctx.out(`${person.email} now gets the ${level} flows and wording.`);
      return 0;
    }
    if (typeof className === 'string') {
      const groups = ctx.product.campaigns.camp.groups;
      const group = await groups.findByName(school.id, className);
      if (!group) throw new CliError(`no class named "${className}" in this school (import it with import groups)`);
      await groups.update(school.id, group.id, (g) =>
        g.level === level ? undefined : { ...g, level, updatedAt: new Date().toISOString() },
      );
      ctx.out(`Class ${group.name} is now ${level}; a student's own level still wins.`);
      return 0;
    }
    if (levelSector[level] !== school.sector) {
      throw new CliError(`${level} is a ${levelSector[level]} level; school ${school.id} is ${school.sector} (sector set first)`);
    }
    await ctx.repos.schools.update(school.id, (s) => (s.level === level ? undefined : { ...s, level }));
    ctx.out(`School ${school.id} is now ${level}; a class's or student's own level wins.`);
    return 0;
  },
};

/** The student side's commands, in the order `npm run cli` lists them. */
export const reflectionCommands: AnyCliCommand[] = [flowsLintCommand, sectorSetCommand, levelSetCommand];
