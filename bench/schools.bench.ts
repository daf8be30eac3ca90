import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CosmosStore } from '../src/platform/store/cosmos/cosmos-store.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { startCosmosEmulator } from '../test/helpers/cosmos-emulator.ts';
import { campaignFloor, type Floor, floorText } from './campaigns/floor.ts';
import { type ConnectorStats, child, exited, type Message, next, startConnector } from './campaigns/harness.ts';
import { seedSchool } from './campaigns/seed.ts';
import { type SchoolFigures, schoolFigures } from './schools/figures.ts';

// Many schools at once (issue 14, bench/README.md): N schools, each its own tenant with its own strict
// 50/s window at a connector of its own, each with a campaign to M students, sent by one deployment.
//   one  one bot instance on SQLite: the aggregate rate as a share of N × 50/s, each school's share of its
//        own 50/s while it was sending and its finish time, fairness between schools, the instance's CPU
//        per prompt and its CPU utilisation (a process at ~100% of a core is at its ceiling);
//   two  two bot instances at once on the Cosmos DB emulator, sharing the schools out by themselves (no
//        CAMPAIGN_SCHOOLS_AT_ONCE set; each takes its share, the sending leases keep them apart): the
//        same figures per instance.
//   sweep one instance at 1, 2, 5, 10, 20 schools (BENCH_SWEEP) of BENCH_SWEEP_STUDENTS_PER_SCHOOL (200):
//        the number of schools at which its share of the summed limits falls while its CPU nears a core.
//   beyond more schools than one instance works at once, BENCH_BEYOND_SCHOOLS (48) ×
//        BENCH_BEYOND_STUDENTS_PER_SCHOOL (300): one instance, then two instances on the same SQLite file
//        sharing the schools out (the first hands schools over as the second joins); what each carries, and
//        that no school goes over its limit (BENCH_BEYOND_TWO=0: the first part only).
// Settings: BENCH_SCHOOLS (20), BENCH_STUDENTS_PER_SCHOOL (1000), BENCH_COSMOS_SCHOOLS (20),
// BENCH_COSMOS_STUDENTS_PER_SCHOOL (100), BENCH_RPS (50), BENCH_LATENCY_MS (20), BENCH_INJECT_429 /
// BENCH_INJECT_5XX (0 each), BENCH_SCENARIOS (one,two; sweep and beyond on demand).

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const schools = Number(env['BENCH_SCHOOLS'] ?? 20);
const perSchool = Number(env['BENCH_STUDENTS_PER_SCHOOL'] ?? 1000);
const cosmosSchools = Number(env['BENCH_COSMOS_SCHOOLS'] ?? 20);
const cosmosPerSchool = Number(env['BENCH_COSMOS_STUDENTS_PER_SCHOOL'] ?? 100);
const rps = Number(env['BENCH_RPS'] ?? 50);
const scenarios = (env['BENCH_SCENARIOS'] ?? 'one,two').split(',');
const fmt = (n: number, digits = 1) => n.toFixed(digits);
const load = () =>
  os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');

const schoolIds = (n: number) => Array.from({ length: n }, (_, i) => `bench-school-${String(i + 1).padStart(2, '0')}`);

function connectorFor(n: number) {
  return startConnector({
    TENANTS: String(n),
    LIMIT_RPS: String(rps),
    LATENCY_MS: env['BENCH_LATENCY_MS'] ?? '20',
    LIMIT_WINDOW: 'sliding',
    INJECT_429: env['BENCH_INJECT_429'] ?? '0',
    INJECT_5XX: env['BENCH_INJECT_5XX'] ?? '0',
    RECORD_TIMES: '1',
  });
}

// Deliveries in flight at once per school: the sender's concurrency, and the burst and commit batch of the floor.
const concurrency = 16;

function workerEnv(ids: string[], urls: string[], extra: Record<string, string>): Record<string, string> {
  return {
    DEV_ALLOW_UNAUTHENTICATED: 'true',
    SERVICE_URL: urls[0]!,
    LOG_LEVEL: 'error',
    SCHOOL_IDS: ids.join(','),
    TEAMS_TENANT_RPS: String(rps),
    CAMPAIGN_SEND_CONCURRENCY: String(concurrency),
    ...extra,
  };
}

interface Instance {
  sent: number;
  cpuMs: number;
  wallMs: number;
  activeCpuMs: number;
  activeWallMs: number;
  activeRunQueueMs: number;
  maxRssMb: number;
}

