import { isSmallGroup } from '../../core/aggregates.ts';
import { type AdaptiveCard, reflectionCard, render } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import type { Flow } from '../../core/flows/flows.ts';
import { t, texts } from '../../core/i18n.ts';
import { momentText } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import { type Activity, activityTypes, type Campaign } from './campaigns.ts';
import type { CampaignStatus } from './status.ts';
import { type CampaignTemplate, campaignTemplates } from './templates.ts';

// The coordinator's cards (templates, the campaign form, the list, the live status card) and the
// campaign prompt a student receives. Names of campaigns, groups, activities and students are typed by
// people, so they are bound only into TextRuns.

/** Choices offered for "when", "reminder" and "answer window"; the form's values are these keys' values. */
export const offsetChoices = { end: '0', hour: '1h', sameDay: '0d@16:00', nextMorning: '1d@09:00', twoDays: '2d@09:00' } as const;
export const reminderChoices = {
  none: { afterHours: 24, max: 0 },
  '4x1': { afterHours: 4, max: 1 },
  '24x1': { afterHours: 24, max: 1 },
  '48x1': { afterHours: 48, max: 1 },
  '24x2': { afterHours: 24, max: 2 },
} as const;
export const windowChoices = ['3', '7', '14', '30'] as const;

export function reminderKey(r: { afterHours: number; max: number }): string {
  if (r.max === 0) return 'none';
  const found = Object.entries(reminderChoices).find(([, v]) => v.afterHours === r.afterHours && v.max === r.max);
  return found?.[0] ?? '24x1';
}

export function campaignTemplatesCard(locale: Locale): AdaptiveCard {
  const tx = texts(locale, 'campaigns.templates') as Record<string, string>;
  return render('campaign-templates', {
    t: tx,
    templates: campaignTemplates.map((tpl) => ({ id: tpl.id, title: tx[tpl.id] ?? tpl.id })),
  });
}

export interface FormValues {
  name?: string;
  groupId?: string;
  activityType?: string;
  activityTitle?: string;
  date?: string;
  startDate?: string;
  endDate?: string;
  startTime?: string;
  endTime?: string;
  offset?: string;
  weekday?: string;
  weeklyTime?: string;
  midwayTime?: string;
  flowId?: string;
  reminder?: string;
  closeAfterDays?: string;
  prepare?: string;
}

export function campaignFormCard(input: {
  locale: Locale;
  template: CampaignTemplate;
  formId: string;
  groups: { id: string; name: string; members: number }[];
  flows: Flow[];
  values: FormValues;
  errors?: string[];
  offerPreparation: boolean;
}): AdaptiveCard {
  const { locale, template } = input;
  const tx = texts(locale, 'campaigns.form') as Record<string, string>;
  const label = (key: string) => t(locale, key);
  return render('campaign-form', {
    t: tx,
    title: t(locale, `campaigns.templates.${template.id}`),
    formId: input.formId,
    template: template.id,
    period: template.period,
    weekly: template.schedule.kind === 'weekly',
    midway: template.schedule.kind === 'midway',
    // A trialoog prompt opens no flow of the coordinator's choosing: the form proposes the sector's one.
    trialoog: Boolean(template.trialoog),
    offerPreparation: input.offerPreparation,
    errors: (input.errors ?? []).map((message) => ({ message })),
    values: input.values,
    groups: input.groups.map((g) => ({
      value: g.id,
      title: t(locale, 'campaigns.form.groupChoice', { name: g.name, count: g.members }),
    })),
    activityTypes: activityTypes.map((a) => ({ value: a, title: label(`campaigns.activityTypes.${a}`) })),
    offsets: Object.entries(offsetChoices).map(([key, value]) => ({ value, title: label(`campaigns.offsets.${key}`) })),
    weekdays: [1, 2, 3, 4, 5, 6, 7].map((d) => ({ value: String(d), title: label(`campaigns.weekdays.${d}`) })),
    flows: input.flows.map((f) => ({ value: f.id, title: f.title[locale] })),
    reminders: Object.keys(reminderChoices).map((key) => ({ value: key, title: label(`campaigns.reminderChoices.${key}`) })),
    windows: windowChoices.map((d) => ({ value: d, title: label(`campaigns.windowChoices.${d}`) })),
  });
}

const maxListed = 25;

