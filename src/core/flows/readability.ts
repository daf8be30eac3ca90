import type { Sector } from '../types.ts';

// Readability of the Dutch question texts, measured with LIX (Läsbarhetsindex; used for Dutch as well as
// Swedish): the average sentence length in words plus the share of long words (more than six letters) in
// per cent. It needs no syllable counting, which is unreliable for Dutch compounds, and it scores a single
// question as it scores a paragraph. Bands commonly used: under 30 very easy, 30–40 easy (about B1),
// 40–50 average, 50–60 hard.
//
// The limits, per level of the students a flow reaches (docs/student.md, "The lint"): a vo or mbo flow is
// read by vmbo and mbo level 1–2 students (A2–B1: short sentences, everyday words), so each of its Dutch
// texts stays at LIX 40 or below; a flow for hbo only stays at 50 or below.

export const readabilityLimits = { plain: 40, hbo: 50 } as const;

/** The limit for a flow: the plain limit as soon as a sector with vmbo or mbo 1–2 students reads it. */
export function readabilityLimit(sectors: readonly Sector[]): number {
  return sectors.some((s) => s === 'vo' || s === 'mbo') ? readabilityLimits.plain : readabilityLimits.hbo;
}

/** LIX of a Dutch text (one question or a few sentences). */
export function lix(text: string): number {
  const words = text.match(/[\p{L}\p{N}'’-]+/gu) ?? [];
  if (!words.length) return 0;
  const sentences = Math.max(1, (text.match(/[.!?…]+(?=\s|$)/g) ?? []).length);
  const long = words.filter((w) => [...w.replace(/[-'’]/g, '')].length > 6).length;
  return Math.round(words.length / sentences + (100 * long) / words.length);
}
