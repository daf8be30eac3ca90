// No prompts before 08:00, after 20:00 or at weekends, in the school's time zone. The campaign engine
// makes these hours configurable per school; until then every school gets the default.

export interface QuietHours {
  /** First hour (0–23) in which prompts may be sent. */
  from: number;
  /** Hour (1–24) from which prompts may no longer be sent. */
  until: number;
  weekends: boolean;
}

export const defaultQuietHours: QuietHours = { from: 8, until: 20, weekends: false };

function localParts(now: Date, timeZone: string): { weekday: string; hour: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: 'numeric', hourCycle: 'h23' }).formatToParts(
    now,
  );
  return {
    weekday: parts.find((p) => p.type === 'weekday')?.value ?? '',
    hour: Number(parts.find((p) => p.type === 'hour')?.value ?? 0),
  };
}

/** True when no prompt may be sent at `now` in this time zone. */
export function isQuiet(now: Date, timeZone: string, hours: QuietHours = defaultQuietHours): boolean {
  const { weekday, hour } = localParts(now, timeZone);
  if (!hours.weekends && (weekday === 'Sat' || weekday === 'Sun')) return true;
  return hour < hours.from || hour >= hours.until;
}
