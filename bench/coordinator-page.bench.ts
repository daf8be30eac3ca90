import { fork } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { startBot } from '../src/app.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/log.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { seedCoordinatorWorld } from '../test/helpers/coordinator-world.ts';
import { LoopbackConnector } from '../test/helpers/loopback-connector.ts';

// The coordinator page at the size of a large school on the embedded store (a SQLite file): 10,000
// students in 400 classes, five campaigns with eight prompts per student over the school year (80,000
// deliveries in every state), about 2.4 reflections per student. Timed over loopback HTTP as the browser asks:
// the page shell, its scripts (cached by the browser after the first load), and the view the page draws
// (every figure: campaign status, response per group and kind per month, coverage per class, PDCA,
// not reached), for the coordinator (whole school) and a team leader (200 classes).
// Target: the page with its figures in < 1 s on loopback.
// Floor, measured in the same run after a warm-up: the same view (its very bytes, gzipped once) served
// as a constant by a bare node:http server and fetched by the same client. What the bot adds over it is
// finding the snapshot, checking the session and compressing; the ratio holds on a noisy machine.

const CLASSES = Number(process.env.BENCH_CLASSES ?? 400);
const SIZE = Number(process.env.BENCH_CLASS_SIZE ?? 25);
const RUNS = Number(process.env.BENCH_RUNS ?? 10);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-page-'));
const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
const connector = await LoopbackConnector.start();
const clock = new ManualClock(new Date('2027-03-15T10:00:00+01:00'));
const config = loadConfig({
  DEV_ALLOW_UNAUTHENTICATED: 'true',
  DEV_PAGE_LOGIN: 'true',
  PORT: '0',
  SERVICE_URL: connector.url,
  LOG_LEVEL: 'silent',
});
const bot = await startBot({ config, log: createLogger('silent'), store, clock, scheduler: false });

let t0 = performance.now();
const world = await seedCoordinatorWorld(bot.deps, { classes: CLASSES, classSize: SIZE, reflectionsPerStudent: 3 });
const seedMs = performance.now() - t0;

const ms = (from: number) => performance.now() - from;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

// The browser: a client in its own process (bench/lib/page-client.ts).
const client = fork(path.join(path.dirname(fileURLToPath(import.meta.url)), 'lib', 'page-client.ts'));
await new Promise((r) => client.once('message', r)); // ready
type Result = { ms: number; bytes: number; status: number };
const fetchAll = (requests: { url: string; headers?: Record<string, string> }[]) =>
  new Promise<Result[]>((resolve) => {
    client.once('message', (m) => resolve((m as { results: Result[] }).results));
    client.send({ cmd: 'load', requests: requests.map((r) => ({ ...r, url: `${bot.url}${r.url}` })) });
  });

/** What the browser asks for on a visit: the shell, then its scripts (unless cached) and the view at once. */
async function pageLoad(email: string, cached: boolean) {
  const [shell] = await fetchAll([{ url: '/coordinator?lang=nl' }]);
  const assets = cached ? [] : ['page.css', 'teams.js', 'chart.js', 'page.js'].map((a) => ({ url: `/coordinator/assets/${a}` }));
  const [view, ...rest] = await fetchAll([
    { url: '/coordinator/api/view?lang=nl', headers: { 'x-dev-login': email, 'accept-encoding': 'gzip' } },
    ...assets,
  ]);
  for (const r of [shell!, view!, ...rest]) if (r.status !== 200) throw new Error(`status ${r.status}`);
  const total = shell!.ms + Math.max(...[view!, ...rest].map((r) => r.ms));
  return { total, view: view!, assetBytes: rest.reduce((n, r) => n + r.bytes, 0) + shell!.bytes };
}

