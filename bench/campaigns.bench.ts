import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { CosmosStore } from '../src/platform/store/cosmos/cosmos-store.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { startCosmosEmulator } from '../test/helpers/cosmos-emulator.ts';
import { campaignFloor, floorText } from './campaigns/floor.ts';
import { child, exited, next, startConnector } from './campaigns/harness.ts';
import { benchSchool, seedSchool } from './campaigns/seed.ts';

// Campaign delivery at scale (docs/campaigns.md, bench/README.md). Three scenarios, each against a
// loopback connector in its own process that enforces Teams' limits as strict sliding windows and
// injects 429s and 5xx:
//   steady  one instance sends a campaign to BENCH_STUDENTS students: rate as a share of the limit,
//           lost, duplicates, CPU ms per delivered prompt, peak RSS;
//   kill    the same, the instance SIGKILLed mid-send and a new one started: lost, duplicates against
//           the prompts in flight at the kill;
//   cosmos  two instances sending at the same time against the Cosmos DB emulator: duplicates.
// Settings: BENCH_STUDENTS (10000), BENCH_RPS (50, Teams' tenant limit), BENCH_COSMOS_STUDENTS (2000),
// BENCH_INJECT_429 / BENCH_INJECT_5XX (0.005 each), BENCH_LATENCY_MS (20), BENCH_SCENARIOS (steady,kill,cosmos),
// BENCH_WINDOW (sliding; 'bucket' for the lenient one-second bucket the bench used before).

const here = path.dirname(fileURLToPath(import.meta.url));
const env = process.env;
const students = Number(env['BENCH_STUDENTS'] ?? 10_000);
const rps = Number(env['BENCH_RPS'] ?? 50);
const cosmosStudents = Number(env['BENCH_COSMOS_STUDENTS'] ?? 2000);
const scenarios = (env['BENCH_SCENARIOS'] ?? 'steady,kill,cosmos').split(',');
const inject = { INJECT_429: env['BENCH_INJECT_429'] ?? '0.005', INJECT_5XX: env['BENCH_INJECT_5XX'] ?? '0.005' };

async function startCampaignConnector(extra: Record<string, string> = {}) {
  return startConnector({
    LIMIT_RPS: String(rps),
    LATENCY_MS: env['BENCH_LATENCY_MS'] ?? '20',
    LIMIT_WINDOW: env['BENCH_WINDOW'] ?? 'sliding',
    ...inject,
    ...extra,
  });
}

/**
 * How many prompts reached the connector together, on average: prompts accepted less than 2 ms apart
 * count as one burst. Each burst costs the bot a wake-up to send it and one to read its answers, which
 * on this machine costs more than the POSTs themselves (floor.ts), so this says how far the sender's
 * pacing is from the floor's bursts.
 */
function meanBurst(times: readonly number[]): number {
  if (times.length === 0) return 0;
  const sorted = [...times].sort((a, b) => a - b);
  let bursts = 1;
  for (let i = 1; i < sorted.length; i++) if (sorted[i]! - sorted[i - 1]! >= 2) bursts++;
  return sorted.length / bursts;
}

// Deliveries in flight at once: the sender's concurrency, and the burst and commit batch of the floor.
const concurrency = 16;

function workerEnv(dir: string, url: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DEV_ALLOW_UNAUTHENTICATED: 'true',
    DATA_DIR: dir,
    SERVICE_URL: url,
    LOG_LEVEL: 'error',
    SCHOOL_ID: benchSchool,
    TEAMS_TENANT_RPS: String(rps),
    CAMPAIGN_SEND_CONCURRENCY: String(concurrency),
    ...extra,
  };
}

const results: Record<string, unknown> = {};
const fmt = (n: number, digits = 1) => n.toFixed(digits);

async function seededSqlite(n: number, url: string) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-campaigns-'));
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const t0 = performance.now();
  const seed = await seedSchool(store, n, url);
  await store.close();
  process.stdout.write(
    `  seeded ${n} students in ${fmt((performance.now() - t0) / 1000)} s; planned ${seed.planned} prompts in ${fmt(seed.planMs / 1000, 2)} s (${fmt(seed.planCpuMs / seed.planned, 3)} CPU ms each)\n`,
  );
  return { dir, seed };
}

async function ledger(dir: string) {
  const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const { openCampaignRepositories } = await import('../src/modules/campaigns/repositories.ts');
  const camp = await openCampaignRepositories(store);
  const count = (states: Parameters<typeof camp.deliveries.count>[1]['states']) => camp.deliveries.count(benchSchool, { states });
  const out = { sent: await count(['sent']), sending: await count(['sending']), planned: await count(['planned']), other: 0 };
  out.other = (await camp.deliveries.count(benchSchool, {})) - out.sent - out.sending - out.planned;
  await store.close();
  return out;
}

