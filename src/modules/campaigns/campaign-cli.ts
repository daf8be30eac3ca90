import { type CliContext, CliError, schoolOf } from '../../cli/context.ts';
import { normalTime } from '../../cli/dates.ts';
import type { CliCommand } from '../../cli/registry.ts';
import { isSmallGroup, minRespondents } from '../../core/aggregates.ts';
import { t } from '../../core/i18n.ts';
import { type Campaign, ids, isActivityType, type Schedule } from './campaigns.ts';
import { reasonText } from './cards.ts';
import type { CampaignInput } from './checks.ts';
import { campaignLevel, campaignSector, defaultFlowFor } from './default-flow.ts';
import { formatOffset, parseOffset, parseWeekly } from './schedule.ts';
import { type CampaignStatus, listCounts } from './status.ts';
import { campaignTemplates } from './templates.ts';

// Campaigns from the command line: create (checked, refused with reasons), list, status, pause,
// resume, cancel. The running bot plans and sends; `campaign create` also plans what is due right away.

function when(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}

function scheduleText(c: Pick<Campaign, 'schedule' | 'reminders' | 'closeAfterDays' | 'preparation' | 'trialoog'>): string {
  const s = c.schedule;
  const parts = [
    s.kind === 'after-end'
      ? `at ${formatOffset(s.offset)} after the end`
      : s.kind === 'midway'
        ? `halfway through at ${s.time}`
        : `every ${t('en', `campaigns.weekdays.${s.weekday}`)} at ${s.time}`,
    c.reminders.max ? `reminder after ${c.reminders.afterHours} h (at most ${c.reminders.max})` : 'no reminder',
    `window ${c.closeAfterDays} days`,
  ];
  if (c.preparation) parts.push(`preparation ${c.preparation.daysBefore} day(s) before at ${c.preparation.time}`);
  if (c.trialoog) parts.push('trialoog: each student asks their internship supervisor about a reflection');
  return parts.join(', ');
}

