import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/core/entities.ts';
import { DeliveryError } from '../../src/core/ports.ts';
import { sendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import type { DeliveryKind, PersonalSender } from '../../src/delivery/delivery-kind.ts';
import { DeliveryEngine, retryAt } from '../../src/delivery/engine.ts';
import { createLogger } from '../../src/platform/log.ts';

// The engine's own rules, with an in-memory kind of message: what a feature plugs in is the feature's,
// what happens between prepare and the outcome is the engine's (docs/delivery.md).

const school = 'tenant-engine';
const person: Person = {
  id: 'p1',
  version: 1,
  schoolId: school,
  name: 'Piet',
  email: 'piet@school.nl',
  locale: 'nl',
  localeSource: 'default',
  roles: ['mentor'],
  reachability: { state: 'reachable' },
  createdAt: '2026-11-01T00:00:00.000Z',
  updatedAt: '2026-11-01T00:00:00.000Z',
};

// Amsterdam, November: 11:00 UTC is noon on a Monday; 22:00 UTC is 23:00, inside the default quiet hours.
const monday = new Date('2026-11-02T11:00:00.000Z');
const mondayNight = new Date('2026-11-02T22:00:00.000Z');

type Item = { id: string; version: number; claimedUntil?: string; state: 'due' | 'sent'; waitUntil?: string };

/** A store of one kind of item with compare-and-swap claims, and a record of what the engine asked. */
function memoryKind(message: DeliveryKind<Item, string>['message'], options: { slowSend?: boolean } = {}) {
  const items = new Map<string, Item>();
  const calls: string[] = [];
  const kind: DeliveryKind<Item, string> = {
    message,
    schoolOf: () => school,
    prepare: async () => ({ kind: 'send', to: person, context: 'ctx' }),
    claim: async (item, now, until) => {
      const stored = items.get(item.id)!;
      if (stored.state === 'sent' || (stored.claimedUntil && stored.claimedUntil > now.toISOString())) return undefined;
      const claimed = { ...stored, version: stored.version + 1, claimedUntil: until.toISOString() };
      items.set(item.id, claimed);
      return claimed;
    },
    // A composer that reads something first, as a digest does.
    compose: async (claimed, to, context) => {
      await new Promise((r) => setTimeout(r, options.slowSend ? 10 : 0));
      return { to, card: { id: claimed.id, context } };
    },
    sent: async (claimed, _delivered, context) => {
      calls.push(`sent ${claimed.id} ${context}`);
      items.set(claimed.id, { ...claimed, state: 'sent' });
    },
    retryLater: async (claimed, error) => {
      calls.push(`retry ${claimed.id} ${error.reason}`);
    },
    gaveUp: async (item, reason) => {
      calls.push(`gave up ${item.id} ${reason}`);
    },
    postpone: async () => {},
    notNow: async (item, _why, next) => {
      calls.push(`wait ${item.id} ${next?.toISOString()}`);
    },
  };
  const add = (id: string) => {
    const item: Item = { id, version: 1, state: 'due' };
    items.set(id, item);
    return item;
  };
  return { kind, calls, add };
}

function engine(sender: PersonalSender) {
  return new DeliveryEngine({
    sender,
    sendPolicy: async () => sendPolicy(undefined, 'Europe/Amsterdam', []),
    log: createLogger('silent'),
  });
}

function recordingSender(fail?: DeliveryError) {
  const cards: unknown[] = [];
  const sender: PersonalSender = {
    sendCard: async (_to, card) => {
      if (fail) throw fail;
      cards.push(card);
      return { conversationId: 'c', activityId: `a${cards.length}` };
    },
  };
  return { sender, cards };
}

describe('the delivery engine', () => {
  it('holds a message in quiet hours and tells the feature when it may go, without claiming it', async () => {
    const { sender, cards } = recordingSender();
    const { kind, calls, add } = memoryKind('mentor-note');
    expect(await engine(sender).deliverOne(kind, add('n1'), mondayNight)).toBe('waiting');
    expect(cards).toEqual([]);
    // The next allowed moment for a note: Tuesday 08:00 in Amsterdam.
    expect(calls).toEqual(['wait n1 2026-11-03T07:00:00.000Z']);
  });

  it('sends an at-once message whatever the calendar says, and hands the context to the record', async () => {
    const { sender, cards } = recordingSender();
    const { kind, calls, add } = memoryKind('at-once');
    expect(await engine(sender).deliverOne(kind, add('n1'), mondayNight)).toBe('sent');
    expect(cards).toEqual([{ id: 'n1', context: 'ctx' }]);
    expect(calls).toEqual(['sent n1 ctx']);
  });

  it('sends an item once when runs overlap; the others see it held', async () => {
    const { sender, cards } = recordingSender();
    const { kind, add } = memoryKind('mentor-digest', { slowSend: true });
    const item = add('d1');
    const e = engine(sender);
    const outcomes = await Promise.all([e.deliverOne(kind, item, monday), e.deliverOne(kind, item, monday)]);
    expect(outcomes.sort()).toEqual(['held', 'sent']);
    expect(cards).toHaveLength(1);
  });

  it('gives a passing failure back to the feature to retry and a permanent one up', async () => {
    const passing = memoryKind('mentor-reminder');
    await engine(recordingSender(new DeliveryError('throttled', true)).sender).deliverOne(
      passing.kind,
      passing.add('r1'),
      monday,
    );
    expect(passing.calls).toEqual(['retry r1 throttled']);
    const permanent = memoryKind('mentor-reminder');
    await engine(recordingSender(new DeliveryError('blocked', false)).sender).deliverOne(
      permanent.kind,
      permanent.add('r2'),
      monday,
    );
    expect(permanent.calls).toEqual(['gave up r2 blocked']);
  });

  it('tells whether a school may get a kind of message now', async () => {
    const e = engine(recordingSender().sender);
    expect(await e.allows(school, 'mentor-digest', monday)).toBe(true);
    expect(await e.allows(school, 'mentor-digest', mondayNight)).toBe(false);
    expect(await e.allows(school, 'at-once', mondayNight)).toBe(true);
  });

  it('spaces retries between runs: a minute, doubling, at most an hour', () => {
    const at = (n: number) => (retryAt(n, monday).getTime() - monday.getTime()) / 60_000;
    expect([1, 2, 3, 4, 7, 8, 20].map(at)).toEqual([1, 2, 4, 8, 60, 60, 60]);
  });
});

describe('a run of several items', () => {
  it("goes on after one item's failure when the feature takes the errors, and stops without", async () => {
    const { sender, cards } = recordingSender();
    const { kind, add } = memoryKind('at-once');
    const broken = { ...add('b1'), id: 'missing' };
    const items = [add('x1'), broken, add('x2')];
    const errors: string[] = [];
    const tally = await engine(sender).deliver(kind, items, monday, { onError: (item) => errors.push(item.id) });
    expect(tally).toEqual({ sent: 2, waiting: 0, skipped: 0 });
    expect(errors).toEqual(['missing']);
    expect(cards).toHaveLength(2);
    await expect(engine(sender).deliver(kind, [add('y1'), broken], monday)).rejects.toThrow();
  });
});
