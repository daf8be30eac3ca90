import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import { buildBot } from '../../src/app.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { openStore } from '../../src/platform/store/open-store.ts';

// One bot instance as it runs in production, minus the HTTP server: the campaign sender job on the
// store the bench seeded. It runs until nothing is left to send and reports its CPU time and peak RSS.
// BYPASS_LEASES=1 calls the sender without the job's and the school's leases, so that two instances send
// at the same time and only the per-delivery claims keep them apart (the hardest case for duplicates).
// SCHOOL_IDS (comma-separated) instead of SCHOOL_ID: the run ends when none of them has anything left.

const env = process.env;
const log = createLogger('error');
const config = loadConfig(env);
const store = await openStore(config, log);
const { deps } = await buildBot({ config, log, store, instanceId: `bench-${randomUUID().slice(0, 8)}` });
const engine = deps.modules.campaigns;
const schools = (env['SCHOOL_IDS'] ?? env['SCHOOL_ID']!).split(',');
const school = schools[0]!;
const bypass = env['BYPASS_LEASES'] === '1';
process.send?.({ type: 'ready' });

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
/**
 * How long the main thread ran and how long it was ready but waited for a core (Linux): on a shared
 * machine the second says how much of the wall time the process could not get, whatever it needed.
 */
function schedstat(): { runMs: number; waitMs: number } {
  try {
    const [run = 0, wait = 0] = fs.readFileSync('/proc/self/schedstat', 'utf8').trim().split(' ').map(Number);
    return { runMs: run / 1e6, waitMs: wait / 1e6 };
  } catch {
    return { runMs: 0, waitMs: 0 };
  }
}
const sched0 = schedstat();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
let sent = 0;
let retries = 0;
// Up to the end of the last run that sent something: an instance done with its schools waits for the others'.
let active = { cpuMs: 0, wallMs: 0, runQueueMs: 0 };
for (;;) {
  let result: { sent: number; retries: number } | undefined;
  if (bypass) result = await engine.sender.sendDue(school);
  else {
    const outcome = await deps.jobs.runNow('campaigns.send');
    result = outcome.status === 'ran' ? (outcome.result as typeof result) : undefined;
  }
  sent += result?.sent ?? 0;
  if (result?.sent) {
    const c = process.cpuUsage(cpu0);
    active = {
      cpuMs: (c.user + c.system) / 1000,
      wallMs: performance.now() - t0,
      runQueueMs: schedstat().waitMs - sched0.waitMs,
    };
  }
  retries += result?.retries ?? 0;
  let open = 0;
  for (const id of schools) open += await engine.camp.deliveries.count(id, { states: ['planned', 'sending'] });
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
  activeCpuMs: active.cpuMs,
  activeWallMs: active.wallMs,
  activeRunQueueMs: active.runQueueMs,
  maxRssMb: process.resourceUsage().maxRSS / 1024,
});
await store.close();
process.exit(0);