// First visit after a start: the scripts, and the figures computed from the store (no snapshot yet).
const first = await pageLoad(world.coordinator.email!, false);
// Then as coordinators and team leaders see it: the snapshot is fresh.
const coordinator: number[] = [];
const coordinatorView: number[] = [];
for (let i = 0; i < RUNS; i++) {
  const r = await pageLoad(world.coordinator.email!, true);
  coordinator.push(r.total);
  coordinatorView.push(r.view.ms);
}
// Older than COORDINATOR_PAGE_FRESH_SECONDS: shown at once, recomputed behind it.
clock.advance(config.COORDINATOR_PAGE_FRESH_SECONDS * 1000 + 1000);
const stale = await pageLoad(world.coordinator.email!, true);
const leaderFirst = await pageLoad(world.teamLeader.email!, true);
const leader: number[] = [];
for (let i = 0; i < RUNS; i++) leader.push((await pageLoad(world.teamLeader.email!, true)).total);
t0 = performance.now();
const exportRes = await fetch(`${bot.url}/coordinator/api/exports`, {
  method: 'POST',
  headers: { 'x-dev-login': world.coordinator.email! },
});
if (exportRes.status !== 200) throw new Error(`export ${exportRes.status}`);
const exportMs = ms(t0);
// The floor: the coordinator's view, as bytes, from a bare server.
const viewBytes = Buffer.from(
  await (
    await fetch(`${bot.url}/coordinator/api/view?lang=nl`, {
      headers: { 'x-dev-login': world.coordinator.email!, 'accept-encoding': 'gzip' },
    })
  ).arrayBuffer(),
);
const gzipped = gzipSync(viewBytes);
const bare = http.createServer((_req, res) => {
  res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-encoding': 'gzip' });
  res.end(gzipped);
});
await new Promise<void>((resolve) => bare.listen(0, '127.0.0.1', resolve));
const bareUrl = `http://127.0.0.1:${(bare.address() as AddressInfo).port}/view`;
const bareLoad = async () => {
  const [r] = await new Promise<Result[]>((resolve) => {
    client.once('message', (m) => resolve((m as { results: Result[] }).results));
    client.send({ cmd: 'load', requests: [{ url: bareUrl, headers: { 'accept-encoding': 'gzip' } }] });
  });
  if (r!.status !== 200 || r!.bytes !== viewBytes.length) throw new Error('the floor page came back wrong');
  return r!.ms;
};
for (let i = 0; i < 3; i++) await bareLoad();
const floor: number[] = [];
for (let i = 0; i < RUNS; i++) floor.push(await bareLoad());
bare.close();

const deliveries = await bot.modules.campaigns.camp.deliveries.count(world.student.schoolId, {});

const f = (x: number) => x.toFixed(0);
process.stdout.write(
  `${JSON.stringify(
    {
      school: { students: CLASSES * SIZE + 3, classes: CLASSES + 1, deliveries, seedSeconds: Math.round(seedMs / 1000) },
      firstVisitAfterStart: {
        totalMs: f(first.total),
        viewMs: f(first.view.ms),
        viewKB: Math.round(first.view.bytes / 1024),
        shellAndAssetsKB: Math.round(first.assetBytes / 1024),
      },
      coordinatorPage: {
        runs: RUNS,
        p50Ms: f(pct(coordinator, 50)),
        p95Ms: f(pct(coordinator, 95)),
        viewP50Ms: f(pct(coordinatorView, 50)),
        // The same bytes from a bare node:http server, same client, same run: the floor under viewP50Ms.
        floorConstantViewP50Ms: pct(floor, 50).toFixed(1),
        viewRatioToFloor: +(pct(coordinatorView, 50) / pct(floor, 50)).toFixed(1),
      },
      coordinatorPageStaleSnapshot: { totalMs: f(stale.total) },
      teamLeader: {
        classes: world.leaderTeam.groupIds.length,
        firstMs: f(leaderFirst.total),
        p50Ms: f(pct(leader, 50)),
        p95Ms: f(pct(leader, 95)),
      },
      exportCsvAndXlsxMs: f(exportMs),
      target: 'page with figures < 1000 ms on loopback (coordinatorPage, teamLeader p50)',
      rssMB: Math.round(process.memoryUsage().rss / 1048576),
    },
    null,
    2,
  )}\n`,
);

client.send({ cmd: 'stop' });
await bot.stop();
await store.close();
await connector.close();
fs.rmSync(dir, { recursive: true, force: true });
