import { WorkerThrottle } from '../../src/teams/shared-throttle.ts';

// A worker process for test/teams/shared-throttle.test.ts: sends 60 requests of one tenant through the
// primary's throttle, each to its own conversation, and reports when each one started.

const throttle = new WorkerThrottle();
const starts: number[] = [];
await Promise.all(
  Array.from({ length: 60 }, (_, i) =>
    throttle.run('tenant-1', `conversation-${process.pid}-${i}`, async () => {
      starts.push(Date.now());
      await new Promise((r) => setTimeout(r, 5));
    }),
  ),
);
process.send?.({ grants: starts });
