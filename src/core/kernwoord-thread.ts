import type { Reflection } from './entities.ts';

// The thread across reflections (rode draad): the key words (kernwoorden) a student names again and
// again. A new kernwoord that matches earlier ones is shown back on the summary and in `mijn reflecties`;
// the mentor's digest lists the ones that recur. Matching is by the word as the student wrote it, ignoring
// case, spacing and punctuation at the ends; nothing is guessed (no synonyms, no stemming).

/** The form two kernwoorden are compared in. */
export function kernwoordKey(word: string): string {
  return word
    .toLowerCase()
    .normalize('NFKC')
    .replace(/^[^\p{L}\p{N}]+|[^\p{L}\p{N}]+$/gu, '')
    .replace(/\s+/g, ' ');
}

const when = (r: Pick<Reflection, 'submittedAt' | 'createdAt'>) => r.submittedAt ?? r.createdAt;

/** The earlier submitted reflections with the same kernwoord as this one, oldest first. */
export function earlierWithKernwoord(reflection: Reflection, all: readonly Reflection[]): Reflection[] {
  const key = reflection.kernwoord ? kernwoordKey(reflection.kernwoord) : '';
  if (!key) return [];
  return all
    .filter(
      (r) =>
        r.id !== reflection.id &&
        r.status === 'submitted' &&
        r.kernwoord !== undefined &&
        kernwoordKey(r.kernwoord) === key &&
        when(r) <= when(reflection),
    )
    .sort((a, b) => when(a).localeCompare(when(b)));
}

/** Kernwoorden named in two or more reflections, most often first, as the student first wrote them. */
type Dated = Pick<Reflection, 'status' | 'kernwoord' | 'submittedAt' | 'createdAt'>;

export function recurringKernwoorden(reflections: readonly Dated[]): { word: string; count: number }[] {
  return recurringWords(reflections, (r) => r.kernwoord).map(({ word, count }) => ({ word, count }));
}

/**
 * The student's own words that come back in two or more submitted reflections (their kernwoorden, or the
 * emotion words they typed beside the buttons), most often first, each with the reflections that named
 * it (oldest first) and as the student first wrote it. Compared as kernwoordKey does; nothing is guessed.
 * Works on whole reflections and on their heads (the digest ranks from heads).
 */
export function recurringWords<R extends Pick<Reflection, 'status' | 'submittedAt' | 'createdAt'>>(
  reflections: readonly R[],
  wordOf: (r: R) => string | undefined,
): { word: string; count: number; reflections: R[] }[] {
  const byKey = new Map<string, R[]>();
  for (const r of reflections) {
    const raw = r.status === 'submitted' ? wordOf(r) : undefined;
    const key = raw ? kernwoordKey(raw) : '';
    if (!key) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  return [...byKey.values()]
    .filter((group) => group.length >= 2)
    .map((group) => group.sort((a, b) => when(a).localeCompare(when(b))))
    .sort((a, b) => b.length - a.length || when(a[0]!).localeCompare(when(b[0]!)))
    .map((group) => ({ word: wordOf(group[0]!)!.trim(), count: group.length, reflections: group }));
}

/**
 * Items grouped by kernwoord (the dossier's "rode draad"): one group per word, the most often named first
 * (then the earliest), each group's items oldest first and headed by the word as the student first wrote it.
 * Items without a kernwoord are left out.
 */
export function kernwoordGroups<T extends { kernwoord?: string | undefined; date: string }>(
  items: readonly T[],
): { word: string; items: T[] }[] {
  const byKey = new Map<string, T[]>();
  for (const item of items) {
    const key = item.kernwoord ? kernwoordKey(item.kernwoord) : '';
    if (!key) continue;
    byKey.set(key, [...(byKey.get(key) ?? []), item]);
  }
  return [...byKey.values()]
    .map((group) => group.sort((a, b) => a.date.localeCompare(b.date)))
    .sort((a, b) => b.length - a.length || a[0]!.date.localeCompare(b[0]!.date))
    .map((group) => ({ word: group[0]!.kernwoord!.trim(), items: group }));
}
