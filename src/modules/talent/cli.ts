import { CliError, schoolOf } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { isEmail } from '../../core/assignments.ts';
import { groupNameProblem } from '../campaigns/campaigns.ts';
import { linkTeacher } from './classes.ts';

// `teacher add` / `teacher remove`: which subject teachers teach which classes, for the talent signal.

function classesOption(value: unknown): string[] {
  const names =
    typeof value === 'string'
      ? value
          .split(/[,;]/)
          .map((n) => n.trim())
          .filter(Boolean)
      : [];
  if (names.length === 0) throw new CliError('--class must name one or more classes, e.g. --class "4havo-a,4havo-b"');
  // Checked before the teacher is created: the classes become groups, held to import groups' limit.
  if (names.some(groupNameProblem)) throw new CliError('--class: each class name must be at most 80 characters');
  return names;
}

export const teacherAddCommand: CliCommand = {
  name: 'teacher add',
  usage: 'teacher add --email <e-mail> --class <class[,class...]> [--name <name>] [--school <tenant-id>]',
  summary: 'Make a person a teacher (vakdocent) of one or more classes: they may send its students a talent signal.',
  options: { email: { type: 'string' }, class: { type: 'string' }, name: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const email = values['email'];
    if (typeof email !== 'string' || !isEmail(email)) throw new CliError('--email must be an e-mail address');
    const classNames = classesOption(values['class']);
    const school = await schoolOf(ctx, values);
    const { groups, repos: talent } = ctx.product.talent;
    const { teacher, added } = await linkTeacher(
      { install: ctx.install, groups, talent },
      {
        schoolId: school.id,
        email,
        classNames,
        ...(typeof values['name'] === 'string' ? { name: values['name'] } : {}),
      },
    );
    ctx.out(
      added.length
        ? `${teacher.email} teaches ${added.join(', ')}.`
        : `Unchanged: ${teacher.email} already teaches these classes.`,
    );
    return 0;
  },
};

export const teacherRemoveCommand: CliCommand = {
  name: 'teacher remove',
  usage: 'teacher remove --email <e-mail> --class <class[,class...]> [--school <tenant-id>]',
  summary: 'End a teacher’s link to classes (the teacher role stays; use role remove for that).',
  options: { email: { type: 'string' }, class: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const email = values['email'];
    if (typeof email !== 'string' || !isEmail(email)) throw new CliError('--email must be an e-mail address');
    const classNames = classesOption(values['class']);
    const school = await schoolOf(ctx, values);
    const person = await ctx.repos.people.findByEmail(school.id, email);
    if (!person) throw new CliError(`no person with e-mail ${email} in this school`);
    const { groups, repos: talent } = ctx.product.talent;
    const now = ctx.install.clock.now().toISOString();
    let ended = 0;
    for (const name of classNames) {
      const group = await groups.findByName(school.id, name);
      if (group && (await talent.classTeachers.end(school.id, group.id, person.id, now))) ended++;
    }
    ctx.out(`${person.email}: ${ended} class link(s) ended.`);
    return 0;
  },
};

export const talentCommands: CliCommand[] = [teacherAddCommand, teacherRemoveCommand];
