import cluster, { type Worker } from 'node:cluster';
import type { Logger } from './log.ts';

// Several worker processes on one instance (node:cluster): they share the listening port, and the
// operating system hands each connection to one of them. Leases and claims in the store already keep
// two processes from doing the same job or sending the same message; what must be shared in memory
// (the Teams send budget of a tenant) is served by the primary process over IPC (see serveShared).
// The primary opens no store and handles no request: it starts the workers and starts a new one when
// one dies.

export interface Supervisor {
  /** Workers running now. */
  readonly workers: () => Worker[];
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export function superviseWorkers(options: { count: number; log: Logger; restartDelayMs?: number }): Supervisor {
  const { count, log } = options;
  let stopping = false;
  let recentDeaths: number[] = [];
  const start = () => {
    const worker = cluster.fork();
    log.info({ worker: worker.id, pid: worker.process.pid }, 'worker started');
  };
  cluster.on('exit', (worker, code, signal) => {
    if (stopping) return;
    const now = Date.now();
    recentDeaths = [...recentDeaths.filter((t) => now - t < 60_000), now];
    // A worker that dies at once again and again (a bad deployment) is restarted more slowly, not in a loop.
    const delay = recentDeaths.length > count * 3 ? 10_000 : (options.restartDelayMs ?? 200);
    log.error({ worker: worker.id, pid: worker.process.pid, code, signal, restartInMs: delay }, 'worker died; starting another');
    setTimeout(() => {
      if (!stopping) start();
    }, delay).unref();
  });
  for (let i = 0; i < count; i++) start();
  const workers = () => Object.values(cluster.workers ?? {}).filter((w): w is Worker => w !== undefined);
  return {
    workers,
    stop: async (signal: NodeJS.Signals = 'SIGTERM') => {
      stopping = true;
      await Promise.all(
        workers().map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill(signal);
            }),
        ),
      );
    },
  };
}

type Handler = (...args: never[]) => unknown;
interface CallMessage {
  lobCall: number;
  name: string;
  args: unknown[];
}
interface ReplyMessage {
  lobReply: number;
  value?: unknown;
  error?: string;
}

/** In the primary: answers workers' calls to these functions (a call waits for a returned promise). */
export function serveShared(handlers: Record<string, Handler>): void {
  cluster.on('message', (worker, message: Partial<CallMessage>) => {
    if (typeof message?.lobCall !== 'number' || typeof message.name !== 'string') return;
    const handler = Object.hasOwn(handlers, message.name) ? handlers[message.name] : undefined;
    const reply = (r: Omit<ReplyMessage, 'lobReply'>) => {
      if (worker.isConnected()) worker.send({ lobReply: message.lobCall, ...r });
    };
    if (!handler) return reply({ error: `no shared function ${message.name}` });
    Promise.resolve()
      .then(() => (handler as (...args: unknown[]) => unknown)(...(message.args ?? [])))
      .then(
        (value) => reply({ value }),
        (err: unknown) => reply({ error: String(err) }),
      );
  });
}

let nextCall = 1;
const pending = new Map<number, { resolve(v: unknown): void; reject(e: Error): void }>();
let listening = false;

/** In a worker: calls a function the primary serves. */
export function callShared<T>(name: string, ...args: unknown[]): Promise<T> {
  if (!process.send) return Promise.reject(new Error('not a worker process'));
  if (!listening) {
    listening = true;
    process.on('message', (message: Partial<ReplyMessage>) => {
      if (typeof message?.lobReply !== 'number') return;
      const waiting = pending.get(message.lobReply);
      if (!waiting) return;
      pending.delete(message.lobReply);
      if (message.error) waiting.reject(new Error(message.error));
      else waiting.resolve(message.value);
    });
  }
  const id = nextCall++;
  return new Promise<T>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    process.send!({ lobCall: id, name, args } satisfies CallMessage);
  });
}

/** Tells the primary something without waiting for an answer. */
export function tellShared(name: string, ...args: unknown[]): void {
  if (!process.send) return;
  process.send({ lobCall: 0, name, args } satisfies CallMessage);
}
