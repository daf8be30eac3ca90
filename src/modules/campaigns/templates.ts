import type { ActivityType, Schedule } from './campaigns.ts';

// The campaigns a coordinator starts from in Teams, one per common LOB activity.

export interface CampaignTemplate {
  id: string;
  activityType: ActivityType;
  /**
   * The kinds of flow to propose when they differ from the activity's, in order of preference; the first
   * the school's sector has wins (mbo's weekly BPV check-in, else the mid-way flow).
   */
  flowTypes?: string[];
  schedule: Schedule;
  reminders: { afterHours: number; max: number };
  closeAfterDays: number;
  /** Whether the activity spans several days (asks for a start and an end date). */
  period: boolean;
  /** The prompt asks the student to share a reflection with their internship supervisor (campaigns.ts). */
  trialoog?: true;
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
    flowTypes: ['bpv-week', 'internship-midway'],
    schedule: { kind: 'weekly', weekday: 5, time: '15:00' },
    reminders: { afterHours: 48, max: 1 },
    closeAfterDays: 3,
    period: true,
  },
  {
    // Halfway through a BPV or internship: each student chooses a reflection and asks their supervisor.
    id: 'internship-trialoog',
    activityType: 'internship',
    flowTypes: ['internship-midway', 'bpv-week'],
    schedule: { kind: 'midway', time: '10:00' },
    reminders: { afterHours: 48, max: 1 },
    closeAfterDays: 14,
    period: true,
    trialoog: true,
  },
  {
    id: 'internship-end',
    activityType: 'internship',
    flowTypes: ['internship-end'],
    schedule: { kind: 'after-end', offset: { kind: 'day', days: 1, time: '09:00' } },
    reminders: { afterHours: 24, max: 2 },
    closeAfterDays: 14,
    period: true,
  },
];