/** Starts the instances together, waits for all to finish; samples the load average meanwhile. */
async function sendWith(workers: ReturnType<typeof child>[]) {
  await Promise.all(workers.map((w) => next(w, 'ready')));
  const loads: number[] = [];
  const sampler = setInterval(() => loads.push(os.loadavg()[0]!), 5000);
  const done = (await Promise.all(workers.map((w) => next(w, 'done')))) as (Message & Instance)[];
  clearInterval(sampler);
  await Promise.all(workers.map(exited));
  return { done, loads };
}

function report(name: string, stats: ConnectorStats, done: Instance[], students: number, floor: Floor, loads: number[]) {
  const f: SchoolFigures = schoolFigures(stats, rps, students);
  const floorMs = floor.floorMs;
  const lines = [
    `  delivered ${stats.unique}/${students * stats.tenants.length} in ${fmt(stats.spanMs / 1000)} s: ${fmt(f.aggregatePerSecond, 1)} prompts/s = ${fmt(100 * f.shareOfSummedLimits, 1)}% of ${stats.tenants.length} × ${rps}/s`,
    `  per school, share of its own ${rps}/s while sending: min ${fmt(100 * f.shareMin, 1)}%, mean ${fmt(100 * f.shareMean, 1)}%, max ${fmt(100 * f.shareMax, 1)}%; fairness (max − min)/mean of the rates ${fmt(100 * f.rateSpread, 1)}%`,
    `  per school, first prompt after ${fmt(f.firstMin / 1000, 2)}–${fmt(f.firstMax / 1000, 2)} s, finished after ${fmt(f.finishMin / 1000, 1)}–${fmt(f.finishMax / 1000, 1)} s; fairness (max − min)/mean of the finish times ${fmt(100 * f.finishSpread, 1)}%`,
    `  over the limit (429 from the windows) ${stats.limited}; lost ${f.lost}, duplicates ${stats.duplicates}; injected 429 ${stats.injected429}, 5xx ${stats.injected5xx}`,
    ...done.map(
      (d, i) =>
        `  instance ${i + 1}: sent ${d.sent}, CPU ${fmt(d.activeCpuMs / Math.max(1, d.sent), 3)} ms per prompt (${fmt(d.activeCpuMs / Math.max(1, d.sent) / floorMs, 1)}× the floor), CPU utilisation ${fmt((100 * d.activeCpuMs) / Math.max(1, d.activeWallMs), 0)}% of one core while sending (ready but waiting for a core ${fmt((100 * d.activeRunQueueMs) / Math.max(1, d.activeWallMs), 0)}% of the time), peak RSS ${fmt(d.maxRssMb, 0)} MB`,
    ),
    ...done.map((d, i) => {
      // What one core would carry at this CPU per prompt: the process's ceiling, in schools at the limit.
      const perCore = 1000 / (d.activeCpuMs / Math.max(1, d.sent));
      return `  instance ${i + 1} at 100% of one core would carry ${fmt(perCore, 0)} prompts/s = ${fmt(perCore / rps, 1)} schools at ${rps}/s`;
    }),
    `  ${floorText(floor)}; connector process CPU ${fmt(stats.cpuMs / 1000, 1)} s; load average during the run ${loads.length ? `${fmt(Math.min(...loads), 1)}–${fmt(Math.max(...loads), 1)}` : load()}`,
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return { scenario: name, figures: f, instances: done, floor, connector: stats, loadDuringRun: loads };
}

const results: Record<string, ReturnType<typeof report>> = {};

/** N schools × M students sent by one instance (or several) on one SQLite file. */
async function onSqlite(name: string, n: number, m: number, instances = 1) {
  process.stdout.write(
    `\n[${name}] ${instances === 1 ? 'one instance' : `${instances} instances`} on SQLite, ${n} schools × ${m} students, ${rps}/s per tenant\n`,
  );
  const connector = await connectorFor(n);
  const floor = await campaignFloor(connector.url, { rps, burst: concurrency });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-schools-'));
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const ids = schoolIds(n);
  const t0 = performance.now();
  for (const [i, id] of ids.entries()) await seedSchool(store, m, connector.urls[i]!, id);
  await store.close();
  process.stdout.write(`  seeded and planned ${n * m} prompts in ${fmt((performance.now() - t0) / 1000)} s\n`);
  // Several instances on one SQLite file share the schools out as on Cosmos DB (the sender roster).
  const workers = Array.from({ length: instances }, () => child('worker.ts', workerEnv(ids, connector.urls, { DATA_DIR: dir })));
  const { done, loads } = await sendWith(workers);
  const stats = await connector.stats();
  await connector.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  return report(name, stats, done, m, floor, loads);
}

/** One instance at a growing number of schools: where its share of the summed limits falls as its CPU use nears a core. */
async function sweep() {
  const counts = (env['BENCH_SWEEP'] ?? '1,2,5,10,20').split(',').map(Number);
  const m = Number(env['BENCH_SWEEP_STUDENTS_PER_SCHOOL'] ?? 200);
  const rows: string[] = [];
  for (const n of counts) {
    const r = await onSqlite(`sweep ${n}`, n, m);
    results[`sweep-${n}`] = r;
    const d = r.instances[0]!;
    rows.push(
      `  ${String(n).padStart(3)} schools: ${fmt(r.figures.aggregatePerSecond, 0).padStart(5)}/s = ${fmt(100 * r.figures.shareOfSummedLimits, 1).padStart(5)}% of ${n} × ${rps}/s; CPU ${fmt((100 * d.activeCpuMs) / d.activeWallMs, 0).padStart(3)}% of a core, waiting for a core ${fmt((100 * d.activeRunQueueMs) / d.activeWallMs, 0).padStart(3)}%; fairness ${fmt(100 * r.figures.rateSpread, 1)}%`,
    );
  }
  process.stdout.write(`\n[sweep] ${m} students per school\n${rows.join('\n')}\n`);
}

/**
 * More schools than one instance works at once (CAMPAIGN_SCHOOLS_AT_ONCE, 32), sent by one instance and then
 * by two on the same machine and SQLite file: what the second adds, and the schools handed over between them.
 */
async function beyond() {
  const n = Number(env['BENCH_BEYOND_SCHOOLS'] ?? 48);
  const m = Number(env['BENCH_BEYOND_STUDENTS_PER_SCHOOL'] ?? 300);
  const one = await onSqlite('beyond, one instance', n, m);
  results['beyond-one'] = one;
  if (env['BENCH_BEYOND_TWO'] === '0') return;
  const two = await onSqlite('beyond, two instances', n, m, 2);
  results['beyond-two'] = two;
  const share = (r: typeof one) => fmt(100 * r.figures.shareOfSummedLimits, 1);
  process.stdout.write(
    `\n[beyond] ${n} schools × ${m}: one instance ${fmt(one.figures.aggregatePerSecond, 0)}/s = ${share(one)}% of ${n} × ${rps}/s; two instances ${fmt(two.figures.aggregatePerSecond, 0)}/s = ${share(two)}% (${fmt(two.figures.aggregatePerSecond / one.figures.aggregatePerSecond, 2)}× one)\n`,
  );
}

async function two() {
  process.stdout.write(
    `\n[two] two instances at once on the Cosmos DB emulator, ${cosmosSchools} schools × ${cosmosPerSchool} students\n`,
  );
  const emulator = await startCosmosEmulator();
  const connector = await connectorFor(cosmosSchools);
  const floor = await campaignFloor(connector.url, { rps, burst: concurrency });
  const database = `bench${Date.now()}`;
  const store = await CosmosStore.open({ endpoint: emulator.endpoint, database, key: 'emulator-key', allowSelfSigned: true });
  const ids = schoolIds(cosmosSchools);
  const t0 = performance.now();
  for (const [i, id] of ids.entries()) await seedSchool(store, cosmosPerSchool, connector.urls[i]!, id);
  await store.close();
  process.stdout.write(
    `  seeded and planned ${cosmosSchools * cosmosPerSchool} prompts in ${fmt((performance.now() - t0) / 1000)} s\n`,
  );
  const cosmosEnv = {
    DATA_DIR: os.tmpdir(),
    COSMOS_ENDPOINT: emulator.endpoint,
    COSMOS_KEY: 'emulator-key',
    COSMOS_DATABASE: database,
    COSMOS_ALLOW_SELF_SIGNED: 'true',
    // Nothing set: the instances share the schools out by themselves (the sender roster), and the sending
    // lease per school keeps them apart.
  };
  const workers = [0, 1].map(() => child('worker.ts', workerEnv(ids, connector.urls, cosmosEnv)));
  const { done, loads } = await sendWith(workers);
  const stats = await connector.stats();
  await connector.stop();
  await emulator.close();
  results['two'] = report('two', stats, done, cosmosPerSchool, floor, loads);
}

process.stdout.write(
  `schools bench on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load ${load()}\n`,
);
if (scenarios.includes('one')) results['one'] = await onSqlite('one', schools, perSchool);
if (scenarios.includes('sweep')) await sweep();
if (scenarios.includes('beyond')) await beyond();
if (scenarios.includes('two')) await two();
const out = path.join(here, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'schools.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
const failed = Object.values(results)
  .filter((r) => r.figures.lost || r.connector.duplicates || r.connector.limited)
  .map((r) => `${r.scenario}: lost, duplicated or over the limit`);
if (failed.length) {
  process.stdout.write(`FAILED: ${failed.join('; ')}\n`);
  process.exit(1);
}
process.exit(0);
