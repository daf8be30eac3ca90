// Coordinators and team leaders see aggregates only, and never of a group so small that a figure points at
// a person. Every surface that shows figures about groups of students (response rates, competency
// coverage, per class, team or activity) passes them through here.

/** Fewer respondents than this, and a group's figures are hidden. */
export const minRespondents = 5;

export type Aggregate<T> = { hidden: false; respondents: number; value: T } | { hidden: true; reason: 'too-few-respondents' };

/** Whether figures about a group with this many respondents may be shown. */
export function mayShowAggregate(respondents: number): boolean {
  return Number.isFinite(respondents) && respondents >= minRespondents;
}

/** Figures about this many students (1 to 4) point at persons; about nobody they say only "nothing". */
export function isSmallGroup(respondents: number): boolean {
  return respondents > 0 && !mayShowAggregate(respondents);
}

/** One group's figures, or hidden when the group is too small. */
export function aggregate<T>(respondents: number, value: T): Aggregate<T> {
  return mayShowAggregate(respondents) ? { hidden: false, respondents, value } : { hidden: true, reason: 'too-few-respondents' };
}

/**
 * Several groups that add up to a total that is shown too (classes of a year, say). Hiding one small group
 * is not enough then: total minus the others gives it away, so suppressFigures hides a neighbour with it.
 */
export function aggregateGroups<K, T>(
  groups: readonly { key: K; respondents: number; value: T }[],
  options: { totalShown: boolean },
): { key: K; figures: Aggregate<T> }[] {
  const total = Symbol('total');
  const hidden = suppressFigures<K | symbol>(
    [
      ...groups.map((g) => ({ key: g.key, respondents: g.respondents || 1 })),
      options.totalShown
        ? { key: total, respondents: 0, fixed: 'shown' as const }
        : { key: total, respondents: 0, virtual: true },
    ],
    [{ total, parts: groups.map((g) => g.key) }],
  );
  return groups.map((g) => ({
    key: g.key,
    figures: hidden.has(g.key) ? { hidden: true, reason: 'too-few-respondents' } : aggregate(g.respondents, g.value),
  }));
}

// --- one set of figures a viewer sees together ------------------------------------------------------

/**
 * A figure about `respondents` distinct students (counts such as sent, answered, reminded share it).
 * `fixed`: decided elsewhere and shown as such (a status card, say): never hidden here, and only known
 * to a viewer when shown. `virtual`: not shown anywhere, only a link between sums (always unknown).
 */
export interface Figure<K> {
  key: K;
  respondents: number;
  fixed?: 'shown' | 'hidden';
  virtual?: boolean;
}

/** `total` is the sum of `parts`, for every count the figures carry: what a viewer could subtract. */
export interface FigureSum<K> {
  total: K;
  parts: readonly K[];
}

const eps = 1e-9;

/**
 * The hidden figures that the shown ones still give away: those fixed by the sums once every shown
 * figure is known. Gaussian elimination over the hidden unknowns; a hidden figure is given away when
 * no solution of the homogeneous system can move it.
 */
export function derivableFigures<K>(figures: readonly Figure<K>[], sums: readonly FigureSum<K>[], hidden: ReadonlySet<K>): K[] {
  const unknown = figures.filter((f) => hidden.has(f.key) || f.virtual).map((f) => f.key);
  const col = new Map(unknown.map((k, i) => [k, i]));
  const rows: Float64Array[] = [];
  for (const s of sums) {
    const row = new Float64Array(unknown.length);
    let any = false;
    for (const [k, sign] of [[s.total, 1] as const, ...s.parts.map((p) => [p, -1] as const)]) {
      const i = col.get(k);
      if (i === undefined) continue;
      row[i]! += sign;
      any = true;
    }
    if (any) rows.push(row);
  }
  // Reduced row echelon form.
  const pivotOf: number[] = [];
  let r = 0;
  for (let c = 0; c < unknown.length && r < rows.length; c++) {
    let p = r;
    while (p < rows.length && Math.abs(rows[p]![c]!) < eps) p++;
    if (p === rows.length) continue;
    [rows[r], rows[p]] = [rows[p]!, rows[r]!];
    const pivot = rows[r]!;
    const lead = pivot[c]!;
    for (let j = c; j < unknown.length; j++) pivot[j]! /= lead;
    for (let i = 0; i < rows.length; i++) {
      const row = rows[i]!;
      const f = row[c]!;
      if (i === r || Math.abs(f) < eps) continue;
      // Columns left of c are zero in the pivot row (earlier pivots cleared them, free ones stayed zero below).
      for (let j = c; j < unknown.length; j++) row[j]! -= f * pivot[j]!;
    }
    pivotOf[c] = r;
    r++;
  }
  const free = unknown.map((_, c) => pivotOf[c] === undefined);
  const out: K[] = [];
  unknown.forEach((k, c) => {
    if (!hidden.has(k)) return;
    const row = pivotOf[c];
    if (row === undefined) return;
    if (rows[row]!.every((v, j) => !free[j] || Math.abs(v) < eps)) out.push(k);
  });
  return out;
}

