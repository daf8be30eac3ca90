import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type Delivery, ids, spreadDue } from '../../src/modules/campaigns/campaigns.ts';
import { openCampaignRepositories } from '../../src/modules/campaigns/repositories.ts';
import { type Stored, withPk } from '../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { keepAliveTransport } from '../../src/teams/connector.ts';

// The floor under "CPU per delivered prompt" (issue 14): what a prompt cannot cost less than on this
// machine at this moment, measured in the same run as the figure it is read against. A prompt is one
// paced keep-alive POST of a prompt-sized body plus its share of one batched SQLite commit of its ledger
// update. The bare (unpaced) POST is printed beside it, as the benches did before.

const cpuMs = (since: NodeJS.CpuUsage) => {
  const c = process.cpuUsage(since);
  return (c.user + c.system) / 1000;
};

function poster(url: string) {
  const transport = keepAliveTransport({ timeoutMs: 5000 });
  // About the size of a campaign prompt's activity (its card is 3–4 KB of JSON).
  const body = JSON.stringify({ type: 'message', attachments: [{ content: { text: 'x'.repeat(3000) } }] });
  const post = () =>
    transport({
      method: 'POST',
      url: new URL(`${url}/calibrate`),
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      body,
    });
  return { post, close: () => transport.close() };
}

/**
 * CPU ms of one keep-alive POST, 16 at a time back to back: the cheapest a POST gets. Measured warm (after
 * as many POSTs again), as the sender's POSTs are after its first few hundred: the first POSTs of a
 * process also pay for compiling node's HTTP client, which made the floor look 2–3 times dearer.
 */
export async function barePost(url: string, n = 1000): Promise<number> {
  const { post, close } = poster(url);
  const run = async () => {
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next++ < n) await post();
      }),
    );
  };
  await run();
  const cpu0 = process.cpuUsage();
  await run();
  const ms = cpuMs(cpu0);
  close();
  return ms / n;
}

/**
 * CPU ms of one keep-alive POST sent as the sender sends: `burst` requests released together (the send
 * windows release what has room at one wake-up, up to the requests in flight), `rps` a second in all,
 * the process idle in between. Dearer than back to back: each burst wakes a cold process, and on this
 * machine a wake-up costs more than the POST (6 December, load 2–3: bursts of 16, 4 and 1 at 50/s cost
 * 0.19, 0.35 and 0.77 ms a POST).
 */
export async function pacedPost(url: string, options: { rps: number; burst: number; n?: number }): Promise<number> {
  const { rps, burst } = options;
  const n = options.n ?? Math.max(burst * 10, Math.round(rps * 8));
  const { post, close } = poster(url);
  await Promise.all(Array.from({ length: burst }, () => post()));
  const gapMs = (1000 * burst) / rps;
  const cpu0 = process.cpuUsage();
  for (let sent = 0; sent < n; sent += burst) {
    const at = performance.now();
    await Promise.all(Array.from({ length: Math.min(burst, n - sent) }, () => post()));
    await new Promise((r) => setTimeout(r, Math.max(0, gapMs - (performance.now() - at))));
  }
  const ms = cpuMs(cpu0);
  close();
  return ms / n;
}

/**
 * CPU ms per delivery of the ledger update a sent prompt makes, written `batch` at a time in one
 * transaction through the product's SQLite store (the deliveries table with its indexes, a realistic
 * document, ids as the planner makes them). Also the same update in a commit of its own, for comparison.
 */
