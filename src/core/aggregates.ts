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

/** One group's figures, or hidden when the group is too small. */
export function aggregate<T>(respondents: number, value: T): Aggregate<T> {
  return mayShowAggregate(respondents) ? { hidden: false, respondents, value } : { hidden: true, reason: 'too-few-respondents' };
}

/**
 * Several groups that add up to a total that is shown too (classes of a year, say). Hiding one small group
 * is not enough then: total minus the others gives it away. So when exactly one group is hidden, the next
 * smallest is hidden with it (complementary suppression).
 */
export function aggregateGroups<K, T>(
  groups: readonly { key: K; respondents: number; value: T }[],
  options: { totalShown: boolean },
): { key: K; figures: Aggregate<T> }[] {
  const hidden = new Set(groups.filter((g) => !mayShowAggregate(g.respondents)).map((g) => g.key));
  if (options.totalShown && hidden.size === 1) {
    const next = groups.filter((g) => !hidden.has(g.key)).sort((a, b) => a.respondents - b.respondents)[0];
    if (next) hidden.add(next.key);
  }
  return groups.map((g) => ({
    key: g.key,
    figures: hidden.has(g.key) ? { hidden: true, reason: 'too-few-respondents' } : aggregate(g.respondents, g.value),
  }));
}
