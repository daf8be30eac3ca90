import type { Person, School } from './entities.ts';
import type { Repositories } from './ports.ts';
import { type Level, levelSector, levels, type Sector } from './types.ts';

// A student's level (vmbo, havo, vwo; mbo 1–4; hbo) decides which flows they get and how plainly they are
// worded. It is set per school, per class and per student: the student's own level wins over their class,
// the class over the school. A level counts only within the student's sector (a combined school's havo
// class says nothing about its mbo students). In several classes of different levels, the plainest wins:
// wording that a vmbo student reads is fine for a havo student, not the other way round.

/** The classes a student is in, as far as their level goes (the class list lives with the campaigns). */
export interface ClassLevels {
  /** The levels set on the classes this student is an active member of. */
  levelsOf(schoolId: string, personId: string): Promise<Level[]>;
}

export const noClassLevels: ClassLevels = { levelsOf: async () => [] };

export function isLevel(value: unknown): value is Level {
  return typeof value === 'string' && (levels as readonly string[]).includes(value);
}

/** The plainest of several levels (levels are listed from plainest to hardest within a sector). */
export function plainest(list: readonly Level[]): Level | undefined {
  return [...list].sort((a, b) => levels.indexOf(a) - levels.indexOf(b))[0];
}

/** The student's level: their own, else their classes' (the plainest), else the school's; only within the sector. */
export function resolveLevel(
  sector: Sector,
  from: { student?: Level | undefined; classes?: readonly Level[]; school?: Level | undefined },
): Level | undefined {
  const fits = (l: Level | undefined): l is Level => l !== undefined && levelSector[l] === sector;
  if (fits(from.student)) return from.student;
  const classLevel = plainest((from.classes ?? []).filter(fits));
  if (classLevel) return classLevel;
  return fits(from.school) ? from.school : undefined;
}

export interface StudentProfile {
  sector: Sector;
  /** Undefined when nobody set one: the student then gets every flow of the sector, in its plainest wording. */
  level?: Level;
}

/** The sector: the student's own (combined schools), else the school's. */
export function sectorFor(person: Pick<Person, 'sector'>, school: Pick<School, 'sector'> | undefined): Sector {
  return person.sector ?? school?.sector ?? 'vo';
}

/** A student's sector and level, read from the store and their classes. */
export async function profileOf(repos: Repositories, classes: ClassLevels, person: Person): Promise<StudentProfile> {
  const school = await repos.schools.get(person.schoolId);
  const sector = sectorFor(person, school);
  const level = resolveLevel(sector, {
    student: person.level,
    classes: await classes.levelsOf(person.schoolId, person.id),
    school: school?.level,
  });
  return level ? { sector, level } : { sector };
}

/**
 * A level as a school's export writes it: "vmbo-k", "mavo", "HAVO", "gymnasium", "mbo 2", "niveau 3", or a
 * bare 1–4 in an mbo school. Undefined when it cannot be read.
 */
export function readLevel(text: string, sector: Sector): Level | undefined {
  const v = text.toLowerCase().replace(/[\s_.-]+/g, '');
  if (!v) return undefined;
  if (/^(vmbo(b|k|bb|kb|gl|gt|t)?|mavo|basis|kader|gemengd|theoretisch)$/.test(v)) return 'vmbo';
  if (v === 'havo') return 'havo';
  if (/^(vwo|atheneum|gymnasium)$/.test(v)) return 'vwo';
  if (/^(hbo|bachelor|ad|associatedegree)$/.test(v)) return 'hbo';
  const mbo = v.match(/^(?:mbo|mboniveau|niveau)?([1-4])$/);
  if (mbo && (v.startsWith('mbo') || sector === 'mbo')) return `mbo-${mbo[1]}` as Level;
  return isLevel(v) ? v : undefined;
}
