import { type ChildProcess, fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Starts bench/lib/submit-client.ts (the loopback connector and the posting clients) in a process of its
 * own, so its CPU does not count as the server's, and waits until it is ready. `ask` sends one command and
 * resolves with its answer; answers come back in the order asked.
 */
export async function startSubmitClients(): Promise<{
  client: ChildProcess;
  ask: <T>(msg: Record<string, unknown>) => Promise<T>;
}> {
  const client = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'submit-client.ts'));
  const replies: ((m: Record<string, unknown>) => void)[] = [];
  await new Promise((r) => client.once('message', r)); // ready
  client.on('message', (m) => replies.shift()?.(m as Record<string, unknown>));
  const ask = <T>(msg: Record<string, unknown>) =>
    new Promise<T>((resolve) => {
      replies.push(resolve as (m: Record<string, unknown>) => void);
      client.send(msg);
    });
  return { client, ask };
}