async function steady() {
  process.stdout.write(`\n[steady] one instance, ${students} students, limit ${rps} req/s\n`);
  const connector = await startCampaignConnector({ RECORD_TIMES: '1' });
  const floor = await campaignFloor(connector.url, { rps, burst: concurrency });
  process.stdout.write(`  ${floorText(floor)}\n`);
  const { dir } = await seededSqlite(students, connector.url);
  const worker = child('worker.ts', workerEnv(dir, connector.url));
  await next(worker, 'ready');
  const done = await next(worker, 'done');
  await exited(worker);
  const stats = await connector.stats();
  const book = await ledger(dir);
  await connector.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  const rate = (stats.unique - 1) / (stats.spanMs / 1000);
  const cpuMsPerPrompt = (done['cpuMs'] as number) / (done['sent'] as number);
  const promptsPerBurst = meanBurst(stats.tenants.flatMap((t) => t.times));
  const r = {
    students,
    limitRps: rps,
    deliveredPerSecond: rate,
    shareOfLimit: rate / rps,
    requestsPerSecond: (stats.requests - 1) / (stats.spanMs / 1000),
    lost: students - stats.unique,
    duplicates: stats.duplicates,
    cpuMsPerPrompt,
    floor,
    // Read against this run's floor: the machine's speed varies between runs, the ratio much less.
    cpuRatioToFloor: cpuMsPerPrompt / floor.floorMs,
    cpuRatioToBarePost: cpuMsPerPrompt / floor.barePostMs,
    promptsPerBurst,
    peakRssMb: done['maxRssMb'],
    wallSeconds: (done['wallMs'] as number) / 1000,
    connector: { ...stats, tenants: stats.tenants.map(({ times: _times, ...t }) => t) },
    ledger: book,
  };
  results['steady'] = r;
  process.stdout.write(
    `  delivered ${stats.unique}/${students} in ${fmt(stats.spanMs / 1000)} s: ${fmt(rate, 2)} prompts/s = ${fmt(100 * r.shareOfLimit, 1)}% of the limit (requests ${fmt(r.requestsPerSecond, 2)}/s)\n` +
      `  lost ${r.lost}, duplicates ${r.duplicates}; CPU ${fmt(r.cpuMsPerPrompt, 3)} ms per delivered prompt = ${fmt(r.cpuRatioToFloor, 2)}× the floor (${fmt(r.cpuRatioToBarePost, 1)}× a bare POST); peak RSS ${fmt(done['maxRssMb'] as number, 0)} MB\n` +
      `  connector: ${stats.limited} over the limit (429), ${stats.injected429} injected 429, ${stats.injected5xx} injected 5xx; ledger ${JSON.stringify(book)}\n` +
      `  prompts arrived in bursts of ${fmt(promptsPerBurst, 2)} on average (the floor's paced POST: bursts of ${concurrency})\n`,
  );
}

async function kill() {
  process.stdout.write(`\n[kill] SIGKILL mid-send and restart, ${students} students\n`);
  const connector = await startCampaignConnector();
  const { dir } = await seededSqlite(students, connector.url);
  // A short lease, so the restarted instance takes over within seconds; the claims follow it.
  const leaseSeconds = 5;
  const settings = { LEASE_SECONDS: String(leaseSeconds) };
  const first = child('worker.ts', workerEnv(dir, connector.url, settings));
  await next(first, 'ready');
  let atKill = 0;
  for (;;) {
    await new Promise((r) => setTimeout(r, 200));
    atKill = (await connector.stats()).unique;
    if (atKill >= students * 0.4) break;
  }
  first.kill('SIGKILL');
  await exited(first);
  const book = await ledger(dir);
  const inFlight = book.sending;
  process.stdout.write(`  killed after ${atKill} delivered; ${inFlight} prompts were claimed (in flight) at the kill\n`);
  const second = child('worker.ts', workerEnv(dir, connector.url, settings));
  await next(second, 'ready');
  await next(second, 'done');
  await exited(second);
  const stats = await connector.stats();
  const after = await ledger(dir);
  await connector.stop();
  fs.rmSync(dir, { recursive: true, force: true });
  // Issue 14: done within 15 s of the kill-free time plus the lease. The kill-free time is the steady
  // run's, when it ran in this bench, else the campaign at the full limit (stricter).
  const steady = results['steady'] as { wallSeconds?: number; connector?: { spanMs: number } } | undefined;
  const killFreeSeconds = steady?.connector ? steady.connector.spanMs / 1000 : students / rps;
  const allowedSeconds = killFreeSeconds + leaseSeconds + 15;
  const r = {
    students,
    inFlightAtKill: inFlight,
    lost: students - stats.unique,
    duplicates: stats.duplicates,
    seconds: stats.spanMs / 1000,
    killFreeSeconds,
    allowedSeconds,
    ledger: after,
  };
  results['kill'] = r;
  process.stdout.write(
    `  lost ${r.lost}, duplicates ${r.duplicates} (at most ${inFlight} allowed); ledger ${JSON.stringify(after)}\n` +
      `  first to last prompt ${fmt(r.seconds)} s with the kill, against ${fmt(killFreeSeconds)} s without (${steady?.connector ? 'the steady run' : 'at the full limit'}) + ${leaseSeconds} s lease + 15 s = ${fmt(allowedSeconds)} s allowed\n`,
  );
}

