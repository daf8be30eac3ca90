import { CliError, schoolOf } from '../../cli/context.ts';
import { normalizeHeader, readTable } from '../../cli/csv.ts';
import { parseMoment } from '../../cli/dates.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { t } from '../../core/i18n.ts';
import { readLevel } from '../../core/levels.ts';
import { levels, normalizeEmail } from '../../core/types.ts';
import { readCsvFile } from '../mentoring/assignment-cli.ts';
import { type Activity, type ActivityType, activityTypes, groupKey, groupNameProblem, ids, newGroup } from './campaigns.ts';
import {
  col,
  duplicates,
  fileArg,
  groupAliases,
  groupNames,
  importRows,
  levelAliases,
  studentEmailAliases,
  summarize,
} from './import-rows.ts';

// Importing groups (classes, teams, optionally linked to a Teams team) and activities (internships,
// shadow days, open days, ...) from the school's student information system.

export const importGroupsCommand: CliCommand = {
  name: 'import groups',
  usage: 'import groups <file.csv> [--school <tenant-id>]',
  summary:
    'Import groups (classes, teams), optionally linked to a Teams team, and optionally their students (one row per student).',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const file = fileArg(positionals, this.usage);
    const school = await schoolOf(ctx, values);
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
        const problem = groupNameProblem(name);
        if (problem) return { rejected: problem };
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
    const school = await schoolOf(ctx, values);
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
    const duplicate = duplicates((row) => JSON.stringify(Object.entries(row).sort()));
    // One activity may take several rows (one per student); rows are gathered per activity first.
    const gathered = new Map<string, Omit<Activity, 'version'>>();
    const groupCache = new Map<string, string | undefined>();
    for (const { line, values: row } of table.rows) {
      const earlier = duplicate(row, line);
      if (earlier) {
        rejected.push(earlier);
        continue;
      }
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
