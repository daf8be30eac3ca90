/**
 * The most of these moments (ms) that any window of `ms` holds, as Teams counts: windows (t - ms, t], wherever
 * they start.
 */
export function busiestWindow(times: readonly number[], ms = 1000): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0, j = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - ms) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}
