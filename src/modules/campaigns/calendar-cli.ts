import { CliError, schoolOf } from '../../cli/context.ts';
import { normalTime } from '../../cli/dates.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { checkHoliday, defaultRegion, holidaysFor, type Region, regions } from '../../core/send-policy/calendar.ts';
import { holidayCoverage, holidayWarnings } from '../../core/send-policy/holiday-coverage.ts';
import { shippedHolidays } from '../../core/send-policy/load-holidays.ts';
import { checkQuietHours, type QuietHours } from '../../core/send-policy/quiet-hours.ts';
import { parseSchoolYear, schoolYearOf } from '../../core/time/school-year.ts';
import { isTimeZone, localDate } from '../../core/time/zoned-time.ts';

// The school calendar: region (for school holidays), time zone, quiet hours, and the school's own days
// off. The quiet hours hold every message the bot sends of its own accord; holidays and days off hold
// what goes to students (src/core/send-policy/quiet-hours.ts, docs/quiet-hours.md).

const problems: Record<string, string> = {
  badTime: 'times must be hh:mm (the quiet-after time may be 24:00)',
  tooNarrow: 'the allowed hours must be at least an hour (quiet-before earlier than quiet-after)',
  badDate: 'dates must be yyyy-mm-dd',
  endBeforeStart: 'the last day is before the first',
  badName: 'the name must be 1 to 80 characters',
};

export const calendarShowCommand: CliCommand = {
  name: 'calendar show',
  usage: 'calendar show [--year 2026-2027] [--school <tenant-id>]',
  summary: 'Show the school calendar: region, time zone, quiet hours and the holidays of a school year.',
  options: { year: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const calendar = await camp.calendars.ensure(school.id, ctx.install.clock.now().toISOString());
    const year =
      typeof values['year'] === 'string'
        ? parseSchoolYear(values['year'])
        : schoolYearOf(localDate(ctx.install.clock.now(), school.timeZone));
    if (!year) throw new CliError('--year must look like 2026-2027');
    const q = calendar.quietHours;
    ctx.out(`School ${school.name}`);
    ctx.out(`  region: ${calendar.region ?? `${defaultRegion} (not set: change with calendar set --region noord|midden|zuid)`}`);
    ctx.out(`  time zone: ${school.timeZone}`);
    ctx.out(`  prompts are sent from ${q.before} until ${q.after}${q.weekends ? ', not at weekends' : ', also at weekends'}`);
    ctx.out('  (these hours hold every message the bot sends itself; holidays hold what goes to students: docs/quiet-hours.md)');
    const list = holidaysFor(calendar, shippedHolidays()).filter((h) => h.to >= year.start && h.from <= year.end);
    ctx.out(`  holidays ${year.id}${list.length ? '' : ': none known (add them with calendar holiday add)'}`);
    for (const h of list) ctx.out(`    ${h.from} to ${h.to}  ${h.name}${h.provisional ? ' (provisional)' : ''}  [${h.key}]`);
    const today = localDate(ctx.install.clock.now(), school.timeZone);
    const warnings = [
      holidayCoverage(year, shippedHolidays(), calendar.addedHolidays),
      ...holidayWarnings(today, shippedHolidays(), calendar.addedHolidays),
    ].filter((c, i, all) => c.status !== 'published' && all.findIndex((o) => o.schoolYear === c.schoolYear) === i);
    for (const w of warnings) ctx.out(`  warning: ${holidayWarningText(w)}`);
    return 0;
  },
};

function holidayWarningText(w: ReturnType<typeof holidayCoverage>): string {
  return w.status === 'missing'
    ? `this version has no holiday dates for ${w.schoolYear}: prompts would go out in the holidays. Update the app, or add the school's holidays with calendar holiday add.`
    : `the dates of ${w.provisional.join(', ')} in ${w.schoolYear} are provisional: check them against the school's roster (calendar holiday add|remove).`;
}

