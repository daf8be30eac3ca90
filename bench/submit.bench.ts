import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { startBot } from '../src/app.ts';
import { assignMentor } from '../src/core/assignments.ts';
import { capturePersonalInstall } from '../src/core/install.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/log.ts';
import type { DocumentStore } from '../src/platform/store/document-store.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { activity, tenantId, testUser } from '../test/helpers/activities.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../test/helpers/cosmos-emulator.ts';
import { CountingStore } from '../test/helpers/counting-store.ts';
import { startBotProcesses } from './lib/bot-processes.ts';
import { CpuProfiles } from './lib/cpu-profile.ts';
import { startSubmitClients } from './lib/submit-clients.ts';

// Answer submission → stored and routed, at 100 concurrent submits, on the embedded store (a file, as in
// production without Cosmos DB). Each sample is one Action.Execute POST to /api/messages, timed until the
// bot's HTTP response: by then the answer is validated, stored and routed, i.e. the mentor's item exists
// (these answers ask for no talk and carry no signal, so, as for most answers, the item waits for the
// mentor's digest). Target: p99 < 50 ms. The clients and the connector run in a child process
// (bench/lib/submit-client.ts), so the figures are the bot's own. The store is counted: reads and writes
// per submit. BENCH_STORE=cosmos runs it on the in-process Cosmos DB emulator instead (its timings are the
// emulator's, not Cosmos DB's; the counts hold).
// BENCH_WORKERS=1,2 then also starts the bot as it runs in production (`node src/main.ts`, WORKERS=n, on
// the same store file) for each worker count and prints p50/p99 and CPU per submit summed over the
// primary and its workers, with the same run's floor (bench/lib/bot-processes.ts); the store is counted
// only for the in-process bot.

const CONCURRENCY = Number(process.env.CONCURRENCY ?? 100);
const ROUNDS = Number(process.env.ROUNDS ?? 10);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-submit-'));
const emulator = process.env.BENCH_STORE === 'cosmos' ? await startCosmosEmulator() : undefined;
const backend: DocumentStore = emulator
  ? await openEmulatedCosmosStore(emulator.endpoint)
  : SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
const store = new CountingStore(backend);
const { client, ask } = await startSubmitClients();
const connector = await ask<{ url: string }>({ cmd: 'connector' });
// Each simulated student submits twenty-odd times within seconds: to the per-user flood limit that is a
// flood, and the limiter is not what is measured here.
const config = loadConfig({
  DEV_ALLOW_UNAUTHENTICATED: 'true',
  PORT: '0',
  SERVICE_URL: connector.url,
  LOG_LEVEL: 'silent',
  RATE_LIMIT_PER_MINUTE: '100000',
  RATE_LIMIT_BURST: '100000',
});
const bot = await startBot({ config, log: createLogger('silent'), store, scheduler: false });
const deps = bot.deps;

// 100 students with 20 mentors, all reachable.
const students = Array.from({ length: CONCURRENCY }, (_, i) => testUser(`Student ${i}`, `s${i}@bench.nl`));
const mentors = Array.from({ length: 20 }, (_, i) => testUser(`Mentor ${i}`, `m${i}@bench.nl`));
for (const u of [...students, ...mentors]) {
  await capturePersonalInstall(
    deps.install,
    { tenantId, teamsUserId: u.userId, entraObjectId: u.aadObjectId, email: u.email, name: u.name, teamsLocale: 'nl-NL' },
    { conversationId: u.conversationId, serviceUrl: connector.url, botId: '28:bench' },
  );
}
for (const [i, s] of students.entries()) {
  await assignMentor(deps.install, tenantId, { studentEmail: s.email, mentorEmail: mentors[i % mentors.length]!.email });
}
const people = await Promise.all(students.map((s) => deps.repos.people.findByEmail(tenantId, s.email)));

/** The store work of the submits of the measured rounds. */
let storeWork = {
  reads: 0,
  writes: 0,
  transactions: 0,
  commits: 0,
  byCollection: {} as Record<string, { reads: number; writes: number }>,
};

