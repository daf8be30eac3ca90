import fs from 'node:fs';
import path from 'node:path';
import type { Repositories } from '../../src/core/ports.ts';
import { tenantId, testUser } from '../../test/helpers/activities.ts';
import type { TestBot } from '../../test/helpers/test-bot.ts';
import type { CliRun, SoakWorld } from './world.ts';

// The rollover on 1 August the way a school does it: IT imports the new year's classes from the student
// information system (every class promoted under a new name, `--sync-groups` so the students leave last
// year's class), the new mentors with their classes, and makes each new mentor the student's only mentor
// (`change-mentor`). What the soak asserts afterwards is in verify.ts (the new year's page).

export interface NextYearClass {
  name: string;
  /** Last year's class the students came from. */
  from: string;
  mentor: string;
  students: string[];
}

/** The new year's class of a class: promoted, so renamed after the year it starts. */
export const promotedName = (name: string, startYear: number) => `${name}-${startYear}`;

export async function rollOver(input: {
  world: SoakWorld;
  cli: CliRun;
  dir: string;
  bot: TestBot;
  /** Students who left during the year (no longer in the school's export). */
  leavers: ReadonlySet<string>;
  startYear: number;
}): Promise<NextYearClass[]> {
  const { world, cli, dir, bot, startYear } = input;
  const classes = world.classes.map((k, i) => ({
    name: promotedName(k.name, startYear),
    from: k.name,
    mentor: testUser(`Mentor ${i + 1} ${startYear}`, `mentor${i + 1}-${startYear}@soak.example`),
    students: k.students.filter((s) => !input.leavers.has(s.email)),
  }));
  const must = async (...args: string[]) => {
    const r = await cli(...args, '--school', tenantId);
    if (r.code !== 0) throw new Error(`rollover: \`${args.join(' ')}\` exited ${r.code}:\n${r.out}`);
  };
  const write = (name: string, rows: string[][]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, `${rows.map((r) => r.join(';')).join('\n')}\n`);
    return file;
  };
  await must(
    'import',
    'students',
    write('students-next-year.csv', [
      ['Naam', 'E-mailadres', 'Klas'],
      ...classes.flatMap((k) => k.students.map((s) => [s.name, s.email, k.name])),
    ]),
    '--sync-groups',
  );
  // The new mentors open the app before the handovers reach them.
  for (const k of classes) {
    bot.join(k.mentor);
    const res = await bot.send('personal-installation-add', k.mentor as never);
    if (res.status !== 200) throw new Error(`rollover: installation of ${k.mentor.email} refused: ${res.status}`);
  }
  await must(
    'import',
    'mentors',
    write('mentors-next-year.csv', [
      ['Naam mentor', 'Mentor e-mail', 'Mentorklas'],
      ...classes.map((k) => [k.mentor.name, k.mentor.email, k.name]),
    ]),
  );
  // `import mentors` adds the new mentor beside last year's; `change-mentor` makes them the only one.
  for (const k of classes)
    for (const s of k.students) await must('change-mentor', '--student', s.email, '--mentor', k.mentor.email);
  return classes.map((k) => ({ name: k.name, from: k.from, mentor: k.mentor.email, students: k.students.map((s) => s.email) }));
}

/** Students whose active mentors are not exactly their new class's mentor. */
export async function wrongMentors(repos: Repositories, classes: readonly NextYearClass[]): Promise<string[]> {
  const wrong: string[] = [];
  for (const k of classes) {
    const mentor = await repos.people.findByEmail(tenantId, k.mentor);
    for (const email of k.students) {
      const student = await repos.people.findByEmail(tenantId, email);
      const active = student ? await repos.assignments.activeMentorsOf(tenantId, student.id) : [];
      const ids = active.map((a) => a.mentorId);
      if (!mentor || ids.length !== 1 || ids[0] !== mentor.id)
        wrong.push(`${email}: ${ids.length} active mentors, not only ${k.mentor}`);
    }
  }
  return wrong;
}