function number(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${name} must be a number`);
  return n;
}

async function campaignArg(ctx: CliContext, values: Record<string, unknown>, positionals: string[]) {
  const id = positionals[0];
  if (!id) throw new CliError('give the campaign id (see campaign list)');
  const school = await schoolOf(ctx, values);
  const core = ctx.product.campaigns;
  const campaign = await core.camp.campaigns.get(school.id, id);
  if (!campaign) throw new CliError(`no campaign ${id} in this school (see campaign list)`);
  return { school, core, campaign };
}

export const campaignCreateCommand: CliCommand = {
  name: 'campaign create',
  usage:
    'campaign create --name <name> --type <activity-type> --group <name>[,<name>] [--flow <flow-id>] [--activity <id>] [--offset 0|90m|2h|1d@09:00 | --every fri@15:00 | --midway 10:00] [--trialoog] [--remind-after <hours>] [--reminders <0-3>] [--close-after <days>] [--prepare <days>d@<hh:mm>] [--school <tenant-id>]',
  summary:
    'Create a campaign: prompts after each activity of that type for those groups (or one --activity). --trialoog: halfway through an internship each student asks their supervisor about a reflection. Refused with the reasons when it cannot work.',
  options: {
    name: { type: 'string' },
    type: { type: 'string' },
    group: { type: 'string', multiple: true },
    flow: { type: 'string' },
    activity: { type: 'string', multiple: true },
    offset: { type: 'string' },
    every: { type: 'string' },
    midway: { type: 'string' },
    trialoog: { type: 'boolean' },
    'remind-after': { type: 'string' },
    reminders: { type: 'string' },
    'close-after': { type: 'string' },
    prepare: { type: 'string' },
    school: { type: 'string' },
  },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const core = ctx.product.campaigns;
    const type = values['type'];
    if (typeof type !== 'string' || !isActivityType(type))
      throw new CliError(`--type must be one of the activity types, e.g. shadow-day, open-day, internship`);
    if (typeof values['name'] !== 'string') throw new CliError('--name is required');
    let schedule: Schedule;
    if (typeof values['every'] === 'string') {
      const weekly = parseWeekly(values['every']);
      if (!weekly) throw new CliError('--every must look like fri@15:00 or vrijdag 15:00');
      schedule = { kind: 'weekly', ...weekly };
    } else if (typeof values['midway'] === 'string' || values['trialoog'] === true) {
      const time = normalTime(typeof values['midway'] === 'string' ? values['midway'] : '10:00');
      if (!time) throw new CliError('--midway must be a time, like 10:00 (the day halfway through the activity)');
      schedule = { kind: 'midway', time };
    } else {
      const offset = parseOffset(typeof values['offset'] === 'string' ? values['offset'] : '0');
      if (!offset) throw new CliError('--offset must look like 0 (at the end), 90m, 2h, 0d@16:00 or 1d@09:00');
      schedule = { kind: 'after-end', offset };
    }
    let preparation: CampaignInput['preparation'];
    if (typeof values['prepare'] === 'string') {
      const m = /^(\d{1,2})d@(.+)$/.exec(values['prepare']);
      const time = m ? normalTime(m[2]!) : undefined;
      if (!m || !time) throw new CliError('--prepare must look like 1d@15:00 (days before the start, at a time)');
      preparation = { daysBefore: Number(m[1]), time };
    }
    const groupNames = ((values['group'] as string[] | undefined) ?? [])
      .flatMap((g) => g.split(','))
      .map((g) => g.trim())
      .filter(Boolean);
    const groupIds: string[] = [];
    for (const name of groupNames) groupIds.push((await core.camp.groups.findByName(school.id, name))?.id ?? name);
    // --activity is the school's own id (the import's id column) or ours (act-…, as `activity list` shows).
    // A school's ids may look like ours ("act-2026-07"), so the id is looked up, never guessed from its form.
    const activityIds: string[] = [];
    for (const a of (values['activity'] as string[] | undefined) ?? []) {
      const external = ids.activity(school.id, `ext:${a}`);
      const ours = !(await core.camp.activities.get(school.id, external)) && (await core.camp.activities.get(school.id, a));
      activityIds.push(ours ? a : external);
    }
    const trialoog = values['trialoog'] === true;
    const trialoogTemplate = trialoog ? campaignTemplates.find((x) => x.trialoog) : undefined;
    // A trialoog prompt is named by the flow the Teams form proposes for it.
    const kinds = [...(trialoogTemplate?.flowTypes ?? []), type];
    const sector = campaignSector(school);
    const flowId =
      typeof values['flow'] === 'string'
        ? values['flow']
        : defaultFlowFor(ctx.flows, kinds, sector, await campaignLevel(core.camp.groups, school, groupIds, sector)).id;
    const input: CampaignInput = {
      name: values['name'],
      flowId,
      activityType: type,
      groupIds,
      ...(activityIds.length ? { activityIds } : {}),
      schedule,
      ...(preparation ? { preparation } : {}),
      ...(trialoog ? { trialoog } : {}),
      // A trialoog takes longer (the supervisor answers too): its defaults are the Teams template's.
      reminders: {
        afterHours: number(values['remind-after'], 'remind-after', trialoogTemplate?.reminders.afterHours ?? 24),
        max: number(values['reminders'], 'reminders', trialoogTemplate?.reminders.max ?? 1),
      },
      closeAfterDays: number(values['close-after'], 'close-after', trialoogTemplate?.closeAfterDays ?? 7),
    };
    const result = await core.service.create(school.id, input);
    if (!result.ok) {
      ctx.err('Refused:');
      for (const r of result.refusals) ctx.err(`  - ${t('en', `campaigns.refusals.${r.code}`, r.params)}`);
      return 1;
    }
    const { campaign, planned } = result;
    ctx.out(`Campaign ${campaign.id} created: ${campaign.name} (flow ${campaign.flowId}; ${scheduleText(campaign)}).`);
    ctx.out(
      `Planned now: ${planned.deliveries} prompt(s) in ${planned.occurrences} moment(s). The running bot sends them at the next allowed time.`,
    );
    const upcoming = await core.planner.upcoming(campaign);
    const { timeZone } = await core.policyFor(school.id);
    if (upcoming[0]) ctx.out(`Next moment: ${when(upcoming[0].scheduledAt, timeZone)} (${upcoming[0].students} students).`);
    return 0;
  },
};

export const campaignListCommand: CliCommand = {
  name: 'campaign list',
  usage: 'campaign list [--school <tenant-id>]',
  summary: 'List the campaigns of the school, newest first.',
  options: { school: { type: 'string' } },
  async run(ctx, { values }) {
    const school = await schoolOf(ctx, values);
    const { camp } = ctx.product.campaigns;
    const campaigns = await camp.campaigns.list(school.id);
    if (!campaigns.length) ctx.out('No campaigns yet. Create one with: campaign create --help');
    for (const c of campaigns) {
      const n = listCounts(await camp.deliveries.find(school.id, { campaignId: c.id }));
      const counts = n ? `${n.sent}/${n.total} sent, ${n.answered} answered` : `counts hidden (< ${minRespondents} students)`;
      ctx.out(`${c.id}  ${c.state.padEnd(9)}  ${counts}  ${c.name}`);
    }
    return 0;
  },
};

export function statusLines(s: CampaignStatus, timeZone: string): string[] {
  const c = s.campaign;
  const lines = [`${c.id}  ${c.name}  [${c.state}]`, `  flow ${c.flowId}, ${c.activityType}; ${scheduleText(c)}`];
  // The status card's rule (aggregates.ts): no count about 1 to 4 students.
  if (isSmallGroup(s.students))
    lines.push(`  counts hidden: fewer than ${minRespondents} students   progress: ${Math.round(s.progress * 100)}%`);
  else {
    lines.push(
      `  planned (not sent yet): ${s.toSend + s.upcoming}   sent: ${s.sent}   answered: ${s.answered}   reminded: ${s.reminded}   unreachable: ${s.unreachable}`,
      `  closed without answer: ${s.closed}   cancelled: ${s.cancelled}   late answers: ${s.late}   progress: ${Math.round(s.progress * 100)}%`,
    );
    if (s.sent > 0) lines.push(`  response: ${Math.round((100 * s.answered) / s.sent)}%`);
    if (s.withoutSupervisor)
      lines.push(`  asked to add their internship supervisor first (no supervisor yet): ${s.withoutSupervisor}`);
  }
  if (s.superseded)
    lines.push(`  ${s.superseded} weekly moment(s) superseded by a later one that was due at the same time (after downtime)`);
  if (s.nextAt) lines.push(`  next moment: ${when(s.nextAt, timeZone)} (${s.upcoming} students)`);
  if (s.unreachableStudents.length) {
    lines.push(`  not reached (${s.unreachableStudents.length}):`);
    for (const u of s.unreachableStudents) lines.push(`    ${u.name} <${u.email ?? '?'}>: ${reasonText('en', u.reason)}`);
  }
  return lines;
}

export const campaignStatusCommand: CliCommand = {
  name: 'campaign status',
  usage: 'campaign status <campaign-id> [--school <tenant-id>]',
  summary: 'Show a campaign: planned, sent, answered, reminded, unreachable (with who and why).',
  options: { school: { type: 'string' } },
  async run(ctx, { values, positionals }) {
    const { school, core, campaign } = await campaignArg(ctx, values, positionals);
    const { timeZone } = await core.policyFor(school.id);
    for (const line of statusLines(await core.service.status(campaign), timeZone)) ctx.out(line);
    return 0;
  },
};

function stateCommand(action: 'pause' | 'resume' | 'cancel', summary: string): CliCommand {
  return {
    name: `campaign ${action}`,
    usage: `campaign ${action} <campaign-id> [--school <tenant-id>]`,
    summary,
    options: { school: { type: 'string' } },
    async run(ctx, { values, positionals }) {
      const { school, core, campaign } = await campaignArg(ctx, values, positionals);
      const after = await core.service[action](school.id, campaign.id);
      ctx.out(
        after?.state === campaign.state
          ? `Unchanged: campaign ${campaign.id} is ${campaign.state}.`
          : `Campaign ${campaign.id} is now ${after?.state}.`,
      );
      return 0;
    },
  };
}

export const campaignPauseCommand = stateCommand('pause', 'Pause a campaign: nothing is sent until it is resumed.');
export const campaignResumeCommand = stateCommand(
  'resume',
  'Resume a paused campaign; what was held back is sent at the next allowed time.',
);
export const campaignCancelCommand = stateCommand(
  'cancel',
  'Stop a campaign: prompts not sent yet are cancelled, no more reminders.',
);