/** On the emulator: the document requests it served for those submits. */
const requestsServed = { reads: 0, queries: 0, queryPlans: 0, writes: 0 };

/**
 * This process's CPU (µs) while the bot served the POSTs of a round (and finished their work in the
 * background), without the bench's own work between them: opening 100 reflections and building the
 * request bodies cost about a sixth of a submit and are not part of it.
 */
const servedCpu = { submits: 0, floor: 0, sdkFloor: 0 };
/** The same over whole rounds, the bench's own work included (as this bench measured before), and their wall time. */
const wholeRounds = { submitsCpu: 0, floorCpu: 0, submitsWall: 0 };
const cpuUs = () => {
  const c = process.cpuUsage();
  return c.user + c.system;
};
/**
 * The main thread's share of it, beside: V8 collects garbage partly on background threads, which may
 * still be at one round's garbage while the next round runs (the SDK floor's rounds make the most).
 */
const mainThread = { submits: 0, floor: 0, sdkFloor: 0 };
const mainUs = () => {
  const c = process.threadCpuUsage();
  return c.user + c.system;
};

async function round(url = `${bot.url}/api/messages`): Promise<number[]> {
  const whole0 = { cpu: cpuUs(), wall: performance.now() };
  const opened = await Promise.all(people.map((p) => deps.reflections.start(p!, 'free')));
  const bodies = students.map((s, i) =>
    JSON.stringify(
      activity('card-action-execute', s, connector.url, {
        verb: 'reflection.submit',
        replyToId: 'act-1',
        data: {
          reflectionId: opened[i]!.reflection.id,
          feeling: 'good',
          happened: 'Ik heb vandaag voor het eerst zelf een klant geholpen bij de balie.',
          'good-at': 'Ik bleef rustig en vroeg wat de klant nodig had.',
          'next-step': 'Morgen vragen of ik de telefoon mag aannemen.',
        },
      }),
    ),
  );
  // Counted from here: the POSTs only (opening the reflections above is not part of a submit), and only
  // against the in-process bot (the worker processes below have their own store handles).
  const counted = url === `${bot.url}/api/messages`;
  const mark = store.mark();
  const served = emulator ? { ...emulator.requests } : undefined;
  const c0 = cpuUs();
  const m0 = mainUs();
  const { samples } = await ask<{ samples: number[] }>({ cmd: 'round', bodies, url });
  if (counted) {
    await bot.router.idle();
    servedCpu.submits += cpuUs() - c0;
    mainThread.submits += mainUs() - m0;
    wholeRounds.submitsCpu += cpuUs() - whole0.cpu;
    wholeRounds.submitsWall += performance.now() - whole0.wall;
    const work = store.since(mark);
    if (emulator && served) {
      for (const k of ['reads', 'queries', 'queryPlans', 'writes'] as const)
        requestsServed[k] += emulator.requests[k] - served[k];
    }
    for (const k of ['reads', 'writes', 'transactions', 'commits'] as const) storeWork[k] += work[k];
    for (const [name, n] of Object.entries(work.byCollection)) {
      const seen = storeWork.byCollection[name] ?? { reads: 0, writes: 0 };
      storeWork.byCollection[name] = { reads: seen.reads + n.reads, writes: seen.writes + n.writes };
    }
  }
  if (samples.some((s) => s < 0)) {
    client.kill();
    throw new Error('a submit failed');
  }
  return samples;
}

// The floors to read the figures against, with the same 100 concurrent POSTs:
// - the bot's own: the same server and dispatch, with a button the bot does not know (it answers with a
//   card at once: no store, no routing);
// - issue 14's: the same adapter handing the activity to the Teams SDK's App.process with a constant card
//   (bench/lib/sdk-floor.ts).
// Their rounds alternate with the submits' rounds, so a machine whose speed drifts colours all three alike.
// Bodies are built per round: a repeated activity id is a replay, which the bot drops unanswered.
const floorBodies = () =>
  students.map((s) =>
    JSON.stringify(activity('card-action-execute', s, connector.url, { verb: 'bench.unknown', replyToId: 'act-1', data: {} })),
  );
