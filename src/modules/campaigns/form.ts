import { z } from 'zod';
import { addDays, isDate, isTime, localTime, zonedInstant } from '../../core/time/zoned-time.ts';
import { type Activity, ids, isActivityType, type Schedule } from './campaigns.ts';
import { type FormValues, offsetChoices, reminderChoices, reminderKey, windowChoices } from './cards.ts';
import type { CampaignInput } from './checks.ts';
import { formatOffset, parseOffset } from './schedule.ts';
import type { CampaignTemplate } from './templates.ts';

// The campaign form a coordinator fills in Teams: its default values from a template, and what it
// sends back, checked field by field before it becomes a campaign and the activity it is for.

const text = (max: number) => z.string().max(max).optional();

export const formSchema = z.object({
  formId: z.string().regex(/^[A-Za-z0-9-]{8,64}$/),
  template: z.string().max(64),
  name: text(200),
  groupId: text(128),
  activityType: text(64),
  activityTitle: text(200),
  date: text(32),
  startDate: text(32),
  endDate: text(32),
  startTime: text(16),
  endTime: text(16),
  offset: text(32),
  weekday: text(4),
  weeklyTime: text(16),
  midwayTime: text(16),
  flowId: text(128),
  reminder: text(16),
  closeAfterDays: text(8),
  prepare: text(8),
});
export type FormData = z.infer<typeof formSchema>;

export function formDefaults(input: {
  template: CampaignTemplate;
  name: string;
  groupId?: string;
  flowId: string;
  now: Date;
  timeZone: string;
}): FormValues {
  const { template, now, timeZone } = input;
  const today = localTime(now, timeZone).date;
  const offset = template.schedule.kind === 'after-end' ? formatOffset(template.schedule.offset) : offsetChoices.end;
  return {
    name: input.name,
    ...(input.groupId ? { groupId: input.groupId } : {}),
    activityType: template.activityType,
    activityTitle: '',
    date: today,
    startDate: today,
    endDate: addDays(today, template.schedule.kind === 'weekly' ? 70 : 4),
    startTime: '09:00',
    endTime: '15:00',
    offset,
    weekday: String(template.schedule.kind === 'weekly' ? template.schedule.weekday : 5),
    weeklyTime: template.schedule.kind === 'weekly' ? template.schedule.time : '15:00',
    midwayTime: template.schedule.kind === 'midway' ? template.schedule.time : '10:00',
    flowId: input.flowId,
    reminder: reminderKey(template.reminders),
    closeAfterDays: windowChoices.includes(String(template.closeAfterDays) as (typeof windowChoices)[number])
      ? String(template.closeAfterDays)
      : '7',
    prepare: 'false',
  };
}

export type ParsedForm =
  | { ok: true; input: CampaignInput; activity: Omit<Activity, 'version'>; campaignId: string }
  | {
      ok: false;
      problems: ('badDate' | 'endBeforeStart' | 'badSchedule' | 'badReminders' | 'badWindow' | 'unknownActivityType')[];
    };

/** Turns the submitted form into a campaign for one new activity. Ids derive from the form, so a double submit is harmless. */
export function parseForm(
  data: FormData,
  template: CampaignTemplate,
  ctx: { schoolId: string; timeZone: string; now: Date },
): ParsedForm {
  const problems: Extract<ParsedForm, { ok: false }>['problems'] = [];
  const single = !template.period;
  const startDate = single ? data.date : data.startDate;
  const endDate = single ? data.date : data.endDate;
  const okDates =
    startDate && endDate && isDate(startDate) && isDate(endDate) && isTime(data.startTime ?? '') && isTime(data.endTime ?? '');
  let startsAt = '';
  let endsAt = '';
  if (!okDates) problems.push('badDate');
  else {
    startsAt = zonedInstant(startDate, data.startTime!, ctx.timeZone).toISOString();
    endsAt = zonedInstant(endDate, data.endTime!, ctx.timeZone).toISOString();
    if (endsAt <= startsAt) problems.push('endBeforeStart');
  }
  let schedule: Schedule | undefined;
  if (template.schedule.kind === 'weekly') {
    const weekday = Number(data.weekday);
    if (Number.isInteger(weekday) && weekday >= 1 && weekday <= 7 && isTime(data.weeklyTime ?? ''))
      schedule = { kind: 'weekly', weekday, time: data.weeklyTime! };
  } else if (template.schedule.kind === 'midway') {
    if (isTime(data.midwayTime ?? '')) schedule = { kind: 'midway', time: data.midwayTime! };
  } else {
    const offset = parseOffset(data.offset ?? '');
    if (offset) schedule = { kind: 'after-end', offset };
  }
  if (!schedule) problems.push('badSchedule');
  const reminders = reminderChoices[(data.reminder ?? '') as keyof typeof reminderChoices];
  if (!reminders) problems.push('badReminders');
  const closeAfterDays = Number(data.closeAfterDays);
  if (!Number.isInteger(closeAfterDays)) problems.push('badWindow');
  const activityType = data.activityType ?? template.activityType;
  if (!isActivityType(activityType)) problems.push('unknownActivityType');
  if (problems.length || !schedule || !reminders || !isActivityType(activityType)) return { ok: false, problems };
  const natural = `form:${data.formId}`;
  const groupIds = data.groupId ? [data.groupId] : [];
  const nowIso = ctx.now.toISOString();
  return {
    ok: true,
    campaignId: ids.campaign(ctx.schoolId, natural),
    activity: {
      id: ids.activity(ctx.schoolId, natural),
      schoolId: ctx.schoolId,
      type: activityType,
      title: (data.activityTitle ?? '').trim(),
      startsAt,
      endsAt,
      groupIds,
      studentIds: [],
      createdAt: nowIso,
      updatedAt: nowIso,
    },
    input: {
      name: data.name ?? '',
      flowId: data.flowId ?? '',
      activityType,
      groupIds,
      schedule,
      ...(data.prepare === 'true' ? { preparation: { daysBefore: 1, time: '15:00' } } : {}),
      ...(template.trialoog ? { trialoog: true } : {}),
      reminders: { ...reminders },
      closeAfterDays,
    },
  };
}

/** The form's values as they were submitted, to show them again with the reasons it was refused. */
export function valuesOf(data: FormData): FormValues {
  const { formId: _f, template: _t, ...values } = data;
  return values;
}
