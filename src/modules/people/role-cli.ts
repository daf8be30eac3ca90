import { CliError, schoolOf } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { ensurePersonByEmail, isEmail } from '../../core/assignments.ts';
import { type Role, roles } from '../../core/types.ts';

function parseRole(value: unknown): Role {
  if (typeof value !== 'string' || !(roles as readonly string[]).includes(value)) {
    throw new CliError(`--role must be one of: ${roles.join(', ')}`);
  }
  return value as Role;
}

export const roleAddCommand: CliCommand = {
  name: 'role add',
  usage: `role add --email <e-mail> --role <${roles.join('|')}> [--name <name>] [--school <tenant-id>]`,
  summary: 'Give a person a role (the person is created when new).',
  options: { email: { type: 'string' }, role: { type: 'string' }, name: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const email = values['email'];
    if (typeof email !== 'string' || !isEmail(email)) throw new CliError('--email must be an e-mail address');
    const role = parseRole(values['role']);
    const school = await schoolOf(ctx, values);
    const name = typeof values['name'] === 'string' ? values['name'] : undefined;
    const { person, changed } = await ensurePersonByEmail(ctx.install, school.id, email, role, name);
    ctx.out(
      changed
        ? `${person.email} now has the role ${role} (roles: ${person.roles.join(', ')}).`
        : `Unchanged: ${person.email} already has the role ${role}.`,
    );
    return 0;
  },
};

export const roleRemoveCommand: CliCommand = {
  name: 'role remove',
  usage: `role remove --email <e-mail> --role <${roles.join('|')}> [--school <tenant-id>]`,
  summary: 'Take a role away from a person (their data stays).',
  options: { email: { type: 'string' }, role: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const email = values['email'];
    if (typeof email !== 'string' || !isEmail(email)) throw new CliError('--email must be an e-mail address');
    const role = parseRole(values['role']);
    const school = await schoolOf(ctx, values);
    const person = await ctx.repos.people.findByEmail(school.id, email);
    if (!person) throw new CliError(`no person with e-mail ${email} in this school`);
    if (!person.roles.includes(role)) {
      ctx.out(`Unchanged: ${person.email} does not have the role ${role}.`);
      return 0;
    }
    const now = ctx.install.clock.now().toISOString();
    const updated = await ctx.repos.people.update(school.id, person.id, (p) => ({
      ...p,
      roles: p.roles.filter((r) => r !== role),
      updatedAt: now,
    }));
    ctx.out(`${updated.email} no longer has the role ${role} (roles: ${updated.roles.join(', ') || 'none'}).`);
    if (role === 'mentor') {
      // The assignments stay (the role may come back), but nothing about these students reaches them now.
      const still = (await ctx.repos.assignments.activeStudentsOf(school.id, person.id)).length;
      if (still > 0) {
        ctx.out(
          `${still} student(s) are still assigned to them and now have no mentor who receives their answers: ` +
            'give them another mentor with assign-mentor or import assignments.',
        );
      }
    }
    return 0;
  },
};

/** The people commands, in the order `npm run cli` lists them. */
export const peopleCommands: CliCommand[] = [roleAddCommand, roleRemoveCommand];
