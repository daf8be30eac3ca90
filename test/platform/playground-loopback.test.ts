import { spawn } from 'node:child_process';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';

// `npm run playground` must not be reachable from the network: it speaks to a development bot that trusts
// every request, so whoever reaches the Playground could chat as any user.

const root = path.resolve(import.meta.dirname, '../..');
const otherAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const reachable = (host: string, port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect({ host, port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
  });

it.runIf(otherAddress)('the Playground listens on 127.0.0.1 only', { timeout: 60_000 }, async () => {
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '3999' };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [path.join(root, 'scripts/playground.ts'), '--port', '0'], { cwd: root, env });
  try {
    let output = '';
    const port = await new Promise<number>((resolve, reject) => {
      child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
      const onData = (d: Buffer) => {
        output += d;
        const m = /Listening on (\d+)/.exec(output);
        if (m) resolve(Number(m[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
    });
    expect(await reachable('127.0.0.1', port)).toBe(true);
    expect(await reachable(otherAddress!, port)).toBe(false);
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
});
