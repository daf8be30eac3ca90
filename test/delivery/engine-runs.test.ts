import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/core/entities.ts';
import { DeliveryError } from '../../src/core/ports.ts';
import { defaultQuietHours, type QuietReason, type SendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import type { DeliveryKind, PersonalSender } from '../../src/delivery/delivery-kind.ts';
import { DeliveryEngine } from '../../src/delivery/engine.ts';
import { createLogger } from '../../src/platform/log.ts';

// The engine's generic behaviour, with a kind kept in memory (each item one versioned record, as a
// feature keeps it on its own document) and a sender that answers after a delay, so that what the engine
// does with several items at once can be seen: how many are in flight, what is claimed, what is recorded.

const policy: SendPolicy = { timeZone: 'Europe/Amsterdam', quietHours: defaultQuietHours, holidays: [] };
// Wednesday 25 November 2026, 14:00 in Amsterdam (allowed); 23:00 (quiet hours).
const day = new Date('2026-11-25T13:00:00Z');
const night = new Date('2026-11-25T22:00:00Z');

interface Item {
  id: string;
  version: number;
  state: 'due' | 'claimed' | 'sent' | 'gave-up';
  until?: string;
  dueAt?: string;
}

function person(id: string, pause?: { since: string; until: string }): Person {
  return {
    id,
    schoolId: 'school',
    name: id,
    email: `${id}@school.nl`,
    locale: 'nl',
    localeSource: 'default',
    roles: ['student'],
    reachability: { state: 'reachable' },
    ...(pause ? { pause } : {}),
    createdAt: day.toISOString(),
    updatedAt: day.toISOString(),
  } as Person;
}

/** A sender that answers after `ms`, counting how many sends are in flight at once. */
function slowSender(ms: number, fail: (p: Person) => DeliveryError | undefined = () => undefined) {
  const state = { inFlight: 0, maxInFlight: 0, sent: [] as string[], options: [] as unknown[] };
  const sender: PersonalSender = {
    async sendCard(p, _card, _summary, options) {
      state.inFlight++;
      state.maxInFlight = Math.max(state.maxInFlight, state.inFlight);
      state.options.push(options);
      await new Promise((r) => setTimeout(r, ms));
      state.inFlight--;
      const failure = fail(p);
      if (failure) throw failure;
      state.sent.push(p.id);
      return { conversationId: `c-${p.id}`, activityId: `a-${p.id}` };
    },
  };
  return { sender, state };
}

/** A kind over records in memory; every write is a compare-and-swap on the record's version. */
function memoryKind(records: Map<string, Item>, extra: Partial<DeliveryKind<Item, null>> = {}) {
  const log = { claimedUntil: [] as string[], notNow: [] as { id: string; why: QuietReason; next?: string }[] };
  const swap = (item: Item, next: Partial<Item>): Item | undefined => {
    const stored = records.get(item.id)!;
    if (stored.version !== item.version) return undefined;
    const updated = { ...stored, ...next, version: stored.version + 1 };
    records.set(item.id, updated);
    return updated;
  };
  const kind: DeliveryKind<Item, null> = {
    message: 'campaign-prompt',
    schoolOf: () => 'school',
    prepare: async (item) => ({ kind: 'send', to: person(item.id), context: null }),
    claim: async (item, _now, until) => {
      log.claimedUntil.push(until.toISOString());
      return item.state === 'due' ? swap(item, { state: 'claimed', until: until.toISOString() }) : undefined;
    },
    compose: (_claimed, to) => ({ to, card: { type: 'AdaptiveCard' } }),
    sent: async (claimed) => void swap(claimed, { state: 'sent' }),
    retryLater: async (claimed) => void swap(claimed, { state: 'due' }),
    gaveUp: async (item) => void swap(records.get(item.id)!, { state: 'gave-up' }),
    postpone: async (item, until) => void swap(item, { dueAt: until }),
    ...extra,
  };
  return { kind, log };
}

function itemsOf(n: number): Map<string, Item> {
  return new Map(Array.from({ length: n }, (_, i) => [`s${i}`, { id: `s${i}`, version: 1, state: 'due' as const }]));
}

const engineWith = (sender: PersonalSender) =>
  new DeliveryEngine({ sender, sendPolicy: async () => policy, log: createLogger('silent') });

describe('the delivery engine', () => {
  it('sends one item after another by default, and as many at once as a run asks for', async () => {
    const one = slowSender(10);
    const records = itemsOf(6);
    expect(await engineWith(one.sender).deliver(memoryKind(records).kind, [...records.values()], day)).toEqual({
      sent: 6,
      waiting: 0,
      skipped: 0,
    });
    expect(one.state.maxInFlight).toBe(1);

    const four = slowSender(20);
    const more = itemsOf(20);
    const tally = await engineWith(four.sender).deliver(memoryKind(more).kind, [...more.values()], day, { concurrency: 4 });
    expect(tally.sent).toBe(20);
    expect(four.state.maxInFlight).toBe(4);
    expect([...more.values()].every((r) => r.state === 'sent')).toBe(true);
    expect(new Set(four.state.sent).size).toBe(20);
  });

  it('reads a lazy outbox while it sends, stops when asked, and sends nothing twice when two runs race', async () => {
    const { sender, state } = slowSender(5);
    const records = itemsOf(30);
    let pulled = 0;
    async function* outbox() {
      for (const item of records.values()) {
        pulled++;
        yield item;
      }
    }
    const engine = engineWith(sender);
    const { kind } = memoryKind(records);
    const tally = await engine.deliver(kind, outbox(), day, { concurrency: 3, stop: () => state.sent.length >= 9 });
    expect(tally.sent).toBeGreaterThanOrEqual(9);
    expect(tally.sent).toBeLessThan(30);
    expect(pulled).toBeLessThan(30);

    // Two runs over the same (now stale) items at once: the claims keep them apart.
    const stale = [...records.values()];
    const [a, b] = await Promise.all([
      engine.deliver(kind, stale, day, { concurrency: 4 }),
      engine.deliver(kind, stale, day, { concurrency: 4 }),
    ]);
    expect(tally.sent + a.sent + b.sent).toBe(30);
    expect(state.sent.sort()).toEqual([...records.keys()].sort());
  });

  it('claims for the run’s lease time and hands the message’s retry settings to the sender', async () => {
    const { sender, state } = slowSender(1);
    const records = itemsOf(2);
    const retry = { attempts: 2, budgetMs: 5000 };
    const { kind, log } = memoryKind(records, { compose: (_c, to) => ({ to, card: {}, retry }) });
    await engineWith(sender).deliver(kind, [...records.values()], day, { leaseMs: 30_000 });
    expect(log.claimedUntil).toEqual([
      new Date(day.getTime() + 30_000).toISOString(),
      new Date(day.getTime() + 30_000).toISOString(),
    ]);
    expect(state.options).toEqual([{ retry }, { retry }]);

    const plain = slowSender(1);
    const others = itemsOf(1);
    const second = memoryKind(others);
    await engineWith(plain.sender).deliver(second.kind, [...others.values()], day);
    expect(second.log.claimedUntil).toEqual([new Date(day.getTime() + 120_000).toISOString()]);
    expect(plain.state.options).toEqual([undefined]);
  });

  it('tells a kind that keeps a due time when it may send again: in quiet hours, and in the recipient’s pause', async () => {
    const { sender, state } = slowSender(1);
    const records = itemsOf(1);
    const seen: { why: QuietReason; next?: string }[] = [];
    const notNow = async (_item: Item, why: QuietReason, next: Date | undefined) => {
      seen.push({ why, ...(next ? { next: next.toISOString() } : {}) });
    };
    const { kind } = memoryKind(records, { notNow });
    expect(await engineWith(sender).deliver(kind, [...records.values()], night)).toMatchObject({ sent: 0, waiting: 1 });
    // Thursday 08:00 in Amsterdam.
    expect(seen).toEqual([{ why: 'night', next: '2026-11-26T07:00:00.000Z' }]);

    const paused = memoryKind(records, {
      notNow,
      prepare: async (item) => ({
        kind: 'send',
        to: person(item.id, { since: '2026-11-20T00:00:00Z', until: '2026-11-30T10:00:00Z' }),
        context: null,
      }),
    });
    expect(await engineWith(sender).deliver(paused.kind, [...records.values()], day)).toMatchObject({ sent: 0, waiting: 1 });
    expect(seen[1]).toEqual({ why: 'paused', next: '2026-11-30T10:00:00.000Z' });
    expect(state.sent).toEqual([]);
    expect(records.get('s0')).toMatchObject({ state: 'due', version: 1 });
  });

  it('keeps the follow-up behaviour for a kind without notNow: waiting in quiet hours, postponed in a pause', async () => {
    const { sender } = slowSender(1);
    const records = itemsOf(1);
    const { kind } = memoryKind(records, {
      prepare: async (item) => ({
        kind: 'send',
        to: person(item.id, { since: '2026-11-20T00:00:00Z', until: '2026-11-30T10:00:00Z' }),
        context: null,
      }),
    });
    expect(await engineWith(sender).deliver(kind, [...records.values()], night)).toEqual({ sent: 0, waiting: 1, skipped: 0 });
    expect(records.get('s0')).toMatchObject({ version: 1 });
    await engineWith(sender).deliver(kind, [...records.values()], day);
    expect(records.get('s0')).toMatchObject({ state: 'due', dueAt: '2026-11-30T10:00:00Z' });
  });

  it('neither claims nor counts an item the feature settled itself', async () => {
    const { sender, state } = slowSender(1);
    const records = itemsOf(3);
    const { kind, log } = memoryKind(records, {
      prepare: async (item) => (item.id === 's1' ? { kind: 'settled' } : { kind: 'send', to: person(item.id), context: null }),
    });
    expect(await engineWith(sender).deliver(kind, [...records.values()], day)).toEqual({ sent: 2, waiting: 0, skipped: 0 });
    expect(log.claimedUntil).toHaveLength(2);
    expect(state.sent).toEqual(['s0', 's2']);
  });

  it('reports an item whose step threw and goes on when the run asks for that; otherwise the run fails', async () => {
    const records = itemsOf(4);
    const broken = (item: Item) => {
      if (item.id === 's1') throw new Error('store fault');
    };
    const failing = memoryKind(records, {
      prepare: async (item) => {
        broken(item);
        return { kind: 'send', to: person(item.id), context: null };
      },
    });
    const { sender, state } = slowSender(1);
    await expect(engineWith(sender).deliver(failing.kind, [...records.values()], day)).rejects.toThrow('store fault');
    const errors: string[] = [];
    const tally = await engineWith(sender).deliver(failing.kind, [...records.values()], day, {
      onError: (item, err) => errors.push(`${item.id}: ${(err as Error).message}`),
    });
    expect(errors).toEqual(['s1: store fault']);
    expect(tally.sent).toBe(2);
    expect(state.sent.sort()).toEqual(['s0', 's2', 's3']);
  });

  it('frees the claim on a passing failure and gives up on a permanent one', async () => {
    const records = itemsOf(2);
    const { sender } = slowSender(1, (p) =>
      p.id === 's0' ? new DeliveryError('throttled', true) : new DeliveryError('blocked', false),
    );
    const tally = await engineWith(sender).deliver(memoryKind(records).kind, [...records.values()], day, { concurrency: 2 });
    expect(tally).toEqual({ sent: 0, waiting: 1, skipped: 1 });
    expect(records.get('s0')).toMatchObject({ state: 'due' });
    expect(records.get('s1')).toMatchObject({ state: 'gave-up' });
  });
});
