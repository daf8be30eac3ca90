/** Runs `fn` over `items` with at most `limit` calls in flight; results in input order. */
export async function mapLimit<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
    }
  };
  await runWorkers(Math.min(limit, items.length), worker);
  return out;
}

/**
 * Runs `count` copies of `worker` at once and waits for all of them: the one concurrency pool of the code
 * (mapLimit above; the campaign sender's workers, which drain and refill their own queue).
 */
export async function runWorkers(count: number, worker: () => Promise<void>): Promise<void> {
  await Promise.all(Array.from({ length: Math.max(1, count) }, () => worker()));
}
