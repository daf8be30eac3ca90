import { describe, expect, it } from 'vitest';
import { TeamsSendThrottle } from '../../src/teams/rate-limit.ts';
import { RoundTrips } from '../../src/teams/round-trips.ts';
import { busiestWindow } from '../helpers/windows.ts';

// With the credit on (TEAMS_SEND_CREDIT_MAX_MS; off by default), a request stops counting in its windows at
// its answer less the tenant's shortest round trip (src/teams/rate-limit.ts). These tests run the throttle on virtual time against a model service: each
// request has a forward leg (release to the moment the service counts it) and a return leg (count to
// answer), each its own minimum plus random jitter, and the service counts in a strict sliding window.

interface Legs {
  /** The forward and return leg of one request, in ms. */
  legs: () => [number, number];
  fails?: (i: number) => boolean;
}

/** A seeded pseudo-random source, so a failure is reproducible. */
function seeded(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return x / 2 ** 32;
  };
}

/** The credit as TEAMS_SEND_CREDIT_MAX_MS=30 sets it (the default is none). */
const credited = { least: 100, marginMs: 2, maxMs: 30 };

function world(roundTrips: { least?: number; marginMs?: number; maxMs?: number } | 'defaults' = credited) {
  let now = 0;
  const timers: { at: number; run: () => void }[] = [];
  const at = (ms: number, run: () => void) => {
    const timer = { at: now + ms, run };
    timers.push(timer);
    return () => {
      const i = timers.indexOf(timer);
      if (i >= 0) timers.splice(i, 1);
    };
  };
  const throttle = new TeamsSendThrottle(
    { tenantPerSecond: 50, conversationPerSecond: 7 },
    { now: () => now, setTimer: (run, ms) => at(ms, run), marginMs: 0, ...(roundTrips === 'defaults' ? {} : { roundTrips }) },
  );
  const flush = () => new Promise<void>((r) => setImmediate(r));
  /** Sends `count` requests at once; returns when the service counted each and when each was released. */
  async function send(count: number, legs: Legs, startIndex = 0) {
    const counted: number[] = [];
    const released: number[] = [];
    let done = 0;
    for (let i = startIndex; i < startIndex + count; i++) {
      void throttle
        .run('tenant', `chat-${i}`, () => {
          released.push(now);
          const [forward, back] = legs.legs();
          counted.push(now + forward);
          return new Promise<void>((answer, fail) =>
            at(forward + back, () => (legs.fails?.(i) ? fail(new Error('503')) : answer())),
          );
        })
        .catch(() => undefined)
        .finally(() => done++);
    }
    await flush();
    while (done < count) {
      timers.sort((a, b) => a.at - b.at);
      const timer = timers.shift();
      if (!timer) throw new Error('requests wait, but no timer is set');
      now = Math.max(now, timer.at);
      timer.run();
      await flush();
    }
    return { counted: counted.sort((a, b) => a - b), released };
  }
  return { send, now: () => now, idle: (ms: number) => (now += ms) };
}

/**
 * Requests per second as a share of 50/s, from the 151st count to the last: the first 100 answers earn no
 * credit, and a window is free when a run starts.
 */
function share(counted: number[]): number {
  const steady = counted.slice(150);
  return (steady.length - 50) / ((steady.at(-1)! - steady[0]!) / 1000) / 50;
}

const requests = 1500;

/** The same requests with the credit and counted until the answer (no credit): when the service counted each. */
async function withAndWithout(legs: Legs): Promise<{ counted: number[]; untilAnswer: number[] }> {
  const { counted } = await world().send(requests, legs);
  const { counted: untilAnswer } = await world({ maxMs: 0 }).send(requests, legs);
  return { counted, untilAnswer };
}