// The SDK floor runs in a process of its own (bench/lib/sdk-floor-server.ts): in this one, its code and
// garbage changed how the submits' CPU of two builds compared (bench/README.md "submit").
const sdkProcess = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'sdk-floor-server.ts'));
type SdkReply = { url?: string; us?: number; mainUs?: number };
const sdkReplies: ((m: SdkReply) => void)[] = [];
sdkProcess.on('message', (m) => sdkReplies.shift()?.(m as SdkReply));
const sdkAsk = (msg?: Record<string, unknown>) =>
  new Promise<SdkReply>((resolve) => {
    sdkReplies.push(resolve);
    if (msg) sdkProcess.send(msg);
  });
const sdkFloor = { url: (await sdkAsk()).url! };
async function sdkFloorRound(count: boolean): Promise<number[]> {
  const bodies = floorBodies();
  const before = await sdkAsk({ cmd: 'cpu' });
  const { samples } = await ask<{ samples: number[] }>({
    cmd: 'round',
    bodies,
    url: sdkFloor.url,
    expect: 'application/vnd.microsoft.card.adaptive',
  });
  if (samples.some((ms) => ms < 0)) throw new Error('a request of the SDK floor failed');
  if (count) {
    const after = await sdkAsk({ cmd: 'cpu' });
    servedCpu.sdkFloor += after.us! - before.us!;
    mainThread.sdkFloor += after.mainUs! - before.mainUs!;
  }
  return samples;
}
async function floorRound(url: string, count?: 'floor'): Promise<number[]> {
  const whole0 = cpuUs();
  const bodies = floorBodies();
  const c0 = cpuUs();
  const m0 = mainUs();
  const { samples } = await ask<{ samples: number[] }>({
    cmd: 'round',
    bodies,
    url,
    expect: 'application/vnd.microsoft.card.adaptive',
  });
  if (samples.some((ms) => ms < 0)) throw new Error(`a request of the ${count ?? 'floor'} failed`);
  if (count) {
    servedCpu.floor += cpuUs() - c0;
    mainThread.floor += mainUs() - m0;
  }
  if (count === 'floor') wholeRounds.floorCpu += cpuUs() - whole0;
  return samples;
}

// Warm-up: JIT, statement cache, keep-alive sockets, the SDK's lazily built parts.
await round();
for (let i = 0; i < 3; i++) {
  await floorRound(`${bot.url}/api/messages`);
  await sdkFloorRound(false);
}
for (const k of ['reads', 'queries', 'queryPlans', 'writes'] as const) requestsServed[k] = 0;
storeWork = { reads: 0, writes: 0, transactions: 0, commits: 0, byCollection: {} };
servedCpu.submits = 0;
mainThread.submits = 0;
wholeRounds.submitsCpu = 0;
wholeRounds.submitsWall = 0;
const profiles = new CpuProfiles(process.env['BENCH_PROFILE']);
const samples: number[] = [];
const floor: number[] = [];
const sdk: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  samples.push(...(await profiles.record('submit', () => round())));
  floor.push(...(await profiles.record('floor', () => floorRound(`${bot.url}/api/messages`, 'floor'))));
  sdk.push(...(await sdkFloorRound(true)));
}
sdkProcess.send({ cmd: 'stop' });
for (const part of ['submit', 'floor']) profiles.report(part, ROUNDS * CONCURRENCY);

