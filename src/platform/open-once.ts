// Store parts (repositories, services) are opened once per store or per bot and shared. A failed open
// must not be shared: after a passing fault (a full disk, a throttled container creation) every later
// call would get the same rejection until a restart, erasures and the nightly retention job included.

/**
 * Wraps `open` so that one successful result per key is kept and shared, concurrent callers share one
 * attempt, and a rejected attempt is forgotten: the next call opens again.
 */
export function openOnce<K extends object, V>(open: (key: K) => Promise<V>): (key: K) => Promise<V> {
  const opened = new WeakMap<K, Promise<V>>();
  return (key) => {
    const existing = opened.get(key);
    if (existing) return existing;
    const attempt = (async () => open(key))();
    opened.set(key, attempt);
    attempt.catch(() => {
      // Only this attempt is dropped: a newer one started after it failed stays.
      if (opened.get(key) === attempt) opened.delete(key);
    });
    return attempt;
  };
}