describe('round-trip credit', () => {
  it('keeps a strict window when the service counts a request late in its round trip (after its latency)', async () => {
    const random = seeded(1);
    const late: Legs = { legs: () => [20 + 4 * random() ** 3, 0.2 + 2 * random() ** 3] };
    const { counted, untilAnswer } = await withAndWithout(late);
    expect(busiestWindow(counted)).toBe(50);
    // Counting until the answer would give 1000 / 1021 of the limit here.
    expect(share(counted)).toBeGreaterThan(0.995);
    expect(busiestWindow(untilAnswer)).toBe(50);
    expect(share(untilAnswer)).toBeLessThan(0.985);
  });

  it('keeps a strict window when the service counts a request early (on arrival, then its latency)', async () => {
    const random = seeded(2);
    const early: Legs = { legs: () => [0.1 + 3 * random() ** 3, 20 + 5 * random() ** 3] };
    const { counted, untilAnswer } = await withAndWithout(early);
    expect(busiestWindow(counted)).toBe(50);
    // The jitter of the return leg (up to 5 ms here) is still paid; the fixed 20 ms is not.
    expect(share(counted)).toBeGreaterThan(0.99);
    expect(busiestWindow(untilAnswer)).toBe(50);
    expect(share(untilAnswer)).toBeLessThan(0.98);
  });

  it('gives up the spread of the recent round trips over the shortest, besides the 2 ms margin', () => {
    const steady = new RoundTrips(credited);
    for (let i = 0; i < 256; i++) steady.add(20);
    expect(steady.credit()).toBe(18);
    // Round trips of 20 to 30 ms, evenly: the quickest tenth lies 1 ms above the shortest.
    const noisy = new RoundTrips(credited);
    for (let i = 0; i < 256; i++) noisy.add(20 + (10 * ((i * 97) % 256)) / 256);
    expect(noisy.credit()).toBeCloseTo(18 - 1, 1);
    // A long stall fills the recent round trips: no credit until they are quick again.
    for (let i = 0; i < 256; i++) steady.add(2000);
    expect(steady.credit()).toBe(0);
    for (let i = 0; i < 256; i++) steady.add(20);
    expect(steady.credit()).toBe(18);
  });

  it('rests on one assumption: a service that moves its count point within a constant round trip crowds it', async () => {
    // Every round trip is 20 ms, but the service counts at its start or at its end at random: a leg is
    // then often far quicker than in the round trips seen, which the credit assumes never happens. The
    // window check of these tests catches that; docs/delivery.md names the assumption.
    const random = seeded(3);
    const jumpy: Legs = {
      legs: () => {
        const forward = random() < 0.5 ? 1 : 19;
        return [forward, 20 - forward];
      },
    };
    const { counted, untilAnswer } = await withAndWithout(jumpy);
    expect(busiestWindow(counted)).toBeGreaterThan(50);
    expect(busiestWindow(untilAnswer)).toBe(50);
  });

  it('is off by default: a service and a bot that are never both idle crowd a credited window', async () => {
    // Two processes on two shared cores: every request finds one end busy for 6 ms, either the service
    // before it counts or the bot before it notices the answer, never both idle. Every round trip is then
    // 6 ms above the two quickest legs together, and the credit, learnt from round trips, stops counting a
    // request before the service counted it (the schools bench at 48 schools went over the limit in 3 of 4
    // runs with the credit on). Counting until the answer, the default, stays inside.
    const random = seeded(4);
    const loaded: Legs = { legs: () => (random() < 0.5 ? [20 + 6, 0.2] : [20, 0.2 + 6]) };
    const { counted } = await world().send(requests, loaded);
    expect(busiestWindow(counted)).toBeGreaterThan(50);
    const { counted: byDefault } = await world('defaults').send(requests, loaded);
    expect(busiestWindow(byDefault)).toBe(50);
  });

  it('gives no credit before 100 answers were seen, nor for a failed request', async () => {
    const w = world();
    const twenty: Legs = { legs: () => [20, 0] };
    // The first 100 answers earn nothing (the first round trips of a process include its connections'
    // set-up and cold code): each window opens a whole round trip after the last.
    const first = await w.send(150, twenty);
    expect(first.released[50]).toBe(1020);
    expect(first.released[100]).toBe(2040);
    w.idle(5000);
    // With the round trip known (20 ms, less 2 of margin), a window opens 18 ms before answer + window.
    const known = await w.send(100, twenty, 150);
    expect(known.released[50]! - known.released[0]!).toBe(1002);
    w.idle(5000);
    // Failed requests count until their answer plus the window, whatever the credit.
    const failed = await w.send(100, { ...twenty, fails: (i) => i < 300 }, 250);
    expect(failed.released[50]! - failed.released[0]!).toBe(1020);
  });

  it('earns no more credit in a stall than the quickest round trip seen before it', async () => {
    const w = world();
    await w.send(150, { legs: () => [20, 0] });
    w.idle(5000);
    // The service stalls for two seconds before it counts: every round trip of this window is 2 s long.
    const stalled = await w.send(100, { legs: () => [2000, 0] }, 150);
    expect(stalled.released[50]! - stalled.released[0]!).toBe(2000 + 1000 - 18);
  });

  it('caps the credit, so a process that starts in a stall earns at most 30 ms from it', async () => {
    const w = world();
    const stalled = await w.send(150, { legs: () => [2000, 0] });
    expect(stalled.released[50]).toBe(3000);
    expect(stalled.released[100]).toBe(6000);
    w.idle(5000);
    const later = await w.send(100, { legs: () => [2000, 0] }, 150);
    expect(later.released[50]! - later.released[0]!).toBe(3000 - 30);
  });
});
