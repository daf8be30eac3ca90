import { CliError, schoolOf } from '../../cli/context.ts';
import { parseMoment } from '../../cli/dates.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { type ActivityType, activityTypes, groupNameProblem, ids, isActivityType, newGroup } from './campaigns.ts';

// Groups and activities by hand, next to the imports: list them, link a group to its Teams team, add
// one activity.

export const groupListCommand: CliCommand = {
  name: 'group list',
  usage: 'group list [--school <tenant-id>]',
  summary: 'List the groups with their number of students and linked Teams team.',
  options: { school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const groups = await camp.groups.list(school.id);
    if (!groups.length) ctx.out('No groups yet. Import students with their class: import students <file.csv>');
    for (const g of groups) {
      const members = (await camp.groups.members(school.id, g.id)).length;
      ctx.out(
        `${g.name.padEnd(12)} ${String(members).padStart(4)} students${g.teamId ? `  team ${g.teamName ?? ''} ${g.teamId}` : ''}`,
      );
    }
    return 0;
  },
};

export const groupLinkCommand: CliCommand = {
  name: 'group link',
  usage: 'group link --group <name> --team <teams-team-id> [--team-name <name>] [--school <tenant-id>]',
  summary: 'Link a group to its Teams team (the group is created when new).',
  options: { group: { type: 'string' }, team: { type: 'string' }, 'team-name': { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const name = typeof values['group'] === 'string' ? values['group'].trim() : '';
    const teamId = typeof values['team'] === 'string' ? values['team'].trim() : '';
    if (!name) throw new CliError('--group is required');
    if (groupNameProblem(name)) throw new CliError('--group must be at most 80 characters');
    if (!/^[\w:@.-]{3,200}$/.test(teamId)) throw new CliError('--team must be a Teams team id (e.g. 19:...@thread.tacv2)');
    const now = ctx.install.clock.now().toISOString();
    const { group } = await camp.groups.ensure(newGroup(school.id, name, now));
    const teamName = typeof values['team-name'] === 'string' ? values['team-name'] : undefined;
    await camp.groups.update(school.id, group.id, (g) =>
      g.teamId === teamId && (teamName === undefined || g.teamName === teamName)
        ? undefined
        : { ...g, teamId, ...(teamName ? { teamName } : {}), updatedAt: now },
    );
    ctx.out(`Group ${group.name} is linked to team ${teamId}.`);
    return 0;
  },
};

export const activityAddCommand: CliCommand = {
  name: 'activity add',
  usage:
    'activity add --type <activity-type> --start "<date> [hh:mm]" [--end "<date> [hh:mm]"] --group <name>[,<name>] [--title <text>] [--id <your id>] [--school <tenant-id>]',
  summary: 'Add one activity (a shadow day, open day, internship period, ...) for one or more groups.',
  options: {
    type: { type: 'string' },
    title: { type: 'string' },
    start: { type: 'string' },
    end: { type: 'string' },
    group: { type: 'string', multiple: true },
    id: { type: 'string' },
    school: { type: 'string' },
  },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp, policyFor } = ctx.product.campaigns;
    const { timeZone } = await policyFor(school.id);
    const type = values['type'];
    if (typeof type !== 'string' || !isActivityType(type))
      throw new CliError(`--type must be one of: ${activityTypes.join(', ')}`);
    const start = typeof values['start'] === 'string' ? values['start'] : '';
    const startsAt = parseMoment(start, undefined, '08:30', timeZone);
    const endsAt = parseMoment(typeof values['end'] === 'string' ? values['end'] : start, undefined, '16:00', timeZone);
    if (!startsAt || !endsAt)
      throw new CliError('--start and --end must be dates like 2026-11-25 or 25-11-2026, optionally with a time (14:00)');
    if (endsAt <= startsAt) throw new CliError('the end must be after the start');
    const groupIds: string[] = [];
    for (const name of ((values['group'] as string[] | undefined) ?? []).flatMap((g) => g.split(','))) {
      const g = await camp.groups.findByName(school.id, name.trim());
      if (!g) throw new CliError(`group "${name.trim()}" does not exist (see group list)`);
      groupIds.push(g.id);
    }
    if (!groupIds.length) throw new CliError('--group is required');
    const externalId = typeof values['id'] === 'string' ? values['id'] : undefined;
    const title = typeof values['title'] === 'string' ? values['title'].trim() : '';
    const now = ctx.install.clock.now().toISOString();
    const { activity, outcome } = await camp.activities.save({
      id: ids.activity(school.id, externalId ? `ext:${externalId}` : `nat:${type}|${title}|${startsAt}|${endsAt}`),
      schoolId: school.id,
      type: type as ActivityType,
      title,
      startsAt,
      endsAt,
      groupIds,
      studentIds: [],
      ...(externalId ? { externalId } : {}),
      createdAt: now,
      updatedAt: now,
    });
    ctx.out(`Activity ${activity.id} ${outcome}: ${type} ${title} ${startsAt} to ${endsAt}.`);
    return 0;
  },
};

export const activityListCommand: CliCommand = {
  name: 'activity list',
  usage: 'activity list [--type <activity-type>] [--school <tenant-id>]',
  summary: 'List the activities, by end date.',
  options: { type: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const type = values['type'];
    if (type !== undefined && (typeof type !== 'string' || !isActivityType(type)))
      throw new CliError(`--type must be one of: ${activityTypes.join(', ')}`);
    const list = await camp.activities.listEndingBetween(school.id, '0000', '9999', type ? { type: type as ActivityType } : {});
    const groups = new Map((await camp.groups.list(school.id)).map((g) => [g.id, g.name]));
    if (!list.length) ctx.out('No activities yet. Import them: import activities <file.csv>');
    for (const a of list) {
      ctx.out(
        `${a.id}  ${a.type.padEnd(17)} ${a.startsAt} to ${a.endsAt}  ${a.groupIds.map((g) => groups.get(g) ?? g).join(',')}${a.studentIds.length ? ` +${a.studentIds.length} students` : ''}  ${a.title}`,
      );
    }
    return 0;
  },
};