export function campaignStatusCard(input: {
  locale: Locale;
  status: CampaignStatus;
  flowTitle: string;
  groupNames: string[];
  activity?: Activity;
  timeZone: string;
  now: Date;
}): AdaptiveCard {
  const { locale, status, timeZone } = input;
  const s = status;
  const c = s.campaign;
  const tx = texts(locale, 'campaigns.status') as Record<string, string>;
  const label = (key: string, params?: Record<string, string | number>) => t(locale, `campaigns.status.${key}`, params);
  const done = Math.round(s.progress * 100);
  // About 1 to 4 students every count says something about a person: the card shows none (aggregates.ts).
  const hidden = isSmallGroup(s.students);
  const notes: string[] = [];
  if (hidden) notes.push(label('hidden'));
  else {
    if (s.sent > 0)
      notes.push(label('response', { percent: Math.round((100 * s.answered) / s.sent), answered: s.answered, sent: s.sent }));
    if (s.late) notes.push(label('late', { count: s.late }));
    if (s.closed) notes.push(label('closed', { count: s.closed }));
    if (s.withoutSupervisor) notes.push(label('withoutSupervisor', { count: s.withoutSupervisor }));
  }
  const groups = input.groupNames.join(', ');
  const when = input.activity ? momentText(input.activity.endsAt, locale, timeZone, 'weekdayDay') : undefined;
  const stateColor = { active: 'Good', paused: 'Warning', cancelled: 'Attention', completed: 'Accent' }[c.state];
  return render('campaign-status', {
    t: tx,
    id: c.id,
    name: c.name,
    subtitle: label('subtitle', { flow: input.flowTitle, groups: when ? `${groups} · ${when}` : groups }),
    stateText: t(locale, `campaigns.status.states.${c.state}`),
    stateColor,
    numbers: [
      { value: s.toSend + s.upcoming, label: tx['planned'], color: 'Default' },
      { value: s.sent, label: tx['sent'], color: 'Default' },
      { value: s.answered, label: tx['answered'], color: 'Good' },
      { value: s.reminded, label: tx['reminded'], color: 'Default' },
      { value: s.unreachable, label: tx['unreachable'], color: s.unreachable && !hidden ? 'Attention' : 'Default' },
    ].map((n) => ({ ...n, value: hidden ? '–' : String(n.value) })),
    progress: { done, rest: 100 - done, hasDone: done > 0, hasRest: done < 100 },
    progressText: [
      label('progress', { percent: done }),
      ...(s.nextAt ? [label('next', { date: momentText(s.nextAt, locale, timeZone), count: s.upcoming })] : []),
    ].join(' · '),
    notes,
    unreachableTitle: s.unreachable ? label('unreachableTitle', { count: s.unreachable }) : label('unreachableNone'),
    unreachableColor: s.unreachable ? 'Attention' : 'Good',
    unreachable: s.unreachableStudents.slice(0, maxListed).map((u) => ({
      name: u.name,
      reason: ` — ${reasonText(locale, u.reason)}`,
    })),
    more:
      s.unreachableStudents.length > maxListed
        ? label('more', { count: s.unreachableStudents.length - maxListed, id: c.id })
        : '',
    updated: label('updated', { time: momentText(input.now.toISOString(), locale, timeZone, 'time') }),
    canPause: c.state === 'active',
    canResume: c.state === 'paused',
    canCancel: c.state === 'active' || c.state === 'paused',
  });
}

export function reasonText(locale: Locale, reason: string): string {
  const known = ['blocked', 'uninstalled', 'not-found', 'no-conversation', 'no-licence', 'app-blocked', 'error', 'paused'];
  return t(locale, `campaigns.reasons.${known.includes(reason) ? reason : 'unknown'}`);
}

export function campaignListCard(
  locale: Locale,
  items: { campaign: Campaign; counts: { total: number; sent: number; answered: number } | undefined }[],
): AdaptiveCard {
  return render('campaign-list', {
    t: texts(locale, 'campaigns.list'),
    campaigns: items.map(({ campaign, counts }) => {
      const state = t(locale, `campaigns.status.states.${campaign.state}`);
      return {
        id: campaign.id,
        name: campaign.name,
        line: counts ? t(locale, 'campaigns.list.line', { state, ...counts }) : t(locale, 'campaigns.list.lineHidden', { state }),
      };
    }),
  });
}

/**
 * The prompt a student receives: the reflection card of the flow, headed by what it is about. A
 * reminder is the same card (the same reflection: answering either one counts once) with a reminder line.
 */
export function campaignPromptCard(
  flow: Flow,
  reflection: Reflection,
  context: { activity: Pick<Activity, 'title' | 'type' | 'endsAt'>; timeZone: string; reminder: boolean },
): AdaptiveCard {
  return withPromptHeader(reflectionCard(flow, reflection), reflection.locale, context);
}

/** A campaign prompt's card: the activity it is about (and "reminder") above the card itself. */
export function withPromptHeader(
  card: AdaptiveCard,
  locale: Locale,
  context: { activity: Pick<Activity, 'title' | 'type' | 'endsAt'>; timeZone: string; reminder: boolean; trialoog?: boolean },
): AdaptiveCard {
  const tx = texts(locale, 'campaigns.prompt') as Record<string, string>;
  const header = render('campaign-prompt-header', {
    t: context.trialoog ? { ...tx, reminder: tx['trialoogReminder'] } : tx,
    reminder: context.reminder,
    activity: context.activity.title || t(locale, `campaigns.activityTypes.${context.activity.type}`),
    when: ` (${momentText(context.activity.endsAt, locale, context.timeZone, 'weekdayDay')})`,
  });
  return { ...card, body: [...(header['body'] as unknown[]), ...((card['body'] as unknown[]) ?? [])] };
}
