import { type CliContext, CliError, resolveSchool } from '../../cli/context.ts';
import { type ColumnSpec, normalizeHeader, readTable } from '../../cli/csv.ts';
import { parseMoment } from '../../cli/dates.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { ensurePersonByEmail, isEmail } from '../../core/assignments.ts';
import { t } from '../../core/i18n.ts';
import { readLevel } from '../../core/levels.ts';
import { levels, normalizeEmail } from '../../core/types.ts';
import { readCsvFile } from '../mentoring/assignment-cli.ts';
import { type Activity, type ActivityType, activityTypes, groupKey, ids, newGroup } from './campaigns.ts';

// Imports from the school's student information system (Magister, SOMtoday, Eduarte, Osiris, ...):
// students with their class, mentors, groups and activities. Header names are matched in Dutch and
// English (docs/campaigns.md lists them). Every row is checked before anything of it is written; a
// rejected row is reported with its reason and the rest is imported; importing the same file again
// changes nothing.

type Outcome = 'created' | 'updated' | 'unchanged' | { rejected: string };

const col = (key: string, required: boolean, ...aliases: string[]): ColumnSpec => ({ key, required, aliases });

const studentEmailAliases = [
  'leerling e-mail',
  'e-mail leerling',
  'e-mailadres leerling',
  'email leerling',
  'student e-mail',
  'student email',
  'e-mail student',
];
const nameParts = [
  col('firstName', false, 'roepnaam', 'voornaam', 'first name', 'given name', 'firstname'),
  col('middleName', false, 'tussenvoegsel', 'tussenvoegsels', 'voorvoegsel', 'middle name', 'prefix'),
  col('lastName', false, 'achternaam', 'last name', 'surname', 'family name', 'lastname'),
];
/** The level column (vmbo/havo/vwo, mbo 1–4, hbo) of a student or a class. */
const levelAliases = ['niveau', 'level', 'leerweg', 'onderwijsniveau', 'schoolsoort', 'opleidingsniveau'];

const groupAliases = [
  'klas',
  'stamgroep',
  'basisgroep',
  'mentorgroep',
  'groep',
  'groepscode',
  'klas/groep',
  'group',
  'class',
  'homeroom',
];

function fullName(row: Record<string, string>): string | undefined {
  if (row['name']) return row['name'];
  const parts = [row['firstName'], row['middleName'], row['lastName']].filter((p) => p?.trim());
  return parts.length ? parts.join(' ') : undefined;
}

/** Group cells may name several groups: "4H, 4V" or "4H|4V". */
function groupNames(cell: string | undefined): string[] {
  return (cell ?? '')
    .split(/[,|;/]/)
    .map((g) => g.trim())
    .filter(Boolean);
}

async function summarize(
  ctx: CliContext,
  file: string,
  table: { encoding: string; delimiter: string },
  counts: { created: number; updated: number; unchanged: number },
  rejected: string[],
  what: string,
  extra = '',
): Promise<number> {
  ctx.out(
    `${file} (${table.encoding}, delimiter "${table.delimiter}"): ${counts.created} ${what} imported, ${counts.updated} updated, ${counts.unchanged} unchanged, ${rejected.length} rejected.${extra}`,
  );
  for (const r of rejected) ctx.err(`  ${r}`);
  return rejected.length ? 2 : 0;
}

/** Reads the file, and runs `apply` on every row that is not a duplicate of an earlier one. */
async function importRows(
  ctx: CliContext,
  file: string,
  columns: ColumnSpec[],
  what: string,
  key: (row: Record<string, string>) => string,
  apply: (row: Record<string, string>) => Promise<Outcome>,
  after?: () => Promise<string>,
): Promise<number> {
  const table = readTable(readCsvFile(file), columns);
  if (!table.ok) throw new CliError(`${file}: ${table.error}`);
  const counts = { created: 0, updated: 0, unchanged: 0 };
  const rejected: string[] = [];
  const seen = new Map<string, number>();
  for (const { line, values } of table.rows) {
    const k = key(values);
    const first = seen.get(k);
    if (first !== undefined) {
      rejected.push(`row ${line}: duplicate of row ${first}`);
      continue;
    }
    seen.set(k, line);
    try {
      const outcome = await apply(values);
      if (typeof outcome === 'object') rejected.push(`row ${line}: ${outcome.rejected}`);
      else counts[outcome]++;
    } catch (err) {
      rejected.push(`row ${line}: not imported: ${(err as Error).message}`);
    }
  }
  return summarize(ctx, file, table, counts, rejected, what, after ? await after() : '');
}

function fileArg(positionals: string[], usage: string): string {
  const file = positionals[0];
  if (!file) throw new CliError(`give the CSV file: ${usage}`);
  return file;
}

