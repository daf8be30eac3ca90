import { type Level, levelsOf, type Sector } from '../types.ts';

// Readability of the Dutch question texts, measured with LIX (Läsbarhetsindex; used for Dutch as well as
// Swedish): the average sentence length in words plus the share of long words (more than six letters) in
// per cent. It needs no syllable counting, which is unreliable for Dutch compounds, and it scores a single
// question as it scores a paragraph. Bands commonly used: under 30 very easy, 30–40 easy (about B1),
// 40–50 average, 50–60 hard.
//
// The limits, per level of the students a flow reaches (docs/student.md, "The lint"): vmbo and mbo level 1–2
// students read at A2–B1 (short sentences, everyday words), so a text they see stays at LIX 40 or below;
// havo and mbo level 3–4 at 45; vwo and hbo at 50. A flow is held to the limit of the lowest level it
// reaches: its `levels`, or every level of its sectors.

/** The plainest and the loosest limit (vmbo and mbo 1–2; vwo and hbo). */
export const readabilityLimits = { plain: 40, hbo: 50 } as const;

export const levelLimits: Readonly<Record<Level, number>> = {
  vmbo: 40,
  'mbo-1': 40,
  'mbo-2': 40,
  havo: 45,
  'mbo-3': 45,
  'mbo-4': 45,
  vwo: 50,
  hbo: 50,
};

/** The levels a flow reaches: the ones it names, else every level of its sectors. */
export function flowLevels(flow: { sectors: readonly Sector[]; levels?: readonly Level[] | undefined }): Level[] {
  return flow.levels?.length ? [...flow.levels] : flow.sectors.flatMap(levelsOf);
}

/** The readability limit for a flow: the limit of the lowest level that reads it. */
export function readabilityLimit(flow: { sectors: readonly Sector[]; levels?: readonly Level[] | undefined }): number {
  return Math.min(...flowLevels(flow).map((l) => levelLimits[l]));
}

/** LIX of a Dutch text (one question or a few sentences). */ export function lix(text: string): number {
  const words = text.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  if (!words.length) return 0;
  const sentences = Math.max(1, (text.match(/[.!?…]+(?=\s|$)/g) ?? []).length);
  const long = words.filter((w) => [...w.replace(/[-'’]/g, '')].length > 6).length;
  return Math.round(words.length / sentences + (100 * long) / words.length);
}
