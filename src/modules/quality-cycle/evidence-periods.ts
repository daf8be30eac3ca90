import { suppressFigures } from '../../core/aggregates.ts';
import { previousSchoolYear, type SchoolYear } from '../../core/time/school-year.ts';
import { addDays, type LocalDate, startOfDay } from '../../core/time/zoned-time.ts';
import type { CampaignFigures, EvidencePeriod, FollowUpFigures } from './evidence-source.ts';
import type { SchoolClock } from './year-cycle.ts';

// The periods of the Check evidence: the ones a team leader picks (the school year so far, either half,
// last year) and how they relate, so figures hidden in one period cannot be worked out from the others.

/** The periods a team leader picks from: the school year so far, either half, or last year. */
export type EvidencePeriodChoice = 'year' | 'h1' | 'h2' | 'previous';
export const evidencePeriodChoices: readonly EvidencePeriodChoice[] = ['year', 'h1', 'h2', 'previous'];

/** A period up to today (a half that has not started yet is shown whole, with what there is). */
export function evidencePeriod(
  choice: EvidencePeriodChoice,
  clock: Pick<SchoolClock, 'today' | 'year' | 'timeZone'>,
): { year: SchoolYear; period: EvidencePeriod } {
  const y = clock.year;
  const secondHalf = `${y.end.slice(0, 4)}-02-01`;
  const upToToday = (end: LocalDate, from: LocalDate) => (clock.today < from ? end : clock.today < end ? clock.today : end);
  let year = y;
  let from: LocalDate;
  let to: LocalDate;
  if (choice === 'previous') {
    year = previousSchoolYear(y);
    from = year.start;
    to = year.end;
  } else if (choice === 'h1') {
    from = y.start;
    to = upToToday(addDays(secondHalf, -1), from);
  } else if (choice === 'h2') {
    from = secondHalf;
    to = upToToday(y.end, from);
  } else {
    from = y.start;
    to = upToToday(y.end, from);
  }
  return {
    year,
    period: { from, to, start: startOfDay(from, clock.timeZone), end: startOfDay(addDays(to, 1), clock.timeZone) },
  };
}

/** The periods of one school year that add up: the year is its halves. */
export type RelatedPeriods = Record<'year' | 'h1' | 'h2', EvidencePeriod>;
type PromptPeriod = keyof RelatedPeriods;

/**
 * Which of a team's prompt figures are hidden, decided for the periods a viewer can put side by side (the
 * year so far and its halves: hide one half and the year minus the other gives it away). Hidden: about 1 to
 * 4 students, or with a campaign whose own counts are hidden (its status card shows the others'), and
 * then by suppressFigures. The coordinator page decides its figures with this too (figures.ts).
 */
export function hiddenPromptPeriods(
  periods: Partial<Record<PromptPeriod, Pick<CampaignFigures, 'studentsPrompted' | 'smallCampaigns'>>>,
): Set<PromptPeriod> {
  return hiddenPeriods(periods, (f) => ({ respondents: f.studentsPrompted, hiddenElsewhere: Boolean(f.smallCampaigns) }));
}

/** The same for mentor follow-up: its reflections are counted per period too, so the year is its halves. */
export function hiddenFollowUpPeriods(
  periods: Partial<Record<PromptPeriod, Pick<FollowUpFigures, 'students'>>>,
): Set<PromptPeriod> {
  return hiddenPeriods(periods, (f) => ({ respondents: f.students, hiddenElsewhere: false }));
}

function hiddenPeriods<F>(
  periods: Partial<Record<PromptPeriod, F>>,
  figure: (f: F) => { respondents: number; hiddenElsewhere: boolean },
): Set<PromptPeriod> {
  const keys = Object.keys(periods) as PromptPeriod[];
  return suppressFigures(
    keys.map((key) => {
      const f = figure(periods[key]!);
      return { key, respondents: f.respondents, ...(f.hiddenElsewhere ? { fixed: 'hidden' as const } : {}) };
    }),
    keys.length === 3 ? [{ total: 'year' as const, parts: ['h1' as const, 'h2' as const] }] : [],
  );
}

/**
 * The periods shown beside a choice: this year so far and its halves, or for last year that year's
 * halves. Last year was the year so far until 1 August, and what a team leader saw or downloaded then
 * (its second half) must not give back a half that was hidden.
 */
export function relatedPeriods(
  choice: EvidencePeriodChoice,
  clock: Pick<SchoolClock, 'today' | 'year' | 'timeZone'>,
): RelatedPeriods {
  // Today lies after last year's end, so its periods run to their ends, as they did on its last day.
  const c = choice === 'previous' ? { ...clock, year: previousSchoolYear(clock.year) } : clock;
  return {
    year: evidencePeriod('year', c).period,
    h1: evidencePeriod('h1', c).period,
    h2: evidencePeriod('h2', c).period,
  };
}
