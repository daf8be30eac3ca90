import type { Locale } from '../types.ts';
import type { LocalDate } from './zoned-time.ts';

// Dates and numbers as people read them on cards, in their language. Formatters are costly to make and
// cards are drawn for thousands of students: one per language, style and time zone, made once.

/** How a moment is written; examples in Dutch. */
const styles = {
  /** "28 nov" */
  day: { day: 'numeric', month: 'short' },
  /** "za 28 nov" */
  weekdayDay: { weekday: 'short', day: 'numeric', month: 'short' },
  /** "za 28 nov 15:00" */
  moment: { weekday: 'short', day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit' },
  /** "15:00" */
  time: { hour: '2-digit', minute: '2-digit' },
  /** "28 nov 2026" */
  medium: { dateStyle: 'medium' },
  /** "28 november 2026" */
  long: { dateStyle: 'long' },
} satisfies Record<string, Intl.DateTimeFormatOptions>;

export type DateStyle = keyof typeof styles;

const languageTags: Record<Locale, string> = { nl: 'nl-NL', en: 'en-GB' };

const formatters = new Map<string, Intl.DateTimeFormat>();

export function dateFormat(locale: Locale, style: DateStyle, timeZone: string): Intl.DateTimeFormat {
  const key = `${locale}|${style}|${timeZone}`;
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat(languageTags[locale], { ...styles[style], timeZone });
    formatters.set(key, f);
  }
  return f;
}

/** An instant (ISO), on the school's clock. */
export function momentText(iso: string, locale: Locale, timeZone: string, style: DateStyle = 'moment'): string {
  return dateFormat(locale, style, timeZone).format(new Date(iso));
}

/** A calendar day (YYYY-MM-DD): the same day whatever the time zone. */
export function calendarText(date: LocalDate, locale: Locale, style: DateStyle = 'day'): string {
  return dateFormat(locale, style, 'UTC').format(new Date(`${date}T12:00:00Z`));
}

const percentFormats = new Map<Locale, Intl.NumberFormat>();

/** "42%" */
export function formatPercent(share: number, locale: Locale): string {
  let f = percentFormats.get(locale);
  if (!f) {
    f = new Intl.NumberFormat(languageTags[locale], { style: 'percent', maximumFractionDigits: 0 });
    percentFormats.set(locale, f);
  }
  return f.format(share);
}
