import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person } from '../../../src/core/entities.ts';
import { DeliveryError } from '../../../src/core/ports.ts';
import { sendPolicy } from '../../../src/core/send-policy/quiet-hours.ts';
import type { DeliveryKind } from '../../../src/delivery/delivery-kind.ts';
import { DeliveryEngine } from '../../../src/delivery/engine.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { createLogger } from '../../../src/platform/log.ts';
import { type Job, JobRunner, shortestGapMs } from '../../../src/platform/scheduler/jobs.ts';
import { Leases } from '../../../src/platform/scheduler/leases.ts';
import { type Every, runLease } from '../../../src/platform/scheduler/run-lease.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { CountingStore } from '../../helpers/counting-store.ts';

// A job's lease is short (30 s unless set otherwise) and renewed while the run lasts, so a killed
// instance's job is taken over soon; a scheduled tick on an idle store costs one write. The heartbeat's
// timer is fired by hand and the clock is a manual one: nothing here waits for real time.

const log = createLogger('silent');
const t0 = '2026-11-06T14:00:00Z';

/** A heartbeat timer the test fires: `beat()` runs every registered heartbeat once. */
function manualTimer() {
  const beats = new Set<() => void>();
  const every: Every = (_ms, fn) => {
    beats.add(fn);
    return () => beats.delete(fn);
  };
  const beat = () => {
    for (const fn of [...beats]) fn();
  };
  return { every, beat, active: () => beats.size };
}

function gate() {
  let open!: () => void;
  const closed = new Promise<void>((r) => {
    open = r;
  });
  return { closed, open };
}

const tick = () => new Promise((r) => setTimeout(r, 5));

