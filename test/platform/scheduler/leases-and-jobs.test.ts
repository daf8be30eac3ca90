import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createLogger } from '../../../src/platform/log.ts';
import { JobRunner } from '../../../src/platform/scheduler/jobs.ts';
import { Leases } from '../../../src/platform/scheduler/leases.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';
import { CountingStore } from '../../helpers/counting-store.ts';

describe.each(backends)('leases: $name', (backend) => {
  let store: DocumentStore;
  let leases: Leases;
  const t0 = new Date('2026-11-02T08:00:00Z');
  const at = (ms: number) => new Date(t0.getTime() + ms);

  beforeEach(async () => {
    store = await backend.open();
    leases = await Leases.open(store);
  });
  afterEach(async () => {
    await store.close();
  });

  it('is held by one owner until it expires, then taken over', async () => {
    expect(await leases.acquire('occurrence:1', 'a', 30_000, t0)).toBe(true);
    expect(await leases.acquire('occurrence:1', 'b', 30_000, at(10_000))).toBe(false);
    expect(await leases.acquire('occurrence:1', 'a', 30_000, at(10_000))).toBe(true); // renewed
    expect(await leases.acquire('occurrence:1', 'b', 30_000, at(39_000))).toBe(false);
    expect(await leases.acquire('occurrence:1', 'b', 30_000, at(40_001))).toBe(true); // a died: taken over
    expect((await leases.holder('occurrence:1'))?.owner).toBe('b');
  });

  it('gives exactly one winner when many instances race for it', async () => {
    const owners = Array.from({ length: 12 }, (_, i) => `instance-${i}`);
    const results = await Promise.all(owners.map((o) => leases.acquire('job:digest', o, 60_000, t0)));
    expect(results.filter(Boolean)).toHaveLength(1);
  });

  it('can be released early by its owner only', async () => {
    await leases.acquire('x', 'a', 60_000, t0);
    await leases.release('x', 'b');
    expect(await leases.acquire('x', 'b', 60_000, at(1000))).toBe(false);
    await leases.release('x', 'a');
    expect(await leases.acquire('x', 'b', 60_000, at(1000))).toBe(true);
  });

  it('tells the next owner until when the last one, which gave it up, said its work still has effect', async () => {
    const a = await Leases.open(store);
    const b = await Leases.open(store); // another instance
    expect(await a.take('school:1', 'a', 30_000, t0)).toEqual({});
    await a.release('school:1', 'a', at(1_250));
    // a takes it back: its own note tells it nothing.
    expect(await a.take('school:1', 'a', 30_000, at(100))).toEqual({});
    await a.release('school:1', 'a', at(1_350));
    expect(await b.take('school:1', 'b', 30_000, at(200))).toEqual({ handoverUntil: at(1_350).toISOString() });
    // The note went with the handover: b gives the lease up without one, and c learns nothing.
    await b.release('school:1', 'b');
    expect(await leases.take('school:1', 'c', 30_000, at(300))).toEqual({});
    // A lease that lapsed (its owner died) was not given up: no note.
    expect(await leases.take('school:1', 'd', 30_000, at(31_000))).toEqual({});
  });

  it('renews and releases its own lease with one write and no read; one someone else wrote since is read first', async () => {
    const counted = new CountingStore(store);
    const a = await Leases.open(counted);
    const b = await Leases.open(counted); // another instance
    expect(await a.acquire('job:x', 'a', 30_000, t0)).toBe(true);
    let mark = counted.mark();
    expect(await a.acquire('job:x', 'a', 30_000, at(10_000))).toBe(true); // renewed
    await a.release('job:x', 'a');
    expect(await b.acquire('job:x', 'b', 30_000, at(11_000))).toBe(true); // free: b reads it first
    expect(counted.since(mark).calls.map((c) => c.op)).toEqual(['replace', 'replace', 'get', 'replace']);

    // a's copy is out of date now: its write fails on the version, and what it reads decides.
    mark = counted.mark();
    expect(await a.acquire('job:x', 'a', 30_000, at(20_000))).toBe(false);
    await a.release('job:x', 'a');
    expect(counted.since(mark).calls.map((c) => c.op)).toEqual(['replace', 'get', 'get']);
    expect(await a.holder('job:x')).toEqual({ owner: 'b', expiresAt: at(41_000).toISOString() });
    // Once b's lease has ended a takes it over, and from then on renews it without a read again.
    expect(await a.acquire('job:x', 'a', 30_000, at(41_001))).toBe(true);
    mark = counted.mark();
    expect(await a.acquire('job:x', 'a', 30_000, at(50_000))).toBe(true);
    expect(counted.since(mark).calls.map((c) => c.op)).toEqual(['replace']);
    expect(await b.acquire('job:x', 'b', 30_000, at(60_000))).toBe(false);
  });
});

