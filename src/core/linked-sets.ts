// Keys joined into sets by what links them (a campaign and the classes or teams it reached): small-group
// suppression states one sum per set, so two figures' sets must be known to be one or apart.

/** Disjoint sets of string keys (union-find with path halving; no recursion, so long chains are fine). */
export class LinkedSets {
  private readonly parent = new Map<string, string>();

  /** The key that names the set `key` is in (the key itself while it is linked to nothing). */
  root(key: string): string {
    let k = key;
    for (;;) {
      const p = this.parent.get(k) ?? k;
      if (p === k) return k;
      const grand = this.parent.get(p) ?? p;
      this.parent.set(k, grand);
      k = grand;
    }
  }

  /** Puts the sets of `a` and `b` together. */
  link(a: string, b: string): void {
    const [ra, rb] = [this.root(a), this.root(b)];
    if (ra !== rb) this.parent.set(ra, rb);
  }
}