/**
 * The one rule for a set of figures shown together (a page with its exports, a team's Check evidence):
 * figures about 1 to 4 students are hidden (primary suppression), and then, as long as any of them can
 * still be computed from shown ones through the sums (rows, columns, totals, the same total over two
 * halves), a shown figure in a sum that gives one away is hidden too (complementary suppression), or,
 * when none there helps, one beside a figure hidden earlier that the sums still give away. The
 * choice is greedy: it may hide more than the fewest possible. Only figures fixed elsewhere can leave
 * one given away (nothing here can hide them); every caller fixes figures whose rule agrees with this one.
 * Figures about nobody (0) say "nothing" and are shown. Returns the hidden keys.
 */
export function suppressFigures<K>(figures: readonly Figure<K>[], sums: readonly FigureSum<K>[]): Set<K> {
  const hidden = new Set<K>();
  for (const f of figures) {
    if (f.virtual) continue;
    if (f.fixed ? f.fixed === 'hidden' : isSmallGroup(f.respondents)) hidden.add(f.key);
  }
  // What must not be given away: the figures hidden for their own sake. A figure hidden only to protect
  // them may still follow from others (it is about a big group); then it did not help, and another is hidden.
  const sensitive = new Set(hidden);
  const givenAway = (h: ReadonlySet<K>) => derivableFigures(figures, sums, h).filter((k) => sensitive.has(k));
  const byKey = new Map(figures.map((f) => [f.key, f]));
  const choosable = (k: K) => {
    const f = byKey.get(k);
    return f !== undefined && !f.virtual && !f.fixed && !hidden.has(k) && f.respondents > 0;
  };
  // Of the smallest (up to 6) of these, the one that leaves the fewest figures given away (hiding a figure its
  // own row still gives away helps nobody); then the one about the fewest students.
  const best = (candidates: ReadonlySet<K>) => {
    const bySize = [...candidates].sort((a, b) => byKey.get(a)!.respondents - byKey.get(b)!.respondents);
    let next = bySize[0] as K;
    let left = Number.POSITIVE_INFINITY;
    for (const k of bySize.slice(0, 6)) {
      const n = givenAway(new Set([...hidden, k])).length;
      if (n < left) {
        left = n;
        next = k;
      }
    }
    return { next, left };
  };
  const inSumsWith = (keys: ReadonlySet<K>) => {
    const out = new Set<K>();
    for (const s of sums) {
      const members = [s.total, ...s.parts];
      if (members.some((k) => keys.has(k))) for (const k of members) if (choosable(k)) out.add(k);
    }
    return out;
  };
  for (;;) {
    const derivable = derivableFigures(figures, sums, hidden);
    const given = new Set(derivable.filter((k) => sensitive.has(k)));
    if (given.size === 0) return hidden;
    // First the sums that give one away. When no single figure there helps, the chain may run through a
    // figure hidden earlier that the sums still give away: the sums beside that one are tried too.
    const near = inSumsWith(given);
    let pick = near.size ? best(near) : undefined;
    if (pick && pick.left >= given.size) {
      const further = new Set([...inSumsWith(new Set(derivable))].filter((k) => !near.has(k)));
      const other = further.size ? best(further) : undefined;
      if (other && other.left < pick.left) pick = other;
    }
    // Nothing left to hide in those sums (the chain runs through hidden ones): anything shown may help.
    if (!pick) {
      const all = new Set(figures.filter((f) => choosable(f.key)).map((f) => f.key));
      if (all.size === 0) return hidden;
      pick = best(all);
    }
    const next = pick.next;
    hidden.add(next);
  }
}
