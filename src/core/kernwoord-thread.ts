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
export function recurringKernwoorden(
  reflections: readonly Pick<Reflection, 'status' | 'kernwoord' | 'submittedAt' | 'createdAt'>[],
): { word: string; count: number }[] {
  const byKey = new Map<string, { word: string; count: number; first: string }>();
  for (const r of reflections) {
    if (r.status !== 'submitted' || !r.kernwoord) continue;
    const key = kernwoordKey(r.kernwoord);
    if (!key) continue;
    const entry = byKey.get(key);
    if (!entry) byKey.set(key, { word: r.kernwoord.trim(), count: 1, first: when(r) });
    else {
      entry.count++;
      if (when(r) < entry.first) Object.assign(entry, { word: r.kernwoord.trim(), first: when(r) });
    }
  }
  return [...byKey.values()]
    .filter((e) => e.count >= 2)
    .sort((a, b) => b.count - a.count || a.first.localeCompare(b.first))
    .map(({ word, count }) => ({ word, count }));
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
