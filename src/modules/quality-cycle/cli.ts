import { CliError } from '../../cli/context.ts';
import { writeCliFiles } from '../../cli/files.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { calendarText } from '../../core/time/card-dates.ts';
import { yearLabel } from './cards.ts';
import {
  buildCheckEvidence,
  type EvidencePeriodChoice,
  evidencePeriod,
  evidencePeriodChoices,
  relatedPeriods,
} from './check-evidence.ts';
import { open, openYear, refusing, str, teamReason } from './cli-context.ts';
import { requireTeam } from './education-teams.ts';
import { evidenceCsv, evidenceMarkdown } from './evidence-export.ts';
import {
  qualityCycleDoneCommand,
  qualityCycleMilestoneAddCommand,
  qualityCycleMilestoneEditCommand,
  qualityCycleMilestoneListCommand,
  qualityCycleMilestoneRemoveCommand,
} from './milestone-cli.ts';
import { setRemindDays } from './milestone-edits.ts';
import type { QualityCycle } from './quality-cycle.ts';
import {
  qualityCycleTeamAddCommand,
  qualityCycleTeamEditCommand,
  qualityCycleTeamLinkCommand,
  qualityCycleTeamListCommand,
} from './team-cli.ts';
import { ensureYear, phaseCounts, remindDays, schoolClock, stateOf } from './year-cycle.ts';

// `npm run cli -- pdca ...`: education teams, the milestones of the yearly quality cycle, its status and
// the Check evidence, for coordinators and IT. Refusals use the same reasons as the cards in Teams. This
// file has the status, the evidence and the settings, and the list of every pdca command.

export const qualityCycleStatusCommand: CliCommand = {
  name: 'pdca status',
  usage: 'pdca status [--team <code>] [--year 2026-2027] [--school <tenant-id>]',
  summary: 'The quality cycle at a glance: done, due soon, overdue and later, per phase, for the school and each team.',
  options: { team: { type: 'string' }, year: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const { school, deps, year } = await openYear(ctx, values);
    const { today } = await schoolClock(deps, school.id);
    const all = await ensureYear(deps, school.id, year);
    const days = remindDays(all.school);
    const only = str(values, 'team')?.toLowerCase();
    if (only && !all.teams.some(({ team }) => team.id === only))
      throw new CliError(teamReason({ code: 'unknown-team', value: only }));
    const show = (name: string, cycle: QualityCycle) => {
      ctx.out(name);
      for (const c of phaseCounts(cycle.milestones, today, days)) {
        ctx.out(`  ${c.phase.padEnd(6)} ${c.done} done · ${c.dueSoon} due soon · ${c.overdue} overdue · ${c.later} later`);
      }
      for (const m of cycle.milestones) {
        const state = stateOf(m, today, days);
        if (state === 'overdue' || state === 'due-soon')
          ctx.out(`  ! ${m.id} ${m.title} — due ${calendarText(m.due, 'en', 'long')} (${state})`);
      }
    };
    ctx.out(`Quality cycle ${yearLabel(year.id)} (due soon: within ${days} days)`);
    if (!only) show('School: LOB policy plan', all.school);
    for (const { team, cycle } of all.teams) {
      if (only && team.id !== only) continue;
      show(`Team ${team.id} (${team.name})${team.teamsTeamId ? '' : ' — not linked to a Teams team'}`, cycle);
    }
    return 0;
  },
};

export const qualityCycleEvidenceCommand: CliCommand = {
  name: 'pdca evidence',
  usage:
    'pdca evidence --team <code> [--period year|h1|h2|previous] [--format md|csv] [--out <file>] [--force] [--school <tenant-id>]',
  summary: "A team's Check evidence (aggregates only; groups under 5 students without figures), as Markdown or CSV.",
  options: {
    team: { type: 'string' },
    period: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
    force: { type: 'boolean' },
    school: { type: 'string' },
  },
  async run(ctx, { values }) {
    const teamId = str(values, 'team');
    if (!teamId) throw new CliError('--team is required');
    const period = (str(values, 'period') ?? 'year') as EvidencePeriodChoice;
    if (!evidencePeriodChoices.includes(period))
      throw new CliError(`--period must be one of: ${evidencePeriodChoices.join(', ')}`);
    const format = str(values, 'format') ?? 'md';
    if (format !== 'md' && format !== 'csv') throw new CliError('--format must be md or csv');
    const { school, deps } = await open(ctx, values);
    const team = await refusing(() => requireTeam(deps, school.id, teamId));
    if (!team.teamsTeamId) throw new CliError(teamReason({ code: 'not-linked', value: team.id }));
    const clock = await schoolClock(deps, school.id);
    const { year, period: p } = evidencePeriod(period, clock);
    const evidence = await buildCheckEvidence(ctx.product.qualityCycle.evidence, {
      schoolId: school.id,
      team,
      schoolYear: year.id,
      period: p,
      now: deps.clock.now(),
      related: relatedPeriods(period, clock),
    });
    const locale = school.defaultLocale;
    const label = (type: string) => type;
    const body = format === 'csv' ? evidenceCsv(evidence, locale, label) : evidenceMarkdown(evidence, locale, label);
    const out = str(values, 'out');
    if (out) {
      // Aggregates only, but a team's figures are not for everyone on the machine either.
      writeCliFiles([{ target: out, body }], values['force'] === true);
      ctx.out(`Wrote ${out} (${format}, ${evidence.students} students, ${evidence.from} to ${evidence.to}).`);
    } else {
      ctx.out(body);
    }
    return 0;
  },
};

export const qualityCycleSettingsCommand: CliCommand = {
  name: 'pdca settings',
  usage: 'pdca settings --remind-days <1-60> [--year 2026-2027] [--school <tenant-id>]',
  summary: 'How many days before the due date the team channel and the owner are reminded (default 14).',
  options: { 'remind-days': { type: 'string' }, year: { type: 'string' }, school: { type: 'string' } },
  async run(ctx, { values }) {
    const raw = str(values, 'remind-days');
    const days = Number(raw);
    if (!raw || !Number.isInteger(days) || days < 1 || days > 60)
      throw new CliError('--remind-days must be a whole number from 1 to 60');
    const { school, deps, year } = await openYear(ctx, values);
    await setRemindDays(deps, school.id, year, days);
    ctx.out(`Reminders go out ${days} days before the due date (school year ${yearLabel(year.id)}).`);
    return 0;
  },
};

export const qualityCycleCommands: CliCommand[] = [
  qualityCycleTeamAddCommand,
  qualityCycleTeamEditCommand,
  qualityCycleTeamLinkCommand,
  qualityCycleTeamListCommand,
  qualityCycleMilestoneListCommand,
  qualityCycleMilestoneAddCommand,
  qualityCycleMilestoneEditCommand,
  qualityCycleMilestoneRemoveCommand,
  qualityCycleDoneCommand,
  qualityCycleStatusCommand,
  qualityCycleEvidenceCommand,
  qualityCycleSettingsCommand,
];
