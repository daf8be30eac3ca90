import { callShared, serveShared, tellShared } from '../platform/workers.ts';
import type { Throttle } from './rate-limit.ts';

// Teams counts a tenant's requests across every process of the bot, so with several worker processes
// the send budget is one, kept in the primary process; each worker asks it for a slot over IPC.

export class WorkerThrottle implements Throttle {
  take(tenantId: string, conversationId?: string): Promise<void> {
    return callShared<void>('throttle.take', tenantId, conversationId);
  }
  throttled(tenantId: string, conversationId: string | undefined, retryAfterMs: number): void {
    tellShared('throttle.throttled', tenantId, conversationId, retryAfterMs);
  }
}

/** In the primary: the one throttle every worker's WorkerThrottle asks. */
export function serveThrottle(throttle: Throttle): void {
  serveShared({
    'throttle.take': (tenantId: string, conversationId: string | undefined) => throttle.take(tenantId, conversationId),
    'throttle.throttled': (tenantId: string, conversationId: string | undefined, retryAfterMs: number) =>
      throttle.throttled(tenantId, conversationId, retryAfterMs),
  });
}