describe('job runner', () => {
  let store: DocumentStore;
  beforeEach(async () => {
    store = await backends[0]!.open();
  });
  afterEach(async () => {
    await store.close();
  });

  it('runs a job on one of two instances at a time, with the injected time', async () => {
    const leases = await Leases.open(store);
    const clock = new ManualClock('2026-11-06T14:00:00Z');
    const log = createLogger('silent');
    const seen: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const job = {
      name: 'digest',
      schedule: '0 15 * * 5',
      run: async (now: Date) => {
        seen.push(now.toISOString());
        await gate;
        return 'done';
      },
    };
    const a = new JobRunner({ leases, clock, log, owner: 'a' });
    const b = new JobRunner({ leases, clock, log, owner: 'b' });
    a.add(job);
    b.add(job);
    const first = a.runNow('digest');
    await new Promise((r) => setTimeout(r, 20));
    expect(await b.runNow('digest')).toEqual({ status: 'held-elsewhere' });
    expect(await a.runNow('digest')).toEqual({ status: 'busy' });
    release();
    expect(await first).toEqual({ status: 'ran', result: 'done' });
    expect(seen).toEqual(['2026-11-06T14:00:00.000Z']);
    // Released after the run: the other instance may run it next time.
    expect((await b.runNow('digest')).status).toBe('ran');
  });

  it('runs a per-instance job on every instance, and a run-at-start job right after start', async () => {
    const leases = await Leases.open(store);
    const clock = new ManualClock('2026-11-06T14:00:00Z');
    const log = createLogger('silent');
    let gate!: () => void;
    const held = new Promise<void>((r) => {
      gate = r;
    });
    const ran: string[] = [];
    const job = (owner: string) => ({
      name: 'warm',
      schedule: '0 3 * * *',
      perInstance: true,
      runAtStart: true,
      run: async () => {
        ran.push(owner);
        await held;
      },
    });
    const a = new JobRunner({ leases, clock, log, owner: 'a' });
    const b = new JobRunner({ leases, clock, log, owner: 'b' });
    a.add(job('a'));
    b.add(job('b'));
    a.start();
    b.start();
    await new Promise((r) => setTimeout(r, 50));
    // Both ran at start, at the same time: neither lease kept the other out.
    expect(ran.sort()).toEqual(['a', 'b']);
    gate();
    await a.stop();
    await b.stop();
  });

  it('runs a per-instance job without a stored lease: an idle tick costs the store nothing', async () => {
    const counted = new CountingStore(store);
    const runner = new JobRunner({
      leases: await Leases.open(counted),
      clock: new ManualClock('2026-11-06T14:00:00Z'),
      log: createLogger('silent'),
    });
    let runs = 0;
    runner.add({ name: 'tick', schedule: '*/5 * * * * *', perInstance: true, run: async () => void runs++ });
    const mark = counted.mark();
    expect((await runner.runNow('tick')).status).toBe('ran');
    expect((await runner.runNow('tick')).status).toBe('ran');
    expect(runs).toBe(2);
    expect(counted.since(mark).calls).toEqual([]);
  });

  it('reports a failing job without throwing, and refuses a bad schedule', async () => {
    const runner = new JobRunner({
      leases: await Leases.open(store),
      clock: new ManualClock('2026-01-01'),
      log: createLogger('silent'),
    });
    runner.add({
      name: 'broken',
      schedule: '* * * * *',
      run: async () => {
        throw new Error('boom');
      },
    });
    expect(await runner.runNow('broken')).toMatchObject({ status: 'failed', error: 'Error: boom' });
    expect(() => runner.add({ name: 'bad', schedule: 'every friday', run: async () => 0 })).toThrow(/invalid schedule/);
  });
});