describe('a job’s lease', () => {
  let store: DocumentStore;
  let clock: ManualClock;
  beforeEach(() => {
    store = SqliteStore.open(':memory:');
    clock = new ManualClock(t0);
  });
  afterEach(async () => {
    await store.close();
  });

  async function instance(owner: string, job: Job, every = manualTimer().every) {
    const runner = new JobRunner({ leases: await Leases.open(store), clock, log, owner, every });
    runner.add(job);
    return runner;
  }

  it('held by an instance that died in a run is taken over once 30 s have passed, not 5 minutes', async () => {
    const never = gate(); // the run of the instance that dies never ends, and its lease is never released
    const a = await instance('a', { name: 'digest', schedule: '*/5 * * * *', run: () => never.closed });
    const b = await instance('b', { name: 'digest', schedule: '*/5 * * * *', run: async () => 'done' });
    void a.runNow('digest');
    await tick();
    clock.advance(29_000);
    expect(await b.runNow('digest')).toEqual({ status: 'held-elsewhere' });
    clock.advance(2_000);
    expect(await b.runNow('digest')).toEqual({ status: 'ran', result: 'done' });
  });

  it('is renewed every third of its time while the run lasts, and the heartbeat stops with the run', async () => {
    const timer = manualTimer();
    const slow = gate();
    const seen: number[] = [];
    const a = await instance(
      'a',
      {
        name: 'digest',
        schedule: '*/5 * * * *',
        run: async () => {
          seen.push(runLease()!.ms);
          await slow.closed;
        },
      },
      timer.every,
    );
    const b = await instance('b', { name: 'digest', schedule: '*/5 * * * *', run: async () => 'b ran' });
    const running = a.runNow('digest');
    await tick();
    for (let i = 0; i < 6; i++) {
      clock.advance(10_000);
      timer.beat();
      await tick();
    }
    // A minute into the run: without the renewals the lease would have ended at 30 s.
    expect(await b.runNow('digest')).toEqual({ status: 'held-elsewhere' });
    slow.open();
    expect((await running).status).toBe('ran');
    expect(seen).toEqual([30_000]);
    expect(timer.active()).toBe(0);
    expect(await b.runNow('digest')).toEqual({ status: 'ran', result: 'b ran' });
  });

  it('once taken by another instance, ends the run’s sending: no new item is claimed', async () => {
    const timer = manualTimer();
    const second = gate();
    const sent: string[] = [];
    let stuck = false;
    const asked: string[] = [];
    const claims: string[] = [];
    const items = new Map(['1', '2', '3', '4'].map((id) => [id, { id, claimedUntil: '', sent: false }]));
    const kind: DeliveryKind<string, undefined> = {
      message: 'at-once',
      schoolOf: () => 'school',
      prepare: async () => ({ kind: 'send', to: { id: 'mentor', schoolId: 'school' } as Person, context: undefined }),
      claim: async (id, now, until) => {
        asked.push(id);
        const item = items.get(id)!;
        if (item.sent || item.claimedUntil > now.toISOString()) return undefined;
        item.claimedUntil = until.toISOString();
        claims.push(`${id} until ${item.claimedUntil}`);
        return id;
      },
      compose: (id, to) => ({ to, card: { id } }),
      sent: async (id) => {
        items.get(id)!.sent = true;
      },
      retryLater: async () => {},
      gaveUp: async () => {},
      postpone: async () => {},
    };
    const engine = new DeliveryEngine({
      sender: {
        sendCard: async (_to, card) => {
          const { id } = card as { id: string };
          // a's request for the second item hangs, then fails: it never reached Teams.
          if (id === '2' && !stuck) {
            stuck = true;
            await second.closed;
            throw new DeliveryError('error', true, 'no answer');
          }
          sent.push(id);
          return { conversationId: 'c', activityId: id };
        },
      },
      sendPolicy: async () => sendPolicy(undefined, 'Europe/Amsterdam', []),
      log,
    });
    const job = (name: string): Job => ({
      name: 'outbox',
      schedule: '* * * * *',
      run: (now) => engine.deliver(kind, [...items.keys()], now).then((tally) => ({ ...tally, name })),
    });
    const a = await instance('a', job('a'), timer.every);
    const b = await instance('b', job('b'));
    const running = a.runNow('outbox');
    await tick();
    // a is stuck on the second item past its lease (no renewal got through); b's tick takes the job over.
    clock.advance(31_000);
    expect(await b.tick('outbox')).toMatchObject({ status: 'ran', result: { sent: 3, name: 'b' } });
    expect(sent).toEqual(['1', '2', '3', '4']);
    timer.beat(); // a's renewal finds b's lease
    await tick();
    second.open();
    expect(await running).toMatchObject({ status: 'ran', result: { sent: 1, waiting: 1, name: 'a' } });
    // Each item once. a asked for 1 and 2 only (b for all four): after its lease was lost it took nothing
    // more. Each claim holds for 30 s from the moment it was made.
    expect(sent).toEqual(['1', '2', '3', '4']);
    expect(asked).toEqual(['1', '2', '1', '2', '3', '4']);
    expect(claims).toEqual([
      '1 until 2026-11-06T14:00:30.000Z',
      '2 until 2026-11-06T14:00:30.000Z',
      '2 until 2026-11-06T14:01:01.000Z',
      '3 until 2026-11-06T14:01:01.000Z',
      '4 until 2026-11-06T14:01:01.000Z',
    ]);
  });

  it('costs one write per idle scheduled tick: renewed without a read, and left to end before the next tick', async () => {
    const counted = new CountingStore(store);
    const runner = new JobRunner({ leases: await Leases.open(counted), clock, log, owner: 'a', every: manualTimer().every });
    runner.add({ name: 'outbox', schedule: '* * * * *', run: async () => undefined });
    runner.add({ name: 'send', schedule: '*/5 * * * * *', run: async () => undefined });
    const other = new JobRunner({ leases: await Leases.open(store), clock, log, owner: 'b' });
    other.add({ name: 'outbox', schedule: '* * * * *', run: async () => 'b ran' });

    expect((await runner.tick('outbox')).status).toBe('ran');
    let mark = counted.mark();
    for (let i = 0; i < 3; i++) {
      clock.advance(60_000);
      expect((await runner.tick('outbox')).status).toBe('ran');
    }
    expect(counted.since(mark).calls.map((c) => `${c.op} ${c.id}`)).toEqual(Array(3).fill('replace job:outbox'));
    // Not released, yet free for another instance at the next tick: it ended 30 s after the last one.
    clock.advance(60_000);
    expect(await other.tick('outbox')).toEqual({ status: 'ran', result: 'b ran' });

    // Run by hand, or ticking sooner than its lease ends, a job gives its lease up after the run.
    mark = counted.mark();
    expect((await runner.runNow('send')).status).toBe('ran');
    clock.advance(5_000);
    expect((await runner.tick('send')).status).toBe('ran');
    expect(counted.since(mark).calls.map((c) => c.op)).toEqual(['get', 'create', 'replace', 'replace', 'replace']);
  });

  it('knows the shortest time between two runs of a schedule (or less)', () => {
    expect(shortestGapMs('*/5 * * * * *')).toBe(5_000);
    expect(shortestGapMs('* * * * *')).toBe(60_000);
    expect(shortestGapMs('*/15 * * * *')).toBe(15 * 60_000);
    expect(shortestGapMs('7 * * * *')).toBe(3_600_000);
    expect(shortestGapMs('0 9,17 * * *')).toBe(8 * 3_600_000);
    expect(shortestGapMs('30 2 * * *')).toBe(23 * 3_600_000);
    expect(shortestGapMs('0 15 * * 5')).toBe(23 * 3_600_000);
  });
});
