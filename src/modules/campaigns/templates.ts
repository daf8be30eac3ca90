import type { ActivityType, Schedule } from './campaigns.ts';

// The campaigns a coordinator starts from in Teams, one per common LOB activity.

export interface CampaignTemplate {
  id: string;
  activityType: ActivityType;
  /** The kind of flow to propose when it differs from the activity's (the prompt library's mid-way and end-of-internship flows). */
  flowType?: string;
  schedule: Schedule;
  reminders: { afterHours: number; max: number };
  closeAfterDays: number;
  /** Whether the activity spans several days (asks for a start and an end date). */
  period: boolean;
}

/** What a coordinator starts from in Teams; every field can be changed in the form. */
export const campaignTemplates: CampaignTemplate[] = [
  {
    id: 'shadow-day',
    activityType: 'shadow-day',
    schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
    reminders: { afterHours: 4, max: 1 },
    closeAfterDays: 7,
    period: false,
  },
  {
    id: 'open-day',
    activityType: 'open-day',
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 1, time: '09:00' } },
    reminders: { afterHours: 24, max: 1 },
    closeAfterDays: 7,
    period: false,
  },
  {
    id: 'taster-internship',
    activityType: 'taster-internship',
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 0, time: '16:00' } },
    reminders: { afterHours: 24, max: 1 },
    closeAfterDays: 7,
    period: true,
  },
  {
    id: 'internship-weekly',
    activityType: 'internship',
    flowType: 'internship-midway',
    schedule: { kind: 'weekly', weekday: 5, time: '15:00' },
    reminders: { afterHours: 48, max: 1 },
    closeAfterDays: 3,
    period: true,
  },
  {
    id: 'internship-end',
    activityType: 'internship',
    flowType: 'internship-end',
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 1, time: '09:00' } },
    reminders: { afterHours: 24, max: 2 },
    closeAfterDays: 14,
    period: true,
  },
];