async function cosmos() {
  process.stdout.write(`\n[cosmos] two instances at once on the Cosmos DB emulator, ${cosmosStudents} students\n`);
  const emulator = await startCosmosEmulator();
  const connector = await startCampaignConnector();
  const database = `bench${Date.now()}`;
  const store = await CosmosStore.open({ endpoint: emulator.endpoint, database, key: 'emulator-key', allowSelfSigned: true });
  const t0 = performance.now();
  const seed = await seedSchool(store, cosmosStudents, connector.url);
  await store.close();
  process.stdout.write(`  seeded and planned ${seed.planned} prompts in ${fmt((performance.now() - t0) / 1000)} s\n`);
  const cosmosEnv = {
    COSMOS_ENDPOINT: emulator.endpoint,
    COSMOS_KEY: 'emulator-key',
    COSMOS_DATABASE: database,
    COSMOS_ALLOW_SELF_SIGNED: 'true',
    // Both send at once (no leases), each with half of the tenant's budget; only the claims keep them apart.
    BYPASS_LEASES: '1',
    TEAMS_TENANT_RPS: String(rps / 2),
  };
  const workers = [0, 1].map(() => child('worker.ts', workerEnv(os.tmpdir(), connector.url, cosmosEnv)));
  await Promise.all(workers.map((w) => next(w, 'ready')));
  const done = await Promise.all(workers.map((w) => next(w, 'done')));
  const stats = await connector.stats();
  await connector.stop();
  await emulator.close();
  const r = {
    students: cosmosStudents,
    sentByInstance: done.map((d) => d['sent']),
    lost: cosmosStudents - stats.unique,
    duplicates: stats.duplicates,
    seconds: stats.spanMs / 1000,
  };
  results['cosmos'] = r;
  process.stdout.write(
    `  sent by instance: ${r.sentByInstance.join(' + ')}; lost ${r.lost}, duplicates ${r.duplicates}; ${fmt(r.seconds)} s (${stats.limited} over the limit, ${stats.injected429} injected 429, ${stats.injected5xx} injected 5xx)\n`,
  );
}

process.stdout.write(
  `campaigns bench on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
if (scenarios.includes('steady')) await steady();
if (scenarios.includes('kill')) await kill();
if (scenarios.includes('cosmos')) await cosmos();
const out = path.join(here, 'results');
fs.mkdirSync(out, { recursive: true });
fs.writeFileSync(path.join(out, 'campaigns.json'), JSON.stringify({ at: new Date().toISOString(), results }, null, 2));
const failed: string[] = [];
const s = results['steady'] as { shareOfLimit: number; lost: number; duplicates: number; cpuMsPerPrompt: number } | undefined;
if (s && (s.lost || s.duplicates)) failed.push('steady: lost or duplicated prompts');
const k = results['kill'] as
  | { lost: number; duplicates: number; inFlightAtKill: number; seconds: number; allowedSeconds: number }
  | undefined;
if (k && (k.lost || k.duplicates > k.inFlightAtKill)) failed.push('kill: lost prompts or more duplicates than were in flight');
if (k && k.seconds > k.allowedSeconds) failed.push('kill: not done within 15 s of the kill-free time plus the lease');
const c = results['cosmos'] as { lost: number; duplicates: number } | undefined;
if (c && (c.lost || c.duplicates)) failed.push('cosmos: lost or duplicated prompts');
if (failed.length) {
  process.stdout.write(`FAILED: ${failed.join('; ')}\n`);
  process.exit(1);
}
process.exit(0);
