import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../../src/cli/main.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { type TestUser, testUser } from '../../test/helpers/activities.ts';

// The soak's school, made the way a school makes it: CSV exports of its student information system
// imported with the command line, the calendar and the quality cycle set with the command line, and every
// person opening the app in Teams (the installation activity, over HTTP, in the instance's own code).

export type Sector = 'vo' | 'mbo' | 'hbo';

export interface SoakClass {
  name: string;
  sector: Sector;
  mentor: TestUser;
  students: TestUser[];
}

export interface SoakCampaign {
  index: number;
  activityId: string;
  title: string;
  type: string;
  flowId: string;
  groups: string[];
  /** The activity's end, local date and time. */
  date: string;
  end: string;
}

export interface SoakMilestone {
  title: string;
  due: string;
  level: 'school' | 'team';
  team?: string;
  owner: TestUser;
}

export interface SoakWorld {
  coordinator: TestUser;
  classes: SoakClass[];
  students: TestUser[];
  mentors: TestUser[];
  campaigns: SoakCampaign[];
  milestones: SoakMilestone[];
  remindDays: number;
}

/** Flows per sector and activity kind; a campaign takes the kind of its turn and a class of that sector. */
const kinds: Record<Sector, { type: string; flowId: string }[]> = {
  vo: [
    { type: 'shadow-day', flowId: 'shadow-day-vo' },
    { type: 'open-day', flowId: 'open-day-vo' },
    { type: 'profile-choice', flowId: 'profile-choice' },
    { type: 'internship', flowId: 'internship-vo' },
  ],
  mbo: [
    { type: 'shadow-day', flowId: 'shadow-day-mbo' },
    { type: 'intake', flowId: 'intake-mbo' },
    { type: 'internship', flowId: 'internship-mbo' },
  ],
  hbo: [
    { type: 'guest-lesson', flowId: 'guest-lesson-hbo' },
    { type: 'intake', flowId: 'intake-hbo' },
    { type: 'internship', flowId: 'internship-hbo' },
  ],
};

const pad = (n: number) => String(n).padStart(2, '0');
const isoDate = (d: Date) => `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;

/** The people and the plan of the year, before anything is stored. */
export function planWorld(input: {
  students: number;
  mentors: number;
  campaigns: number;
  from: string;
  until: string;
}): SoakWorld {
  if (!Number.isInteger(input.mentors) || input.mentors < 1)
    throw new Error(`the soak needs at least one mentor (one class each), got ${input.mentors}`);
  if (input.students < input.mentors)
    throw new Error(
      `the soak needs at least one student per mentor's class: ${input.students} students, ${input.mentors} mentors`,
    );
  const coordinator = testUser('Decaan Soak', 'decaan@soak.example');
  const perClass = Math.floor(input.students / input.mentors);
  // One class per mentor, the sectors in turn: with fewer than three mentors only the first sectors have
  // a class, and the campaigns go to those.
  const sectors = (['vo', 'mbo', 'hbo'] as Sector[]).slice(0, Math.min(3, input.mentors));
  const classes: SoakClass[] = [];
  for (let c = 0; c < input.mentors; c++) {
    const sector = sectors[c % sectors.length]!;
    const name = `${sector.toUpperCase()}${c + 1}`;
    const mentor = testUser(`Mentor ${c + 1}`, `mentor${c + 1}@soak.example`);
    const students = Array.from({ length: perClass }, (_, i) =>
      testUser(`Leerling ${c + 1}-${i + 1}`, `l${c + 1}-${i + 1}@soak.example`, i % 7 === 0 ? 'en-GB' : 'nl-NL'),
    );
    classes.push({ name, sector, mentor, students });
  }
  // Campaigns spread over the school days of the period (from the second week to four weeks before its
  // end), each for three classes of one sector; some fall in a holiday on purpose (the prompt waits).
  const start = Date.parse(`${input.from}T00:00:00Z`) + 7 * 86_400_000;
  const stop = Date.parse(`${input.until}T00:00:00Z`) - 28 * 86_400_000;
  const campaigns: SoakCampaign[] = [];
  for (let i = 0; i < input.campaigns; i++) {
    let day = new Date(start + Math.floor(((stop - start) * i) / Math.max(1, input.campaigns)));
    while (day.getUTCDay() === 0 || day.getUTCDay() === 6) day = new Date(day.getTime() + 86_400_000);
    const sector = sectors[i % sectors.length]!;
    const ofSector = classes.filter((k) => k.sector === sector);
    const kind = kinds[sector][Math.floor(i / 3) % kinds[sector].length]!;
    const groups = [0, 1, 2].map((j) => ofSector[(i + j) % ofSector.length]!.name);
    campaigns.push({
      index: i,
      activityId: `soak-${i + 1}`,
      // Zero-padded, so no title is the start of another (the observer finds a prompt's campaign by it).
      title: `Soak-activiteit ${String(i + 1).padStart(3, '0')}`,
      ...kind,
      groups: [...new Set(groups)],
      date: isoDate(day),
      // Every fifth ends late in the afternoon, after the quiet hours start on a Friday or not.
      end: i % 5 === 4 ? '19:55' : '14:00',
    });
  }
  const first = classes[0]!.mentor;
  const second = classes[1 % classes.length]!.mentor;
  const year = Number(input.from.slice(0, 4));
  const milestones: SoakMilestone[] = [
    { title: 'Beleidsplan LOB vastgesteld', due: `${year}-10-15`, level: 'school', owner: coordinator },
    { title: 'Tussenevaluatie LOB', due: `${year + 1}-02-10`, level: 'school', owner: coordinator },
    { title: 'Teamplan LOB bovenbouw', due: `${year}-09-30`, level: 'team', team: 'team-a', owner: first },
    { title: 'Evaluatie meeloopdagen', due: `${year + 1}-03-17`, level: 'team', team: 'team-a', owner: first },
    { title: 'Teamplan LOB mbo', due: `${year}-11-04`, level: 'team', team: 'team-b', owner: second },
    { title: 'Bijstellen activiteiten', due: `${year + 1}-06-09`, level: 'team', team: 'team-b', owner: second },
  ].filter((m) => m.due > input.from && m.due < input.until) as SoakMilestone[];
  return {
    coordinator,
    classes,
    students: classes.flatMap((k) => k.students),
    mentors: classes.map((k) => k.mentor),
    campaigns,
    milestones,
    remindDays: 14,
  };
}

