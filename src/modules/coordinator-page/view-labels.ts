import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';

// How the coordinator page's views name things: flows and groups (from the snapshot), dates and months in
// the viewer's language, kinds of activity, percentages.

/** Names the views look up; the routes make them from the snapshot (feature.ts). */
export interface ViewLabels {
  flowTitle(flowId: string): string;
  groupName(groupId: string): string;
  timeZone: string;
}

export const pct = (v: number) => `${Math.round(v * 100)}%`;

export function dateLabel(locale: Locale, iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { day: 'numeric', month: 'short', timeZone }).format(
    new Date(iso),
  );
}

export function monthLabel(locale: Locale, month: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { month: 'short', timeZone: 'UTC' }).format(
    new Date(`${month}-15T12:00:00Z`),
  );
}

export const activityLabel = (locale: Locale, type: string) => t(locale, `campaigns.activityTypes.${type}`);
