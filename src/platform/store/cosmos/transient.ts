// Cosmos DB has bad seconds: 503 (service unavailable), 408 (request timeout), 449 (retry with), and
// connections that drop. The SDK retries throttling (429, honouring x-ms-retry-after-ms) on its own, but
// hands most of these to the caller. Reads and queries are safe to ask again; a write whose answer was
// lost may or may not have happened, so the store checks what is there before calling it a failure
// (see cosmos-store.ts: a create that meets itself, a replace that finds its own version, a delete that
// finds nothing left).

const transientStatus = new Set([408, 449, 503]);
const transientCodes = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN']);

export function statusOf(err: unknown): number | undefined {
  const e = err as { code?: number | string; statusCode?: number };
  return typeof e?.code === 'number' ? e.code : e?.statusCode;
}

export function isTransient(err: unknown): boolean {
  const status = statusOf(err);
  if (status !== undefined) return transientStatus.has(status);
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e?.code === 'string' && transientCodes.has(e.code)) return true;
  if (typeof e?.message === 'string' && /socket hang up|ECONNRESET|other side closed/i.test(e.message)) return true;
  return e?.cause !== undefined && e.cause !== err && isTransient(e.cause);
}

export interface TransientPolicy {
  attempts: number;
  /** First wait; doubled on each further attempt, with jitter so instances do not retry in step. */
  baseMs: number;
}

export const defaultTransientPolicy: TransientPolicy = { attempts: 6, baseMs: 40 };

/**
 * Runs op, again after a transient failure. `op` learns whether an earlier attempt failed without an
 * answer, so a write can check whether that attempt happened after all.
 */
export async function retryTransient<T>(
  op: (retried: boolean) => Promise<T>,
  policy: TransientPolicy = defaultTransientPolicy,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op(attempt > 1);
    } catch (err) {
      if (!isTransient(err) || attempt >= policy.attempts) throw err;
      const wait = policy.baseMs * 2 ** (attempt - 1);
      await new Promise((resolve) => setTimeout(resolve, wait / 2 + Math.random() * wait));
    }
  }
}

/** JSON with object keys in a fixed order: the same document reads the same whichever order it was built in. */
export function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}
