import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { activity, testUser } from '../helpers/activities.ts';
import { LoopbackConnector } from '../helpers/loopback-connector.ts';

// `WORKERS=2 npm start`: the bot as a primary process with two workers on one port, started the way an
// operator starts it. A worker that dies is replaced while the other keeps answering; stopping the
// primary stops them all.

const root = path.resolve(import.meta.dirname, '../..');

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

interface Line {
  msg?: string;
  worker?: number;
  pid?: number;
}

describe('several worker processes', () => {
  let child: ChildProcess | undefined;
  let dir: string | undefined;
  let connector: LoopbackConnector | undefined;
  afterEach(async () => {
    if (child && child.exitCode === null) child.kill('SIGKILL');
    await connector?.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
  });

  async function startWorkers() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-workers-'));
    connector = await LoopbackConnector.start();
    const port = await freePort();
    child = spawn(process.execPath, ['src/main.ts'], {
      cwd: root,
      env: {
        PATH: process.env['PATH'],
        DEV_ALLOW_UNAUTHENTICATED: 'true',
        WORKERS: '2',
        PORT: String(port),
        DATA_DIR: dir,
        SERVICE_URL: connector.url,
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: Line[] = [];
    let buffered = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      buffered += chunk.toString('utf8');
      const parts = buffered.split('\n');
      buffered = parts.pop() ?? '';
      for (const part of parts) {
        try {
          lines.push(JSON.parse(part) as Line);
        } catch {
          // not a log line
        }
      }
    });
    const until = async (what: string, test: () => boolean, ms = 90_000) => {
      const end = Date.now() + ms;
      while (!test()) {
        if (Date.now() > end) throw new Error(`timed out waiting for ${what}; log: ${JSON.stringify(lines.map((l) => l.msg))}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    };
    const listening = () => lines.filter((l) => l.msg === 'LOB Reflectie is listening');
    await until('two workers listening', () => listening().length >= 2);
    expect(new Set(listening().map((l) => l.worker))).toEqual(new Set([1, 2]));
    const pids = listening().map((l) => l.pid);
    expect(new Set(pids).size).toBe(2);

    return { port, lines, until, listening, pids, connector: connector!, child: child! };
  }

  it('serves from two workers on one port, replaces a worker that dies, and stops them all', async () => {
    const { port, lines, until, listening, pids, connector, child } = await startWorkers();
    // A whole turn through the workers: a student installs the app and gets the welcome card.
    const sanne = testUser('Sanne de Vries', 'sanne@school.nl');
    connector.addMember({ id: sanne.userId, aadObjectId: sanne.aadObjectId, name: sanne.name, email: sanne.email });
    const res = await fetch(`http://127.0.0.1:${port}/api/messages`, {
      method: 'POST',
      // A new connection per request: a kept-alive one would stay with the worker this test kills.
      headers: { 'content-type': 'application/json', connection: 'close' },
      body: JSON.stringify(activity('personal-installation-add', sanne, connector.url)),
      signal: AbortSignal.timeout(30_000),
    });
    expect(res.status, JSON.stringify(lines.slice(-8))).toBe(200);
    await connector.waitFor(() => connector.cardsIn(sanne.conversationId)[0], 10_000);

    // One worker dies; the other keeps answering, and the primary starts a third. A connection the primary
    // hands to the worker at the moment it dies is lost with it (the client's timeout ends it); every
    // request after that is answered.
    process.kill(pids[0]!, 'SIGKILL');
    const answers: (number | 'lost')[] = [];
    for (let i = 0; i < 10; i++) {
      try {
        const health = await fetch(`http://127.0.0.1:${port}/healthz`, {
          headers: { connection: 'close' },
          signal: AbortSignal.timeout(5_000),
        });
        answers.push(health.status);
      } catch {
        answers.push('lost');
      }
    }
    expect(answers.filter((a) => a === 'lost').length).toBeLessThanOrEqual(1);
    expect(answers.slice(-5)).toEqual([200, 200, 200, 200, 200]);
    await until('a replacement worker', () => listening().length >= 3);
    expect(lines.some((l) => l.msg === 'worker died; starting another')).toBe(true);

    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
    for (const pid of listening().map((l) => l.pid!)) expect(() => process.kill(pid, 0)).toThrow();
  }, 240_000);

  it('stops its workers when the primary is killed outright', async () => {
    const { until, pids, child } = await startWorkers();
    child.kill('SIGKILL');
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    await until('the orphaned workers to stop', () => pids.every((pid) => !alive(pid!)), 30_000);
  }, 240_000);
});
