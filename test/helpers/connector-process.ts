import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoopbackConnector, LoopbackOptions } from './loopback-connector.ts';

const here = path.dirname(fileURLToPath(import.meta.url));

/** A loopback connector in its own process (connector-process-main.ts): its url, its counts, and close. */
export async function startConnectorProcess(options: LoopbackOptions, members: string[] = []) {
  const child = fork(path.join(here, 'connector-process-main.ts'), [], {
    env: { ...process.env, LOOPBACK: JSON.stringify({ options, members }) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  const ask = <T>(message?: string) =>
    new Promise<T>((resolve, reject) => {
      child.once('message', (m) => resolve(m as T));
      child.once('exit', (code) => reject(new Error(`connector process exited with ${code}`)));
      if (message) child.send(message);
    });
  const { url } = await ask<{ url: string }>();
  return {
    url,
    stats: async () => (await ask<{ stats: LoopbackConnector['stats'] }>('stats')).stats,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.send('stop');
      await exited;
    },
  };
}
