import type { Person } from './entities.ts';
import { type Flow, type FlowCatalog, flowFitsLevel } from './flows/flows.ts';
import type { StudentProfile } from './levels.ts';
import { inPause } from './send-policy/quiet-hours.ts';
import { addDays, isDate, localDate, startOfDay } from './time/zoned-time.ts';
import type { Sector } from './types.ts';

/** True while the student's pause runs. */
export function isPaused(person: Person, now: Date): boolean {
  return inPause(now, person.pause);
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
export function findFlowByWords(flows: FlowCatalog, profile: Sector | StudentProfile, words: string): Flow | undefined {
  const wanted = normalize(words);
  if (!wanted) return undefined;
  const { sector, level } = typeof profile === 'string' ? { sector: profile, level: undefined } : profile;
  const list = flows.forSector(sector, level);
  const titles = (f: Flow) => [f.title.nl, f.title.en].map(normalize);
  return (
    list.find((f) => f.id === wanted || f.activityType === wanted.replace(/ /g, '-')) ??
    list.find((f) => titles(f).includes(wanted)) ??
    list.find((f) => titles(f).some((t) => t.startsWith(wanted))) ??
    list.find((f) => titles(f).some((t) => t.includes(wanted)))
  );
}

/**
 * Whether a student may get this flow: it is made for their sector and, when their level is known, does
 * not name only other levels (a vmbo student gets no havo/vwo profielwerkstuk). A flow id in card data is
 * never trusted to fit.
 */
export function flowFitsProfile(flow: Flow, profile: StudentProfile): boolean {
  return flow.sectors.includes(profile.sector) && (!profile.level || flowFitsLevel(flow, profile.level));
}

/** Longest pause a student can set themselves; longer absences are for the mentor to know about. */
export const maxPauseDays = 183;

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
    if (!isDate(input.date)) return { ok: false, code: 'invalid' };
    lastDay = input.date;
  }
  if (lastDay < today) return { ok: false, code: 'past' };
  if (lastDay > addDays(today, maxPauseDays)) return { ok: false, code: 'too-far' };
  return { ok: true, since: now.toISOString(), until: startOfDay(addDays(lastDay, 1), timeZone).toISOString(), lastDay };
}