const sorted = [...samples].sort((a, b) => a - b);
const pct = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
const floorSorted = [...floor].sort((a, b) => a - b);
const floorPct = (p: number) => floorSorted[Math.min(floorSorted.length - 1, Math.ceil((p / 100) * floorSorted.length) - 1)]!;
await bot.router.sweep(); // anything still on its way to a mentor
const mentorIds = new Set(
  (await Promise.all(mentors.map((m) => deps.repos.people.findByEmail(tenantId, m.email)))).map((m) => m!.id),
);
const routed = (await Promise.all([...mentorIds].map((id) => deps.repos.mentorItems.listByMentor(id)))).flat().length;
const submitted = (await Promise.all(people.map((p) => deps.repos.reflections.listByStudent(p!.id))))
  .flat()
  .filter((r) => r.status === 'submitted');

const result = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  concurrency: CONCURRENCY,
  samples: samples.length,
  p50_ms: +pct(50).toFixed(1),
  p95_ms: +pct(95).toFixed(1),
  p99_ms: +pct(99).toFixed(1),
  max_ms: +sorted.at(-1)!.toFixed(1),
  submits_per_s: Math.round((samples.length / wholeRounds.submitsWall) * 1000),
  // While the bot served the POSTs (servedCpu); the whole rounds, with the bench's own work, beside it.
  cpu_ms_per_submit: +(servedCpu.submits / 1000 / samples.length).toFixed(3),
  cpu_ms_per_submit_whole_rounds: +(wholeRounds.submitsCpu / 1000 / samples.length).toFixed(2),
  // Counted on the store underneath (test/helpers/counting-store.ts); write_calls: a writeAll is one.
  store_per_submit: {
    backend: backend.kind,
    reads: +(storeWork.reads / samples.length).toFixed(2),
    writes: +(storeWork.writes / samples.length).toFixed(2),
    write_calls: +(storeWork.transactions / samples.length).toFixed(2),
    commits: +(storeWork.commits / samples.length).toFixed(2),
    by_collection: Object.fromEntries(
      Object.entries(storeWork.byCollection).map(([name, n]) => [
        name,
        { reads: +(n.reads / samples.length).toFixed(2), writes: +(n.writes / samples.length).toFixed(2) },
      ]),
    ),
  },
  // The requests Cosmos DB would serve (point reads, queries, the SDK's query-plan requests, writes).
  ...(emulator
    ? {
        cosmos_requests_per_submit: Object.fromEntries(
          Object.entries(requestsServed).map(([k, n]) => [k, +(n / samples.length).toFixed(2)]),
        ),
      }
    : {}),
  stored: submitted.length,
  routed_to_mentors: routed,
  floor_unknown_button: {
    p50_ms: +floorPct(50).toFixed(1),
    p99_ms: +floorPct(99).toFixed(1),
    cpu_ms_per_request: +(servedCpu.floor / 1000 / floor.length).toFixed(3),
    cpu_ms_per_request_whole_rounds: +(wholeRounds.floorCpu / 1000 / floor.length).toFixed(2),
  },
  floor_sdk_constant_card: {
    cpu_ms_per_request: +(servedCpu.sdkFloor / 1000 / sdk.length).toFixed(3),
  },
  // Read against this run's floors (a constant answer through the bot's own dispatch, and through the
  // Teams SDK as issue 14 words its target): the ratios hold on a noisy machine.
  cpu_ratio_to_floor: +(servedCpu.submits / samples.length / (servedCpu.floor / floor.length)).toFixed(2),
  cpu_ratio_to_sdk_floor: +(servedCpu.submits / samples.length / (servedCpu.sdkFloor / sdk.length)).toFixed(2),
  main_thread_ms: {
    per_submit: +(mainThread.submits / 1000 / samples.length).toFixed(3),
    per_floor_request: +(mainThread.floor / 1000 / floor.length).toFixed(3),
    per_sdk_floor_request: +(mainThread.sdkFloor / 1000 / sdk.length).toFixed(3),
    ratio_to_floor: +(mainThread.submits / samples.length / (mainThread.floor / floor.length)).toFixed(2),
    ratio_to_sdk_floor: +(mainThread.submits / samples.length / (mainThread.sdkFloor / sdk.length)).toFixed(2),
  },
  cpu_ratio_to_floor_whole_rounds: +(wholeRounds.submitsCpu / samples.length / (wholeRounds.floorCpu / floor.length)).toFixed(2),
  target: 'p99 < 50 ms',
  met: pct(99) < 50,
};
console.log(JSON.stringify(result, null, 2));
if (submitted.length !== (ROUNDS + 1) * CONCURRENCY || routed !== (ROUNDS + 1) * CONCURRENCY) {
  console.error('not every answer was stored and routed');
  process.exitCode = 1;
}
await bot.stop();

