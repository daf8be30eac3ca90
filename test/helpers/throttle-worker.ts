import { WorkerThrottle } from '../../src/teams/shared-throttle.ts';

// A worker process for test/teams/shared-throttle.test.ts: takes 60 send slots of one tenant through the
// primary's throttle, each for its own conversation, and reports when each was granted.

const throttle = new WorkerThrottle();
const grants: number[] = [];
await Promise.all(
  Array.from({ length: 60 }, async (_, i) => {
    await throttle.take('tenant-1', `conversation-${process.pid}-${i}`);
    grants.push(Date.now());
  }),
);
process.send?.({ grants });
