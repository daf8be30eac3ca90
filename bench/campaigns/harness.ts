import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// What the campaign benches share: their child processes (the connector, the bot instances). The floor
// they read their CPU figures against is in floor.ts.

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;

export type Message = { type: string; [key: string]: unknown };

const children = new Set<ChildProcess>();
process.on('exit', () => {
  for (const c of children) c.kill('SIGKILL');
});

/** A child process running one of this folder's files, killed when the bench exits. */
export function child(file: string, extraEnv: Record<string, string>): ChildProcess {
  const c = fork(path.join(here, file), [], {
    execArgv: [
      // BENCH_PROFILE=<dir>: a CPU profile of each bot instance, to open in Chrome DevTools.
      ...(env['BENCH_PROFILE'] && file === 'worker.ts' ? ['--cpu-prof', `--cpu-prof-dir=${env['BENCH_PROFILE']}`] : []),
    ],
    env: { ...process.env, ...extraEnv },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  children.add(c);
  c.once('exit', () => children.delete(c));
  return c;
}

export function exited(c: ChildProcess): Promise<unknown> {
  return c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((r) => c.once('exit', r));
}

/** The child's next message of this type. */
export function next(c: ChildProcess, type: string): Promise<Message> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: Message) => {
      if (m?.type !== type) return;
      c.off('message', onMessage);
      c.off('exit', onExit);
      resolve(m);
    };
    const onExit = (code: number | null) => reject(new Error(`${type}: child exited with ${code}`));
    c.on('message', onMessage);
    c.once('exit', onExit);
  });
}

export interface ConnectorStats {
  requests: number;
  accepted: number;
  limited: number;
  injected429: number;
  injected5xx: number;
  messages: number;
  unique: number;
  duplicates: number;
  spanMs: number;
  /** CPU of the connector process so far. */
  cpuMs: number;
  /** One per tenant (connector), in the order of `urls`. */
  tenants: (Omit<ConnectorStats, 'tenants' | 'cpuMs'> & { firstAtMs?: number; lastAtMs?: number; times: number[] })[];
}

/** The connector process (connector.ts): one connector per tenant, each its own service URL. */
export async function startConnector(settings: Record<string, string>) {
  const c = child('connector.ts', settings);
  const ready = await next(c, 'ready');
  return {
    url: ready['url'] as string,
    urls: ready['urls'] as string[],
    stats: async () => {
      const p = next(c, 'stats');
      c.send('stats');
      return (await p) as unknown as ConnectorStats;
    },
    stop: async () => {
      c.send('stop');
      await exited(c);
    },
  };
}