// The same submits against the bot in worker processes, per worker count (CPU of every process summed).
const workerCounts = (process.env['BENCH_WORKERS'] ?? '')
  .split(',')
  .filter(Boolean)
  .map((n) => Number(n));
for (const workers of workerCounts) {
  const procs = await startBotProcesses({
    workers,
    env: {
      DEV_ALLOW_UNAUTHENTICATED: 'true',
      DATA_DIR: dir,
      SERVICE_URL: connector.url,
      LOG_LEVEL: 'silent',
      RATE_LIMIT_PER_MINUTE: '100000',
      RATE_LIMIT_BURST: '100000',
    },
  });
  const url = `${procs.url}/api/messages`;
  for (let i = 0; i < 2; i++) await round(url); // warm-up: every worker's JIT, statement cache, sockets
  const cpuBefore = procs.cpuMs();
  const primaryBefore = procs.primaryCpuMs();
  const t0 = performance.now();
  const got: number[] = [];
  for (let r = 0; r < ROUNDS; r++) got.push(...(await round(url)));
  const elapsed = performance.now() - t0;
  const used = procs.cpuMs() - cpuBefore;
  const primaryUsed = procs.primaryCpuMs() - primaryBefore;
  const floorBefore = procs.cpuMs();
  const floorGot: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const f = await ask<{ samples: number[] }>({
      cmd: 'round',
      bodies: floorBodies(),
      url,
      expect: 'application/vnd.microsoft.card.adaptive',
    });
    if (f.samples.some((ms) => ms < 0)) throw new Error('a request of the floor failed');
    floorGot.push(...f.samples);
  }
  const floorUsed = procs.cpuMs() - floorBefore;
  const processes = procs.pids().length;
  await procs.stop();
  const by = [...got].sort((a, b) => a - b);
  const at = (p: number) => by[Math.min(by.length - 1, Math.ceil((p / 100) * by.length) - 1)]!;
  console.log(
    JSON.stringify({
      workers,
      processes,
      samples: got.length,
      p50_ms: +at(50).toFixed(1),
      p99_ms: +at(99).toFixed(1),
      submits_per_s: Math.round((got.length / elapsed) * 1000),
      // From /proc at 10 ms resolution, over every process: the primary and its workers.
      cpu_ms_per_submit: +(used / got.length).toFixed(2),
      // With workers, the primary's part: it hands out connections and keeps the send windows (IPC).
      primary_cpu_ms_per_submit: +(primaryUsed / got.length).toFixed(2),
      floor_cpu_ms_per_request: +(floorUsed / floorGot.length).toFixed(2),
      cpu_ratio_to_floor: +(used / got.length / (floorUsed / floorGot.length)).toFixed(2),
      target: 'p99 < 50 ms',
      met: at(99) < 50,
    }),
  );
}
if (workerCounts.length) {
  const all = (await Promise.all(people.map((p) => deps.repos.reflections.listByStudent(p!.id)))).flat();
  const expected = (ROUNDS + 1 + workerCounts.length * (ROUNDS + 2)) * CONCURRENCY;
  if (all.filter((r) => r.status === 'submitted').length !== expected) {
    console.error('not every answer sent to the worker processes was stored');
    process.exitCode = 1;
  }
}
await store.close();
await emulator?.close();
client.send({ cmd: 'stop' });
fs.rmSync(dir, { recursive: true, force: true });
