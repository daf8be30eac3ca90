import cluster from 'node:cluster';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { TeamsSendThrottle } from '../../src/teams/rate-limit.ts';
import { serveThrottle } from '../../src/teams/shared-throttle.ts';
import { busiestWindow } from '../helpers/windows.ts';

// Teams counts a tenant's requests over all of the bot's processes. Two worker processes that each send
// 60 requests must together stay inside one tenant's 50 per second, as one process would.

describe('one send budget for several worker processes', () => {
  it('keeps two workers together inside the tenant limit', async () => {
    serveThrottle(new TeamsSendThrottle({ tenantPerSecond: 50, conversationPerSecond: 7 }));
    cluster.setupPrimary({
      exec: path.resolve(import.meta.dirname, '../helpers/throttle-worker.ts'),
      execArgv: [],
      silent: true,
    });
    const grants: number[] = [];
    await Promise.all(
      [cluster.fork(), cluster.fork()].map(
        (worker) =>
          new Promise<void>((resolve, reject) => {
            worker.on('message', (m: { grants?: number[] }) => {
              if (!m.grants) return;
              grants.push(...m.grants);
              worker.kill();
              resolve();
            });
            worker.on('exit', (code) => (code ? reject(new Error(`worker exited ${code}`)) : undefined));
          }),
      ),
    );
    expect(grants).toHaveLength(120);
    // Two budgets of 50/s would start about 100 in the first second; one budget starts at most 50 in any
    // second (a request counts until its worker says it ended) and needs over two seconds for all 120.
    expect(busiestWindow(grants)).toBeLessThanOrEqual(50);
    expect(Math.max(...grants) - Math.min(...grants)).toBeGreaterThan(1600);
  }, 60_000);
});
