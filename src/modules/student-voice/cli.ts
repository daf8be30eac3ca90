import { CliError, schoolOf } from '../../cli/context.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { pulseQuestions } from './entities.ts';
import { effectiveSchedule, parseScheduleDates, validDays } from './planner.ts';
import type { ScheduleProblem } from './pulses.ts';
import { jobMonitor2014 } from './reference.ts';
import { pulseResults } from './results.ts';

// `pulse schedule`, `pulse show`, `pulse dates`: the student pulse from the command line. `show` prints
// what a coordinator may see (figures of closed pulses with 5 or more answers), never who answered.

const problems: Record<ScheduleProblem, string> = {
  'bad-date': '--opens must be a date (YYYY-MM-DD), and the pulse must not have closed already',
  'bad-days': '--days must be a whole number from 1 to 42',
  'unknown-team': 'no education team with that id in this school (see `pdca team list`)',
  'no-students': 'nobody to ask: no current students in that group',
};

const percent = (share: number) => `${Math.round(share * 100)}%`;

function daysOption(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  const days = typeof value === 'string' && /^\d{1,3}$/.test(value) ? Number(value) : Number.NaN;
  if (!validDays(days)) throw new CliError(problems['bad-days']);
  return days;
}

export const pulseScheduleCommand: CliCommand = {
  name: 'pulse schedule',
  usage: 'pulse schedule --opens <YYYY-MM-DD> [--days <n>] [--team <team-id>] [--school <tenant-id>]',
  summary: 'Schedule an anonymous student pulse about career guidance, for the whole school or one education team.',
  options: { opens: { type: 'string' }, days: { type: 'string' }, team: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const days = daysOption(values['days']);
    const team = values['team'];
    const result = await ctx.product.studentVoice.pulses.schedule({
      schoolId: school.id,
      opensOn: typeof values['opens'] === 'string' ? values['opens'].trim() : '',
      ...(days !== undefined ? { days } : {}),
      ...(typeof team === 'string' ? { teamId: team.trim().toLowerCase() } : {}),
      origin: 'cli',
    });
    if (!result.ok) throw new CliError(problems[result.problem]);
    const { pulse } = result;
    const who = pulse.audience.kind === 'team' ? `team ${pulse.audience.teamName}` : 'the whole school';
    ctx.out(`Pulse ${pulse.id} for ${who}: open ${pulse.opensOn} to ${pulse.closesOn}, ${pulse.invited} student(s) invited.`);
    return 0;
  },
};

export const pulseShowCommand: CliCommand = {
  name: 'pulse show',
  usage: 'pulse show [--school <tenant-id>]',
  summary: 'The school’s student pulses and, once closed with 5 or more answers, their figures beside the JOB monitor 2014.',
  options: { school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { repos, pulses } = ctx.product.studentVoice;
    const { dates, days } = await effectiveSchedule(repos, school.id);
    ctx.out(dates.length ? `Planned yearly on ${dates.join(', ')} for ${days} day(s).` : 'No yearly pulses planned.');
    const list = await repos.pulses.listBySchool(school.id);
    const results = await pulseResults(repos, list, await pulses.today(school.id), 'school');
    for (const r of results) {
      const who = r.pulse.audience.kind === 'team' ? `team ${r.pulse.audience.teamName}` : 'whole school';
      ctx.out(`${r.pulse.id}  ${who}  ${r.pulse.opensOn}..${r.pulse.closesOn}  ${r.state}  invited ${r.pulse.invited}`);
      if (!r.figures) continue;
      if (r.figures.hidden) {
        ctx.out('  fewer than 5 answers: no figures');
        continue;
      }
      const f = r.figures.value;
      ctx.out(`  ${f.respondents} answers (${percent(f.response)})`);
      for (const q of pulseQuestions) {
        const x = f.questions[q];
        ctx.out(
          `  ${q}: satisfied ${percent(x.satisfied)}, dissatisfied ${percent(x.dissatisfied)}, mean ${x.mean.toFixed(1)}` +
            ` (JOB monitor 2014: satisfied ${percent(jobMonitor2014[q].satisfied)})`,
        );
      }
      if (r.remarks) ctx.out(`  ${r.remarks.length} remark(s); read them on the coordinator page.`);
    }
    if (list.length === 0) ctx.out('No pulses yet.');
    return 0;
  },
};

export const pulseDatesCommand: CliCommand = {
  name: 'pulse dates',
  usage: 'pulse dates (--set <MM-DD[,MM-DD...]> | --off | --default) [--days <n>] [--school <tenant-id>]',
  summary: 'The yearly dates the student pulse opens on by itself (default 11-15 and 04-15, 14 days), or none.',
  options: {
    set: { type: 'string' },
    off: { type: 'boolean' },
    default: { type: 'boolean' },
    days: { type: 'string' },
    school: { type: 'string' },
  },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { repos } = ctx.product.studentVoice;
    const chosen = [values['set'] !== undefined, values['off'] === true, values['default'] === true].filter(Boolean).length;
    if (chosen !== 1) throw new CliError('say one of --set <MM-DD,...>, --off or --default');
    const current = await effectiveSchedule(repos, school.id);
    const days = daysOption(values['days']) ?? current.days;
    let dates: string[];
    if (values['off'] === true) dates = [];
    else if (values['default'] === true) dates = ['11-15', '04-15'];
    else {
      const parsed = typeof values['set'] === 'string' ? parseScheduleDates(values['set']) : undefined;
      if (!parsed) throw new CliError('--set takes one to four days of the year as MM-DD, e.g. --set 11-15,04-15');
      dates = parsed;
    }
    await repos.schedules.put({ schoolId: school.id, dates, days, updatedAt: ctx.clock.now().toISOString() });
    ctx.out(dates.length ? `Student pulses open yearly on ${dates.join(', ')} for ${days} day(s).` : 'No yearly student pulses.');
    return 0;
  },
};

export const studentVoiceCommands: CliCommand[] = [pulseScheduleCommand, pulseShowCommand, pulseDatesCommand];