export const importStudentsCommand: CliCommand = {
  name: 'import students',
  usage: 'import students <file.csv> [--sync-groups] [--school <tenant-id>]',
  summary:
    'Import students with their class or group (created when new). --sync-groups: the file is the truth, so listed students leave groups the file does not give them.',
  options: { school: { type: 'string' }, 'sync-groups': { type: 'boolean' } },
  async run(ctx, { values, positionals }) {
    const file = fileArg(positionals, this.usage);
    const school = await resolveSchool(ctx, values['school'] as string | undefined);
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
    const school = await resolveSchool(ctx, values['school'] as string | undefined);
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

export const importGroupsCommand: CliCommand = {
  name: 'import groups',
  usage: 'import groups <file.csv> [--school <tenant-id>]',
  summary:
    'Import groups (classes, teams), optionally linked to a Teams team, and optionally their students (one row per student).',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const file = fileArg(positionals, this.usage);
    const school = await resolveSchool(ctx, values['school'] as string | undefined);
    const { camp } = ctx.product.campaigns;
    const columns = [
      col('name', true, 'groepsnaam', 'klasnaam', 'naam', 'name', 'group name', ...groupAliases, 'code'),
      col('teamId', false, 'team id', 'teams team id', 'teamid', 'teams id', 'team'),
      col('teamName', false, 'teamnaam', 'team name', 'naam team'),
      col('student', false, ...studentEmailAliases, 'e-mail', 'email', 'e-mailadres'),
      col('level', false, ...levelAliases),
    ];
    return importRows(
      ctx,
      file,
      columns,
      'groups',
      (r) => `${groupKey(r['name'] ?? '')}|${normalizeEmail(r['student'] ?? '')}`,
      async (row) => {
        const name = (row['name'] ?? '').trim();
        if (!name || name.length > 80) return { rejected: 'group name is missing or longer than 80 characters' };
        const teamId = row['teamId']?.trim();
        if (teamId && !/^[\w:@.-]{3,200}$/.test(teamId)) return { rejected: `"${teamId}" is not a Teams team id` };
        const level = row['level'] ? readLevel(row['level'], school.sector) : undefined;
        if (row['level'] && !level) return { rejected: `level "${row['level']}" is not one of ${levels.join(', ')}` };
        const student = row['student'] ? await ctx.repos.people.findByEmail(school.id, row['student']) : undefined;
        if (row['student'] && !student) return { rejected: `unknown student e-mail "${row['student']}" (import students first)` };
        const now = ctx.install.clock.now().toISOString();
        const { group, created } = await camp.groups.ensure(
          newGroup(school.id, name, now, {
            ...(teamId ? { teamId } : {}),
            ...(row['teamName'] ? { teamName: row['teamName'] } : {}),
            ...(level ? { level } : {}),
          }),
        );
        let changed = false;
        if (!created && level && group.level !== level) {
          await camp.groups.update(school.id, group.id, (g) => ({ ...g, level, updatedAt: now }));
          changed = true;
        }
        if (!created && ((teamId && group.teamId !== teamId) || (row['teamName'] && group.teamName !== row['teamName']))) {
          await camp.groups.update(school.id, group.id, (g) => ({
            ...g,
            ...(teamId ? { teamId } : {}),
            ...(row['teamName'] ? { teamName: row['teamName'] } : {}),
            updatedAt: now,
          }));
          changed = true;
        }
        if (student) changed = (await camp.groups.addMember(school.id, group.id, student.id, now)).changed || changed;
        return created ? 'created' : changed ? 'updated' : 'unchanged';
      },
    );
  },
};

/** Activity type from a cell: the key, its Dutch or English label, or a common synonym. */
const typeSynonyms: Record<string, ActivityType> = (() => {
  const map: Record<string, ActivityType> = {};
  for (const type of activityTypes) {
    map[normalizeHeader(type)] = type;
    map[normalizeHeader(t('nl', `campaigns.activityTypes.${type}`))] = type;
    map[normalizeHeader(t('en', `campaigns.activityTypes.${type}`))] = type;
  }
  const extra: Record<string, ActivityType> = {
    stage: 'internship',
    bpv: 'internship',
    beroepspraktijkvorming: 'internship',
    opendag: 'open-day',
    proefstudeerdag: 'trial-studying',
    excursie: 'company-visit',
    bedrijfsexcursie: 'company-visit',
    overig: 'other',
    anders: 'other',
  };
  for (const [k, v] of Object.entries(extra)) map[k] = v;
  return map;
})();

export const importActivitiesCommand: CliCommand = {
  name: 'import activities',
  usage: 'import activities <file.csv> [--school <tenant-id>]',
  summary: 'Import activities (internships, shadow days, open days, ...) with their dates and groups or students.',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const file = fileArg(positionals, this.usage);
    const school = await resolveSchool(ctx, values['school'] as string | undefined);
    const { camp, policyFor } = ctx.product.campaigns;
    const { timeZone } = await policyFor(school.id);
    const table = readTable(readCsvFile(file), [
      col('type', true, 'soort activiteit', 'soort', 'type', 'activity type', 'activiteit', 'activity', 'categorie'),
      col('title', false, 'titel', 'omschrijving', 'naam', 'title', 'description', 'name'),
      col('start', true, 'startdatum', 'begindatum', 'start', 'begin', 'datum', 'date', 'start date', 'van', 'from'),
      col('startTime', false, 'starttijd', 'begintijd', 'start time', 'tijd', 'time'),
      col('end', false, 'einddatum', 'eind', 'einde', 'end', 'end date', 'tot', 'tot en met', 't/m', 'to'),
      col('endTime', false, 'eindtijd', 'end time'),
      col('groups', false, 'groepen', 'klassen', 'groups', 'classes', ...groupAliases),
      col('student', false, ...studentEmailAliases, 'e-mail', 'email'),
      col('id', false, 'id', 'activiteit id', 'activity id', 'kenmerk', 'code', 'nummer'),
    ]);
    if (!table.ok) throw new CliError(`${file}: ${table.error}`);
    const rejected: string[] = [];
    const seen = new Map<string, number>();
    // One activity may take several rows (one per student); rows are gathered per activity first.
    const gathered = new Map<string, Omit<Activity, 'version'>>();
    const groupCache = new Map<string, string | undefined>();
    for (const { line, values: row } of table.rows) {
      const dup = JSON.stringify(Object.entries(row).sort());
      if (seen.has(dup)) {
        rejected.push(`row ${line}: duplicate of row ${seen.get(dup)}`);
        continue;
      }
      seen.set(dup, line);
      const type = typeSynonyms[normalizeHeader(row['type'] ?? '')];
      if (!type) {
        rejected.push(`row ${line}: unknown kind of activity "${row['type']}" (e.g. meeloopdag, open dag, stage, snuffelstage)`);
        continue;
      }
      const startsAt = parseMoment(row['start'] ?? '', row['startTime'], '08:30', timeZone);
      const endsAt = parseMoment(row['end'] || row['start'] || '', row['endTime'], '16:00', timeZone);
      if (!startsAt || !endsAt) {
        rejected.push(
          `row ${line}: bad date or time "${[row['start'], row['startTime'], row['end'], row['endTime']].filter(Boolean).join(' ')}" (use dd-mm-yyyy or yyyy-mm-dd, and hh:mm)`,
        );
        continue;
      }
      if (endsAt <= startsAt) {
        rejected.push(`row ${line}: the end is not after the start`);
        continue;
      }
      const groupIds: string[] = [];
      const missing: string[] = [];
      for (const name of groupNames(row['groups'])) {
        if (!groupCache.has(name)) groupCache.set(name, (await camp.groups.findByName(school.id, name))?.id);
        const id = groupCache.get(name);
        if (id) groupIds.push(id);
        else missing.push(name);
      }
      if (missing.length) {
        rejected.push(
          `row ${line}: unknown group(s) ${missing.map((m) => `"${m}"`).join(', ')} (import students with their class first)`,
        );
        continue;
      }
      let studentId: string | undefined;
      if (row['student']) {
        const student = await ctx.repos.people.findByEmail(school.id, row['student']);
        if (!student) {
          rejected.push(`row ${line}: unknown student e-mail "${row['student']}"`);
          continue;
        }
        studentId = student.id;
      }
      if (!groupIds.length && !studentId) {
        rejected.push(`row ${line}: no group and no student: whom is it for?`);
        continue;
      }
      const title = (row['title'] ?? '').trim().slice(0, 200);
      const natural = row['id'] ? `ext:${row['id']}` : `nat:${type}|${title}|${startsAt}|${endsAt}`;
      const id = ids.activity(school.id, natural);
      const now = ctx.install.clock.now().toISOString();
      const current = gathered.get(id) ?? {
        id,
        schoolId: school.id,
        type,
        title,
        startsAt,
        endsAt,
        groupIds: [],
        studentIds: [],
        ...(row['id'] ? { externalId: row['id'] } : {}),
        createdAt: now,
        updatedAt: now,
      };
      if (current.type !== type || current.startsAt !== startsAt || current.endsAt !== endsAt) {
        rejected.push(`row ${line}: activity ${row['id']} appears earlier with other dates or another kind`);
        continue;
      }
      current.groupIds = [...new Set([...current.groupIds, ...groupIds])];
      if (studentId) current.studentIds = [...new Set([...current.studentIds, studentId])];
      gathered.set(id, current);
    }
    const counts = { created: 0, updated: 0, unchanged: 0 };
    for (const activity of gathered.values()) {
      const { outcome } = await camp.activities.save(activity);
      counts[outcome]++;
    }
    return summarize(ctx, file, table, counts, rejected, 'activities');
  },
};