export type CliRun = (...args: string[]) => Promise<{ code: number; out: string }>;

/** The command line on the soak's store, on the soak's clock. */
export function soakCli(env: Record<string, string>, clock: Clock): CliRun {
  return async (...args) => {
    const out: string[] = [];
    const code = await runCli(args, { out: (l) => out.push(l), err: (l) => out.push(l) }, env, { clock });
    return { code, out: out.join('\n') };
  };
}

async function must(cli: CliRun, ...args: string[]): Promise<string> {
  const r = await cli(...args);
  if (r.code !== 0) throw new Error(`soak set-up: \`${args.join(' ')}\` exited ${r.code}:\n${r.out}`);
  return r.out;
}

const csv = (rows: string[][]) => `${rows.map((r) => r.join(';')).join('\n')}\n`;

/** Imports the school and sets it up; the school itself must exist (its first person installed the app). */
export async function importWorld(world: SoakWorld, cli: CliRun, dir: string, schoolId: string): Promise<void> {
  const file = (name: string, rows: string[][]) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, csv(rows));
    return p;
  };
  const s = ['--school', schoolId];
  await must(
    cli,
    'calendar',
    'set',
    '--region',
    'zuid',
    '--quiet-before',
    '08:00',
    '--quiet-after',
    '20:00',
    '--weekends',
    'quiet',
    ...s,
  );
  await must(
    cli,
    'import',
    'students',
    file('students.csv', [
      ['Naam', 'E-mailadres', 'Klas'],
      ...world.classes.flatMap((k) => k.students.map((u) => [u.name, u.email, k.name])),
    ]),
    ...s,
  );
  await must(
    cli,
    'import',
    'mentors',
    file('mentors.csv', [
      ['Naam mentor', 'Mentor e-mail', 'Mentorklas'],
      ...world.classes.map((k) => [k.mentor.name, k.mentor.email, k.name]),
    ]),
    ...s,
  );
  await must(cli, 'role', 'add', '--email', world.coordinator.email, '--role', 'coordinator', ...s);
  for (const c of world.campaigns) {
    await must(
      cli,
      'activity',
      'add',
      '--type',
      c.type,
      '--start',
      `${c.date} 09:00`,
      '--end',
      `${c.date} ${c.end}`,
      '--group',
      c.groups.join(','),
      '--title',
      c.title,
      '--id',
      c.activityId,
      ...s,
    );
    await must(
      cli,
      'campaign',
      'create',
      '--name',
      `Soak ${c.index + 1}`,
      '--type',
      c.type,
      '--group',
      c.groups.join(','),
      '--flow',
      c.flowId,
      '--activity',
      c.activityId,
      '--offset',
      '0',
      '--remind-after',
      '24',
      '--reminders',
      '1',
      '--close-after',
      '7',
      ...s,
    );
  }
  // The quality cycle at both levels: the school's own milestones and two education teams with theirs.
  const teams = [
    { id: 'team-a', leader: world.classes[0]!.mentor, mentors: world.mentors.filter((_, i) => i % 2 === 0) },
    {
      id: 'team-b',
      leader: world.classes[1 % world.classes.length]!.mentor,
      mentors: world.mentors.filter((_, i) => i % 2 === 1),
    },
  ];
  for (const t of teams) {
    await must(cli, 'role', 'add', '--email', t.leader.email, '--role', 'team-leader', ...s);
    await must(
      cli,
      'pdca',
      'team',
      'add',
      '--id',
      t.id,
      '--name',
      `Team ${t.id}`,
      '--leader',
      t.leader.email,
      ...(t.mentors.length ? ['--mentors', t.mentors.map((m) => m.email).join(',')] : []),
      ...s,
    );
  }
  await must(cli, 'pdca', 'settings', '--remind-days', String(world.remindDays), ...s);
  for (const m of world.milestones) {
    await must(
      cli,
      'pdca',
      'milestone',
      'add',
      ...(m.level === 'school' ? ['--level', 'school'] : ['--team', m.team!]),
      '--phase',
      'plan',
      '--title',
      m.title,
      '--due',
      m.due,
      '--owner',
      m.level === 'school' ? 'coordinator' : m.owner.email,
      ...s,
    );
  }
}
