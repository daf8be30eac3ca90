// What someone who sees a set of figures can compute from them: every sum they know (rows, columns,
// totals, a year as its halves) is used again and again; a sum with one unknown gives it away, and two
// sums over the same unknowns except one give that one away too (one sum minus the other). Independent of
// src/core/aggregates.ts on purpose: it is the attacker the rule has to withstand.

export interface KnownSum {
  total: string;
  parts: readonly string[];
}

/** Every unknown figure the attacker can compute, with the value they get. */
export function subtract(shown: ReadonlyMap<string, number>, sums: readonly KnownSum[]): Map<string, number> {
  const known = new Map(shown);
  // Each sum as: Σ coefficient·unknown = constant.
  type Eq = { terms: Map<string, number>; constant: number };
  const equations = (): Eq[] =>
    sums.map((s) => {
      const terms = new Map<string, number>();
      let constant = 0;
      for (const [k, c] of [[s.total, 1] as const, ...s.parts.map((p) => [p, -1] as const)]) {
        const v = known.get(k);
        if (v === undefined) terms.set(k, (terms.get(k) ?? 0) + c);
        else constant -= c * v;
      }
      return { terms, constant };
    });
  const solve = (e: Eq) => {
    const live = [...e.terms].filter(([, c]) => c !== 0);
    if (live.length !== 1) return false;
    const [k, c] = live[0]!;
    known.set(k, e.constant / c);
    return true;
  };
  for (let progress = true; progress; ) {
    progress = false;
    const eqs = equations();
    for (const e of eqs) if (solve(e)) progress = true;
    if (progress) continue;
    for (const a of eqs)
      for (const b of eqs)
        for (const sign of [1, -1]) {
          const terms = new Map(a.terms);
          for (const [k, c] of b.terms) terms.set(k, (terms.get(k) ?? 0) - sign * c);
          if (solve({ terms, constant: a.constant - sign * b.constant })) progress = true;
        }
  }
  const out = new Map<string, number>();
  for (const [k, v] of known) if (!shown.has(k)) out.set(k, v);
  return out;
}
