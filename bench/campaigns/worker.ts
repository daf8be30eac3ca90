import { randomUUID } from 'node:crypto';
import { buildBot } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { openStore } from '../../src/platform/store/open-store.ts';

// One bot instance as it runs in production, minus the HTTP server: the campaign sender job on the
// store the bench seeded. It runs until nothing is left to send and reports its CPU time and peak RSS.
// BYPASS_LEASES=1 calls the sender without the job's and the school's leases, so that two instances send
// at the same time and only the per-delivery claims keep them apart (the hardest case for duplicates).

const env = process.env;
const log = createLogger('error');
const config = loadConfig(env);
const store = await openStore(config, log);
const { deps } = await buildBot({ config, log, store, instanceId: `bench-${randomUUID().slice(0, 8)}` });
const engine = deps.modules.campaigns;
const school = env['SCHOOL_ID']!;
const bypass = env['BYPASS_LEASES'] === '1';
process.send?.({ type: 'ready' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let sent = 0;
let retries = 0;
for (;;) {
  let result: { sent: number; retries: number } | undefined;
  if (bypass) result = await engine.sender.sendDue(school);
  else {
    const outcome = await deps.jobs.runNow('campaigns.send');
    result = outcome.status === 'ran' ? (outcome.result as typeof result) : undefined;
  }
  sent += result?.sent ?? 0;
  retries += result?.retries ?? 0;
  const open = await engine.camp.deliveries.count(school, { states: ['planned', 'sending'] });
  process.send?.({ type: 'progress', sent, open });
  if (open === 0) break;
  if (!result?.sent) await sleep(250);
}
const cpu = process.cpuUsage(cpu0);
process.send?.({
  type: 'done',
  sent,
  retries,
  cpuMs: (cpu.user + cpu.system) / 1000,
  wallMs: performance.now() - t0,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
});
await store.close();
process.exit(0);
