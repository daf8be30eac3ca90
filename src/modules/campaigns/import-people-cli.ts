import { schoolOf } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { ensurePersonByEmail, isEmail } from '../../core/assignments.ts';
import { readLevel } from '../../core/levels.ts';
import { levels, normalizeEmail } from '../../core/types.ts';
import { groupKey, groupNameProblem, newGroup } from './campaigns.ts';
import {
  col,
  fileArg,
  fullName,
  groupAliases,
  groupNames,
  importRows,
  levelAliases,
  nameParts,
  studentEmailAliases,
} from './import-rows.ts';

// Importing people from the school's student information system (Magister, SOMtoday, Eduarte, Osiris,
// ...): students with their class or group, and mentors with the classes or students they guide.

export const importStudentsCommand: CliCommand = {
  name: 'import students',
  usage: 'import students <file.csv> [--sync-groups] [--school <tenant-id>]',
  summary:
    'Import students with their class or group (created when new). --sync-groups: the file is the truth, so listed students leave groups the file does not give them.',
  options: { school: { type: 'string' }, 'sync-groups': { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const file = fileArg(positionals, this.usage);
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const now = () => ctx.install.clock.now().toISOString();
    const groupsOf = new Map<string, Set<string>>();
    const columns = [
      col(
        'email',
        true,
        'e-mail',
        'email',
        'e-mailadres',
        'emailadres',
        'mail',
        'school e-mail',
        'upn',
        'userprincipalname',
        ...studentEmailAliases,
      ),
      col('name', false, 'naam', 'volledige naam', 'name', 'full name', 'student name', 'naam leerling', 'leerling'),
      ...nameParts,
      col('group', false, ...groupAliases),
      col('level', false, ...levelAliases),
      col('number', false, 'leerlingnummer', 'stamnummer', 'stamnr', 'studentnummer', 'student number', 'student id'),
    ];
    return importRows(
      ctx,
      file,
      columns,
      'students',
      (r) => `${normalizeEmail(r['email'] ?? '')}|${groupNames(r['group']).map(groupKey).join(',')}`,
      async (row) => {
        const email = row['email'] ?? '';
        if (!isEmail(email)) return { rejected: `e-mail "${email}" is missing or not an e-mail address` };
        const groups = groupNames(row['group']);
        // Every cell first: a row rejected after the student was created would leave half of it behind.
        for (const name of groups) {
          const problem = groupNameProblem(name);
          if (problem) return { rejected: `${problem}: "${name.slice(0, 40)}${name.length > 40 ? '…' : ''}"` };
        }
        const existing = await ctx.repos.people.findByEmail(school.id, email);
        if (existing && !existing.roles.includes('student') && existing.roles.length > 0)
          return { rejected: `${email} is already known as ${existing.roles.join(', ')}, not as a student` };
        const level = row['level'] ? readLevel(row['level'], existing?.sector ?? school.sector) : undefined;
        if (row['level'] && !level) return { rejected: `level "${row['level']}" is not one of ${levels.join(', ')}` };
        const person = await ensurePersonByEmail(ctx.install, school.id, email, 'student', fullName(row));
        let changed = person.changed;
        if (level && person.person.level !== level) {
          await ctx.repos.people.update(school.id, person.person.id, (p) => ({ ...p, level, updatedAt: now() }));
          changed = true;
        }
        for (const name of groups) {
          const { group } = await camp.groups.ensure(newGroup(school.id, name, now()));
          const added = await camp.groups.addMember(school.id, group.id, person.person.id, now());
          changed ||= added.changed;
          const set = groupsOf.get(person.person.id) ?? new Set<string>();
          set.add(group.id);
          groupsOf.set(person.person.id, set);
        }
        return person.created ? 'created' : changed ? 'updated' : 'unchanged';
      },
      async () => {
        if (!values['sync-groups']) return '';
        let left = 0;
        for (const [personId, keep] of groupsOf) {
          for (const m of await camp.groups.groupsOf(school.id, personId)) {
            if (!keep.has(m.groupId) && (await camp.groups.endMember(school.id, m.groupId, personId, now()))) left++;
          }
        }
        return ` ${left} left a group.`;
      },
    );
  },
};

export const importMentorsCommand: CliCommand = {
  name: 'import mentors',
  usage: 'import mentors <file.csv> [--school <tenant-id>]',
  summary: 'Import mentors; a row with a class makes them mentor of its students, a row with a student e-mail of that student.',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const file = fileArg(positionals, this.usage);
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const columns = [
      col(
        'email',
        true,
        'mentor e-mail',
        'e-mail mentor',
        'mentor email',
        'e-mailadres mentor',
        'docent e-mail',
        'e-mail docent',
        'slb e-mail',
        'e-mail',
        'email',
        'e-mailadres',
        'upn',
      ),
      col(
        'name',
        false,
        'naam mentor',
        'mentor naam',
        'mentor name',
        'naam',
        'name',
        'mentor',
        'docent',
        'slber',
        'loopbaanbegeleider',
      ),
      ...nameParts,
      col('group', false, 'mentorklas', 'mentor van', ...groupAliases),
      col('student', false, ...studentEmailAliases),
    ];
    return importRows(
      ctx,
      file,
      columns,
      'mentors',
      (r) => `${normalizeEmail(r['email'] ?? '')}|${groupKey(r['group'] ?? '')}|${normalizeEmail(r['student'] ?? '')}`,
      async (row) => {
        const email = row['email'] ?? '';
        if (!isEmail(email)) return { rejected: `mentor e-mail "${email}" is missing or not an e-mail address` };
        const studentIds: string[] = [];
        for (const name of groupNames(row['group'])) {
          const group = await camp.groups.findByName(school.id, name);
          if (!group) return { rejected: `group "${name}" does not exist (import students with their class first)` };
          studentIds.push(...(await camp.groups.members(school.id, group.id)).map((m) => m.personId));
        }
        if (row['student']) {
          const student = await ctx.repos.people.findByEmail(school.id, row['student']);
          if (!student) return { rejected: `unknown student e-mail "${row['student']}" (import students first)` };
          studentIds.push(student.id);
        }
        const mentor = await ensurePersonByEmail(ctx.install, school.id, email, 'mentor', fullName(row));
        if (studentIds.includes(mentor.person.id)) return { rejected: `${email} cannot be their own mentor` };
        let changed = mentor.changed;
        const at = ctx.install.clock.now().toISOString();
        for (const studentId of new Set(studentIds)) {
          changed = (await ctx.repos.assignments.assign(school.id, studentId, mentor.person.id, at)).changed || changed;
        }
        return mentor.created ? 'created' : changed ? 'updated' : 'unchanged';
      },
    );
  },
};
