import { addDays, isTime, localTime, weekdayOf, zonedInstant } from '../../core/time/zoned-time.ts';
import { type Activity, type Campaign, ids, type OccurrenceKind, type Offset } from './campaigns.ts';

// When a campaign prompts: the offsets and weekly moments a coordinator types ("1d@09:00", "vrijdag
// 15:00"), and the moments (occurrences) a campaign gives for one activity in the school's time zone.

const weekdayNames: Record<string, number> = {
  ma: 1,
  maandag: 1,
  mon: 1,
  monday: 1,
  di: 2,
  dinsdag: 2,
  tue: 2,
  tuesday: 2,
  wo: 3,
  woensdag: 3,
  wed: 3,
  wednesday: 3,
  do: 4,
  donderdag: 4,
  thu: 4,
  thursday: 4,
  vr: 5,
  vrijdag: 5,
  fri: 5,
  friday: 5,
  za: 6,
  zaterdag: 6,
  sat: 6,
  saturday: 6,
  zo: 7,
  zondag: 7,
  sun: 7,
  sunday: 7,
};

function normalTime(text: string): string | undefined {
  const m = /^(\d{1,2})[:.](\d{2})$/.exec(text.trim());
  if (!m) return undefined;
  const t = `${m[1]!.padStart(2, '0')}:${m[2]}`;
  return isTime(t) ? t : undefined;
}

/**
 * "0" or "end" (right after the end), "90m", "2h" (after the end), "0d@16:00" (the same day at 16:00),
 * "1d@09:00" (the next day at 09:00).
 */
export function parseOffset(text: string): Offset | undefined {
  const s = text.trim().toLowerCase().replace(/^\+/, '');
  if (s === '0' || s === 'end' || s === 'einde') return { kind: 'after', minutes: 0 };
  const after = /^(\d{1,4})\s*(m|min|h|u)$/.exec(s);
  if (after) {
    const n = Number(after[1]);
    const minutes = after[2] === 'h' || after[2] === 'u' ? n * 60 : n;
    return minutes <= 14 * 24 * 60 ? { kind: 'after', minutes } : undefined;
  }
  const day = /^(\d{1,2})\s*d\s*(?:@|\s)\s*(\d{1,2}[:.]\d{2})$/.exec(s);
  if (day) {
    const time = normalTime(day[2]!);
    const days = Number(day[1]);
    return time && days <= 30 ? { kind: 'day', days, time } : undefined;
  }
  return undefined;
}

export function formatOffset(o: Offset): string {
  if (o.kind === 'after') return o.minutes % 60 === 0 && o.minutes > 0 ? `${o.minutes / 60}h` : o.minutes ? `${o.minutes}m` : '0';
  return `${o.days}d@${o.time}`;
}

/** "fri@15:00", "vrijdag 15:00": a weekly moment. */
export function parseWeekly(text: string): { weekday: number; time: string } | undefined {
  const m = /^([a-z]+)\s*(?:@|\s)\s*(\d{1,2}[:.]\d{2})$/.exec(text.trim().toLowerCase());
  if (!m) return undefined;
  const weekday = weekdayNames[m[1]!];
  const time = normalTime(m[2]!);
  return weekday && time ? { weekday, time } : undefined;
}

/** The moment `offset` after `endsAt`, never before the end itself. */
export function afterEnd(endsAt: string, offset: Offset, timeZone: string): Date {
  const end = new Date(endsAt);
  if (offset.kind === 'after') return new Date(end.getTime() + offset.minutes * 60_000);
  const at = zonedInstant(addDays(localTime(end, timeZone).date, offset.days), offset.time, timeZone);
  return at < end ? end : at;
}

/** The day halfway through an activity (the earlier one of two), at a local time, kept within the activity. */
export function midway(activity: Pick<Activity, 'startsAt' | 'endsAt'>, time: string, timeZone: string): Date {
  const first = localTime(new Date(activity.startsAt), timeZone).date;
  const last = localTime(new Date(activity.endsAt), timeZone).date;
  const days = Math.round((Date.parse(`${last}T00:00:00Z`) - Date.parse(`${first}T00:00:00Z`)) / 86_400_000);
  const at = zonedInstant(addDays(first, Math.floor(days / 2)), time, timeZone);
  const start = new Date(activity.startsAt);
  const end = new Date(activity.endsAt);
  return at < start ? start : at > end ? end : at;
}

export interface OccurrenceSpec {
  id: string;
  kind: OccurrenceKind;
  scheduledAt: string;
}

/** Every moment a campaign prompts for one activity, in time order. */
export function occurrencesOf(
  campaign: Pick<Campaign, 'id' | 'schedule' | 'preparation'>,
  activity: Pick<Activity, 'id' | 'startsAt' | 'endsAt'>,
  timeZone: string,
): OccurrenceSpec[] {
  const specs: { kind: OccurrenceKind; at: Date }[] = [];
  if (campaign.preparation) {
    const startDate = localTime(new Date(activity.startsAt), timeZone).date;
    const at = zonedInstant(addDays(startDate, -campaign.preparation.daysBefore), campaign.preparation.time, timeZone);
    specs.push({ kind: 'preparation', at: at < new Date(activity.startsAt) ? at : new Date(activity.startsAt) });
  }
  const schedule = campaign.schedule;
  if (schedule.kind === 'after-end') {
    specs.push({ kind: 'prompt', at: afterEnd(activity.endsAt, schedule.offset, timeZone) });
  } else if (schedule.kind === 'midway') {
    specs.push({ kind: 'prompt', at: midway(activity, schedule.time, timeZone) });
  } else {
    const first = localTime(new Date(activity.startsAt), timeZone).date;
    const last = localTime(new Date(activity.endsAt), timeZone).date;
    for (let d = first, n = 0; d <= last && n < 400; d = addDays(d, 1), n++) {
      if (weekdayOf(d) === schedule.weekday) specs.push({ kind: 'prompt', at: zonedInstant(d, schedule.time, timeZone) });
    }
  }
  return specs
    .map((s) => {
      const scheduledAt = s.at.toISOString();
      return { id: ids.occurrence(campaign.id, activity.id, s.kind, scheduledAt), kind: s.kind, scheduledAt };
    })
    .sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
}
