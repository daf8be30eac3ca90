import cluster from 'node:cluster';
import { callShared, serveShared, tellShared } from '../platform/workers.ts';
import { runAnswered, type Throttle } from './rate-limit.ts';

// Teams counts a tenant's requests across every process of the bot, so with several worker processes
// the send windows are kept once, in the primary process. A worker asks the primary for its turn, sends,
// and says when the answer came and whether it was one: the primary counts the request in its windows from
// the turn it gave until that moment (as rate-limit.ts does for a request in its own process).

let tickets = 0;

export class WorkerThrottle implements Throttle {
  async run<T>(tenantId: string, conversationId: string | undefined, request: () => Promise<T>): Promise<T> {
    const ticket = `${process.pid}:${++tickets}`;
    await callShared<void>('throttle.turn', tenantId, conversationId, ticket);
    return runAnswered(request, (answered) => tellShared('throttle.done', ticket, answered));
  }
  throttled(tenantId: string, conversationId: string | undefined, retryAfterMs: number): void {
    tellShared('throttle.throttled', tenantId, conversationId, retryAfterMs);
  }
}

/** In the primary: the one throttle every worker's WorkerThrottle asks. */
export function serveThrottle(throttle: Throttle): void {
  const open = new Map<string, (answered: boolean) => void>();
  serveShared({
    'throttle.turn': (tenantId: string, conversationId: string | undefined, ticket: string) =>
      new Promise<void>((granted) => {
        // A failed request must end as a failure here too (it earns no round-trip credit).
        throttle
          .run(tenantId, conversationId, () => {
            granted();
            return new Promise<void>((done, failed) =>
              open.set(ticket, (answered) => (answered ? done() : failed(new Error('request failed')))),
            );
          })
          .catch(() => undefined);
      }),
    'throttle.done': (ticket: string, answered: boolean) => {
      open.get(ticket)?.(answered);
      open.delete(ticket);
    },
    'throttle.throttled': (tenantId: string, conversationId: string | undefined, retryAfterMs: number) =>
      throttle.throttled(tenantId, conversationId, retryAfterMs),
  });
  // A worker that dies mid-request never says its request ended: end its requests now, or its
  // windows would stay full.
  cluster.on('exit', (worker) => {
    const prefix = `${worker.process.pid}:`;
    for (const [ticket, done] of open) {
      if (ticket.startsWith(prefix)) {
        done(false);
        open.delete(ticket);
      }
    }
  });
}
