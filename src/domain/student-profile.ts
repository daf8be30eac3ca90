import type { Person } from './entities.ts';
import type { Flow, FlowCatalog } from './flows.ts';
import type { Repositories } from './ports.ts';
import type { Sector } from './types.ts';

/** The sector whose flows a student gets: their own (combined schools), else their school's. */
export async function sectorOf(repos: Repositories, person: Person): Promise<Sector> {
  if (person.sector) return person.sector;
  return (await repos.schools.get(person.schoolId))?.sector ?? 'vo';
}

/** True while the student's pause runs. */
export function isPaused(person: Person, now: Date): boolean {
  return Boolean(person.pause && person.pause.since <= now.toISOString() && now.toISOString() < person.pause.until);
}

const normalize = (s: string) =>
  s
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^\p{L}\p{N} ]/gu, ' ')
    .replace(/\s+/g, ' ')
    .trim();

/**
 * The flow a student means with the words after `reflecteer` ("reflecteer open dag", "reflect shadow day"):
 * an id or activity type, else a title in either language, exact before prefix before anywhere.
 */
export function findFlowByWords(flows: FlowCatalog, sector: Sector, words: string): Flow | undefined {
  const wanted = normalize(words);
  if (!wanted) return undefined;
  const list = flows.forSector(sector);
  const titles = (f: Flow) => [f.title.nl, f.title.en].map(normalize);
  return (
    list.find((f) => f.id === wanted || f.activityType === wanted.replace(/ /g, '-')) ??
    list.find((f) => titles(f).includes(wanted)) ??
    list.find((f) => titles(f).some((t) => t.startsWith(wanted))) ??
    list.find((f) => titles(f).some((t) => t.includes(wanted)))
  );
}

/** Longest pause a student can set themselves; longer absences are for the mentor to know about. */
export const maxPauseDays = 183;

const dayMs = 86_400_000;

/** The calendar date (YYYY-MM-DD) at `at` in a time zone. */
export function localDate(at: Date, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * dayMs).toISOString().slice(0, 10);
}

/** The moment a calendar date starts in a time zone. */
export function startOfLocalDay(date: string, timeZone: string): Date {
  const guess = Date.parse(`${date}T00:00:00Z`);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-GB', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
    })
      .formatToParts(new Date(guess))
      .map((p) => [p.type, p.value]),
  );
  const shown = Date.UTC(
    Number(parts['year']),
    Number(parts['month']) - 1,
    Number(parts['day']),
    Number(parts['hour']),
    Number(parts['minute']),
  );
  return new Date(guess - (shown - guess));
}

export type PauseChoice =
  | { ok: true; since: string; until: string; lastDay: string }
  | { ok: false; code: 'past' | 'too-far' | 'invalid' };

/**
 * A pause through a last day (inclusive), chosen as a date (Input.Date sends YYYY-MM-DD) or as a number
 * of days from today. Prompts resume at the start of the next day in the school's time zone.
 */
export function choosePause(input: { date?: unknown; days?: unknown }, now: Date, timeZone: string): PauseChoice {
  const today = localDate(now, timeZone);
  let lastDay: string;
  if (input.days !== undefined) {
    // A number, or digits (card data is not trusted: Number() would read [[7]] or true as a day count).
    const raw = input.days;
    const days = typeof raw === 'number' || (typeof raw === 'string' && /^\d{1,3}$/.test(raw)) ? Number(raw) : Number.NaN;
    if (!Number.isInteger(days) || days < 1 || days > maxPauseDays) return { ok: false, code: 'invalid' };
    lastDay = addDays(today, days - 1);
  } else {
    const date = input.date;
    if (typeof date !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(date)) return { ok: false, code: 'invalid' };
    if (new Date(`${date}T00:00:00Z`).toISOString().slice(0, 10) !== date) return { ok: false, code: 'invalid' };
    lastDay = date;
  }
  if (lastDay < today) return { ok: false, code: 'past' };
  if (lastDay > addDays(today, maxPauseDays)) return { ok: false, code: 'too-far' };
  return { ok: true, since: now.toISOString(), until: startOfLocalDay(addDays(lastDay, 1), timeZone).toISOString(), lastDay };
}
