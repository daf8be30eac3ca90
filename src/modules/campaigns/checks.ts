import { isTime } from '../../core/time/zoned-time.ts';
import { type Activity, type Campaign, isActivityType } from './campaigns.ts';
import { occurrencesOf } from './schedule.ts';

// Whether a campaign may be created: every reason to refuse it, for the Teams form and the CLI alike.

/** Why a campaign is refused: a key under campaigns.refusals, with its parameters. */
export interface Refusal {
  code:
    | 'badName'
    | 'unknownFlow'
    | 'noPreparation'
    | 'noGroups'
    | 'unknownGroup'
    | 'emptyGroup'
    | 'unknownActivity'
    | 'wrongActivityType'
    | 'inPast'
    | 'badSchedule'
    | 'badReminders'
    | 'badWindow'
    | 'badPreparation'
    | 'unknownActivityType';
  params?: Record<string, string | number>;
}

/** What the coordinator chose for a new campaign; the activity type is not checked yet (it may be refused). */
export type CampaignInput = Pick<
  Campaign,
  'name' | 'flowId' | 'groupIds' | 'activityIds' | 'schedule' | 'preparation' | 'trialoog' | 'reminders' | 'closeAfterDays'
> & { activityType: string };

export interface CheckContext {
  now: Date;
  timeZone: string;
  /** Flow title when the flow exists. */
  flow: { id: string; title: string } | undefined;
  /** Whether the flow has a preparation prompt (the prompt library decides). */
  flowHasPreparation: boolean;
  /** The groups asked for, with their number of active students; undefined when unknown. */
  groups: { id: string; name?: string; members: number }[];
  /** The activities asked for (activityIds) or, without them, the activities of the type for these groups. */
  activities: (Activity | undefined)[];
}

/** Every reason to refuse a campaign, in the order a coordinator can fix them. Empty: accepted. */
export function checkCampaign(input: CampaignInput, ctx: CheckContext): Refusal[] {
  const out: Refusal[] = [];
  if (!input.name.trim() || input.name.length > 120) out.push({ code: 'badName' });
  if (!isActivityType(input.activityType)) out.push({ code: 'unknownActivityType', params: { type: input.activityType } });
  if (!ctx.flow) out.push({ code: 'unknownFlow', params: { flow: input.flowId } });
  else if (input.preparation && !ctx.flowHasPreparation) out.push({ code: 'noPreparation', params: { flow: ctx.flow.title } });
  if (input.groupIds.length === 0) out.push({ code: 'noGroups' });
  for (const g of ctx.groups) {
    if (g.name === undefined) out.push({ code: 'unknownGroup', params: { group: g.id } });
    else if (g.members === 0) out.push({ code: 'emptyGroup', params: { group: g.name } });
  }
  const s = input.schedule;
  if (s.kind === 'after-end') {
    const o = s.offset;
    if (o.kind === 'after' ? o.minutes < 0 || o.minutes > 14 * 24 * 60 : o.days < 0 || o.days > 30 || !isTime(o.time))
      out.push({ code: 'badSchedule' });
  } else if (s.kind === 'midway') {
    if (!isTime(s.time)) out.push({ code: 'badSchedule' });
  } else if (!(s.weekday >= 1 && s.weekday <= 7) || !isTime(s.time)) out.push({ code: 'badSchedule' });
  if (
    input.preparation &&
    !(input.preparation.daysBefore >= 0 && input.preparation.daysBefore <= 30 && isTime(input.preparation.time))
  )
    out.push({ code: 'badPreparation' });
  const r = input.reminders;
  if (!(Number.isInteger(r.max) && r.max >= 0 && r.max <= 3) || !(r.afterHours >= 1 && r.afterHours <= 14 * 24))
    out.push({ code: 'badReminders' });
  if (!(Number.isInteger(input.closeAfterDays) && input.closeAfterDays >= 1 && input.closeAfterDays <= 60))
    out.push({ code: 'badWindow' });
  if (r.max > 0 && r.afterHours * r.max >= input.closeAfterDays * 24 && !out.some((x) => x.code === 'badWindow'))
    out.push({ code: 'badReminders' });
  ctx.activities.forEach((a, i) => {
    if (!a) out.push({ code: 'unknownActivity', params: { activity: input.activityIds?.[i] ?? '?' } });
    else if (a.type !== input.activityType) out.push({ code: 'wrongActivityType', params: { activity: a.title, type: a.type } });
  });
  const known = ctx.activities.filter((a): a is Activity => Boolean(a));
  if (known.length > 0 && !out.some((x) => x.code === 'badSchedule' || x.code === 'badWindow')) {
    const windowMs = input.closeAfterDays * 24 * 3_600_000;
    const last = known
      .flatMap((a) => occurrencesOf({ id: 'check', schedule: input.schedule, preparation: input.preparation }, a, ctx.timeZone))
      .map((o) => o.scheduledAt)
      .sort()
      .at(-1);
    // A prompt whose whole answer window lies in the past is pointless: refuse instead of sending it now.
    if (!last || new Date(last).getTime() + windowMs < ctx.now.getTime())
      out.push({ code: 'inPast', params: { date: last ?? known[0]!.endsAt } });
  }
  return out;
}
