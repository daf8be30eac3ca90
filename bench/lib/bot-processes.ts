import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// The bot as it runs in production: `node src/main.ts` with WORKERS worker processes (a primary that
// forks them), started by a bench that wants the figures of several processes. CPU is read from
// /proc for the primary and every worker, so it is summed over all of them (Linux only).

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ticksPerSecond = 100; // USER_HZ on Linux

export interface BotProcesses {
  url: string;
  /** CPU milliseconds used so far by the primary and every live worker. */
  cpuMs(): number;
  /** CPU milliseconds used so far by the primary alone. */
  primaryCpuMs(): number;
  /** Process ids: the primary first. */
  pids(): number[];
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** utime + stime of a process in ms, and its parent's pid; undefined when it is gone. */
function stat(pid: number): { cpuMs: number; ppid: number } | undefined {
  try {
    const text = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name may hold spaces; the fields after its closing parenthesis do not.
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { ppid: Number(fields[1]), cpuMs: ((Number(fields[11]) + Number(fields[12])) / ticksPerSecond) * 1000 };
  } catch {
    return undefined;
  }
}

function childrenOf(pid: number): number[] {
  return fs
    .readdirSync('/proc')
    .filter((d) => /^\d+$/.test(d))
    .map(Number)
    .filter((p) => stat(p)?.ppid === pid);
}

/** Starts the bot with `workers` worker processes and waits until that many serve and /healthz answers. */
export async function startBotProcesses(options: { workers: number; env: Record<string, string> }): Promise<BotProcesses> {
  const port = await freePort();
  const child: ChildProcess = spawn(process.execPath, [path.join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, ...options.env, WORKERS: String(options.workers), PORT: String(port), HOST: '127.0.0.1' },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const primary = child.pid!;
  const url = `http://127.0.0.1:${port}`;
  const pids = () => (options.workers > 1 ? [primary, ...childrenOf(primary)] : [primary]);
  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the bot exited with ${child.exitCode}`);
    if (Date.now() > deadline) throw new Error('the bot did not start within 2 minutes');
    const ok = await fetch(`${url}/healthz`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok && pids().length === (options.workers > 1 ? options.workers + 1 : 1)) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    pids,
    cpuMs: () => pids().reduce((sum, pid) => sum + (stat(pid)?.cpuMs ?? 0), 0),
    primaryCpuMs: () => stat(primary)?.cpuMs ?? 0,
    stop: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