export async function batchedCommit(options: { batch: number; n?: number }): Promise<{ batchedMs: number; singleMs: number }> {
  const n = options.n ?? 4000;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-floor-'));
  const store = SqliteStore.open(path.join(dir, 'floor.db'));
  try {
    const camp = await openCampaignRepositories(store);
    const collection = await store.collection<Stored<Delivery>>({ name: 'deliveries', indexes: ['dueAt', 'campaignId'] });
    const now = Date.now();
    const at = (ms: number) => new Date(now + ms).toISOString();
    const docs: Stored<Delivery>[] = [];
    for (let i = 0; i < 2 * n; i++) {
      // Ids and due moments as the planner makes them: hashed, so a batch's deliveries lie apart in the
      // table and its indexes, as the sender's do (sequential ids would share pages and flatter the floor).
      const id = ids.delivery('occurrence-floor-0001', `student-${i}`);
      const { delivery } = await camp.deliveries.ensure({
        id,
        schoolId: 'floor-school',
        campaignId: 'campaign-floor-0001',
        occurrenceId: 'occurrence-floor-0001',
        activityId: 'activity-floor-0001',
        studentId: `student-${i}`,
        groupId: 'group-floor-0001',
        flowId: 'free',
        kind: 'prompt',
        scheduledAt: at(0),
        dueAt: spreadDue(now, id),
        state: 'sending',
        op: 'send',
        claimedBy: 'bench-floor-instance',
        attempts: 1,
        reflectionId: ids.reflection(id),
        reminders: 0,
        createdAt: at(0),
        updatedAt: at(0),
      });
      docs.push(withPk(delivery, delivery.schoolId));
    }
    // What a sent prompt writes: sent, its message, the window's end, the next due moment, the claim released.
    const sent = (d: Stored<Delivery>, i: number): Stored<Delivery> => {
      const { op: _op, claimedBy: _by, ...rest } = d;
      return {
        ...rest,
        state: 'sent',
        sentAt: at(i),
        message: { conversationId: `a:floor-${i}`, activityId: `activity-${i}` },
        closesAt: at(7 * 86_400_000 + i),
        dueAt: spreadDue(now + 86_400_000, d.id),
        updatedAt: at(i),
      };
    };
    const batch = options.batch;
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < n; i += batch) {
      const writes = docs
        .slice(i, Math.min(n, i + batch))
        .map((d, j) => ({ kind: 'replace' as const, collection, doc: sent(d, i + j) }));
      await store.writeAll(writes);
    }
    const batchedMs = cpuMs(cpu0) / n;
    const cpu1 = process.cpuUsage();
    for (let i = n; i < 2 * n; i++) await collection.replace(sent(docs[i]!, i));
    const singleMs = cpuMs(cpu1) / n;
    return { batchedMs, singleMs };
  } finally {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

export interface Floor {
  /** One keep-alive POST back to back (the figure the benches printed before). */
  barePostMs: number;
  /** One keep-alive POST as the sender paces them. */
  pacedPostMs: number;
  /**
   * The same POST paced one per wake-up (bursts of 1 at the same rate): what a send costs when no other
   * request shares the process's wake-up for it and for its answer. Not part of the floor; printed so
   * that the figure can be read against how the sender's requests were grouped (the steady scenario
   * prints that too).
   */
  singlePostMs: number;
  /** A delivery's ledger update in a batched commit. */
  batchedCommitMs: number;
  /** The same update in a commit of its own. */
  singleCommitMs: number;
  /** The floor: a paced POST plus a batched commit. */
  floorMs: number;
}

/** The whole floor, measured now: run it right before the instance it is read against. */
export async function campaignFloor(url: string, options: { rps: number; burst: number }): Promise<Floor> {
  const barePostMs = await barePost(url);
  const pacedPostMs = await pacedPost(url, options);
  const singlePostMs = await pacedPost(url, { rps: options.rps, burst: 1, n: Math.round(options.rps * 4) });
  const { batchedMs, singleMs } = await batchedCommit({ batch: options.burst });
  return {
    barePostMs,
    pacedPostMs,
    singlePostMs,
    batchedCommitMs: batchedMs,
    singleCommitMs: singleMs,
    floorMs: pacedPostMs + batchedMs,
  };
}

export const floorText = (f: Floor) =>
  `floor ${f.floorMs.toFixed(3)} CPU ms = a paced keep-alive POST ${f.pacedPostMs.toFixed(3)} + a batched SQLite commit's share ${f.batchedCommitMs.toFixed(3)} (bare POST back to back ${f.barePostMs.toFixed(3)}; one POST per wake-up ${f.singlePostMs.toFixed(3)}; the commit alone ${f.singleCommitMs.toFixed(3)})`;