export const calendarSetCommand: CliCommand = {
  name: 'calendar set',
  usage: `calendar set [--region ${regions.join('|')}] [--time-zone <IANA zone>] [--quiet-before hh:mm] [--quiet-after hh:mm] [--weekends quiet|allowed] [--school <tenant-id>]`,
  summary: 'Change the school calendar: region for holidays, time zone, and the hours the bot may send messages.',
  options: {
    region: { type: 'string' },
    'time-zone': { type: 'string' },
    'quiet-before': { type: 'string' },
    'quiet-after': { type: 'string' },
    weekends: { type: 'string' },
    school: { type: 'string' },
  },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const now = ctx.install.clock.now().toISOString();
    const calendar = await camp.calendars.ensure(school.id, now);
    const region = values['region'];
    if (region !== undefined && !(regions as readonly unknown[]).includes(region))
      throw new CliError(`--region must be one of ${regions.join(', ')}`);
    const zone = values['time-zone'];
    if (zone !== undefined && (typeof zone !== 'string' || !isTimeZone(zone)))
      throw new CliError(`--time-zone "${zone}" is not a time zone (e.g. Europe/Amsterdam)`);
    const weekends = values['weekends'];
    if (weekends !== undefined && weekends !== 'quiet' && weekends !== 'allowed')
      throw new CliError('--weekends must be quiet or allowed');
    const time = (v: unknown) => (typeof v === 'string' ? (v === '24:00' ? v : (normalTime(v) ?? v)) : undefined);
    const quietHours: QuietHours = {
      before: time(values['quiet-before']) ?? calendar.quietHours.before,
      after: time(values['quiet-after']) ?? calendar.quietHours.after,
      weekends: weekends === undefined ? calendar.quietHours.weekends : weekends === 'quiet',
    };
    const problem = checkQuietHours(quietHours);
    if (problem) throw new CliError(problems[problem]!);
    await camp.calendars.update(school.id, (c) => ({
      ...c,
      ...(region ? { region: region as Region } : {}),
      quietHours,
      updatedAt: now,
    }));
    if (typeof zone === 'string' && zone !== school.timeZone)
      await ctx.repos.schools.update(school.id, (s) => ({ ...s, timeZone: zone }));
    ctx.out(
      `Calendar saved: region ${(region as string | undefined) ?? calendar.region ?? defaultRegion}, ${typeof zone === 'string' ? zone : school.timeZone}, prompts from ${quietHours.before} until ${quietHours.after}${quietHours.weekends ? ', not at weekends' : ', also at weekends'}.`,
    );
    return 0;
  },
};

export const calendarHolidayAddCommand: CliCommand = {
  name: 'calendar holiday add',
  usage: 'calendar holiday add --name <name> --from <yyyy-mm-dd> [--to <yyyy-mm-dd>] [--school <tenant-id>]',
  summary: 'Add a day (or days) off of the school: nothing is sent to students then.',
  options: { name: { type: 'string' }, from: { type: 'string' }, to: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const name = typeof values['name'] === 'string' ? values['name'].trim() : '';
    const from = typeof values['from'] === 'string' ? values['from'] : '';
    const to = typeof values['to'] === 'string' ? values['to'] : from;
    const problem = checkHoliday({ name, from, to });
    if (problem) throw new CliError(problems[problem]!);
    const now = ctx.install.clock.now().toISOString();
    await camp.calendars.ensure(school.id, now);
    const key = `school:${from}:${name
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .slice(0, 30)}`;
    let added = false;
    await camp.calendars.update(school.id, (c) => {
      added = false;
      if (c.addedHolidays.some((h) => h.key === key)) return undefined;
      added = true;
      return { ...c, addedHolidays: [...c.addedHolidays, { key, name, from, to, regions: [...regions] }], updatedAt: now };
    });
    ctx.out(added ? `Added: ${from} to ${to} ${name} [${key}].` : `Unchanged: ${name} on ${from} was already there.`);
    return 0;
  },
};

export const calendarHolidayRemoveCommand: CliCommand = {
  name: 'calendar holiday remove',
  usage: 'calendar holiday remove --key <key shown by calendar show> [--school <tenant-id>]',
  summary: 'Remove a holiday the school does not follow (a shipped one, or one it added).',
  options: { key: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const key = values['key'];
    if (typeof key !== 'string' || !key) throw new CliError('--key is required (see calendar show)');
    const now = ctx.install.clock.now().toISOString();
    const calendar = await camp.calendars.ensure(school.id, now);
    const shipped = shippedHolidays().some((h) => h.key === key || h.key.startsWith(`${key}:`));
    const own = calendar.addedHolidays.some((h) => h.key === key);
    if (!shipped && !own) throw new CliError(`no holiday with key ${key} (see calendar show)`);
    await camp.calendars.update(school.id, (c) => ({
      ...c,
      addedHolidays: c.addedHolidays.filter((h) => h.key !== key),
      removedHolidays: shipped && !c.removedHolidays.includes(key) ? [...c.removedHolidays, key] : c.removedHolidays,
      updatedAt: now,
    }));
    ctx.out(`Removed ${key}: prompts may be sent on those days.`);
    return 0;
  },
};
