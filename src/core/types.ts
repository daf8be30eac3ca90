// Core vocabulary of LOB Reflectie (see ../shared/domain.md). No SDK or driver imports in src/domain.

export const locales = ['nl', 'en'] as const;
export type Locale = (typeof locales)[number];

/** `teacher` is a subject teacher (vakdocent): they may send a talent signal to students of their classes, nothing more. */
export const roles = ['student', 'mentor', 'teacher', 'coordinator', 'team-leader', 'admin'] as const;
export type Role = (typeof roles)[number];

/** The five career competencies (loopbaancompetenties). Every question and answer is tagged with them. */
export const competencies = ['qualities', 'motives', 'work-exploration', 'career-steering', 'networking'] as const;
export type Competency = (typeof competencies)[number];

export const sectors = ['vo', 'mbo', 'hbo'] as const;
export type Sector = (typeof sectors)[number];

/**
 * Levels within a sector: vo has vmbo, havo and vwo; mbo has levels 1 to 4; hbo is one level. Set per school,
 * class or student (src/core/levels.ts); the flows a student gets and the wording's readability follow it.
 */
export const levels = ['vmbo', 'havo', 'vwo', 'mbo-1', 'mbo-2', 'mbo-3', 'mbo-4', 'hbo'] as const;
export type Level = (typeof levels)[number];

export const levelSector: Readonly<Record<Level, Sector>> = {
  vmbo: 'vo',
  havo: 'vo',
  vwo: 'vo',
  'mbo-1': 'mbo',
  'mbo-2': 'mbo',
  'mbo-3': 'mbo',
  'mbo-4': 'mbo',
  hbo: 'hbo',
};

/** The levels of a sector, lowest first. */
export function levelsOf(sector: Sector): Level[] {
  return levels.filter((l) => levelSector[l] === sector);
}

/** The four phases of the careers conversation, in order. */
export const phases = ['look-back', 'reflect', 'look-forward', 'activate'] as const;
export type Phase = (typeof phases)[number];

/** One-tap emotions, from very positive to very negative. The valence drives branching and signals. */
export const emotions = ['great', 'good', 'mixed', 'bad', 'awful'] as const;
export type Emotion = (typeof emotions)[number];
export type Valence = 'positive' | 'neutral' | 'negative';

export function valenceOf(emotion: Emotion): Valence {
  if (emotion === 'great' || emotion === 'good') return 'positive';
  if (emotion === 'mixed') return 'neutral';
  return 'negative';
}

/** Maps a Teams/BCP-47 locale ("en-US", "nl-NL") to a product locale. */
export function localeFrom(tag: string | undefined, fallback: Locale): Locale {
  const lang = tag?.toLowerCase().split(/[-_]/)[0];
  return lang === 'en' ? 'en' : lang === 'nl' ? 'nl' : fallback;
}

// Characters that show as nothing but make two strings differ: format characters (zero-width space and
// joiners, soft hyphen, byte order mark, direction marks), other default-ignorables and control characters.
// They arrive with addresses pasted from web pages, spreadsheets and mail clients.
const invisible = /[\p{Cf}\p{Cc}\p{Default_Ignorable_Code_Point}]/gu;

/**
 * The one form of an e-mail address the product compares and stores, wherever it is read (imports, CLI
 * options, rosters, tokens): invisible characters removed, NFKC (full-width letters become ASCII, a
 * decomposed accent one character), trimmed, lower-cased. Without it one person becomes two.
 */
export function normalizeEmail(email: string): string {
  return email.replace(invisible, '').normalize('NFKC').toLowerCase().normalize('NFC').trim();
}
