import { describe, expect, it } from 'vitest';
import type { Person } from '../../src/core/entities.ts';
import { sendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import type { DeliveryKind } from '../../src/delivery/delivery-kind.ts';
import { DeliveryEngine } from '../../src/delivery/engine.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/log.ts';
import type { RetryOptions } from '../../src/teams/connector.ts';

// How long a claim holds, and the retries a send may take within it (docs/delivery.md): a claim made late
// in a long run holds from that moment, and a send never retries past half of its claim, so that no
// other run can claim it while it is still being tried.

const mentor = { id: 'mentor', schoolId: 'school' } as Person;

function recordingKind(claims: string[]) {
  const claimed = new Set<string>();
  const kind: DeliveryKind<string, undefined> = {
    message: 'at-once',
    schoolOf: () => 'school',
    prepare: async () => ({ kind: 'send', to: mentor, context: undefined }),
    claim: async (id, _now, until) => {
      if (claimed.has(id)) return undefined;
      claimed.add(id);
      claims.push(`${id} until ${until.toISOString()}`);
      return id;
    },
    compose: (id, to) => ({ to, card: { id } }),
    sent: async () => {},
    retryLater: async () => {},
    gaveUp: async () => {},
    postpone: async () => {},
  };
  return kind;
}

describe('a claim', () => {
  it('made late in a long run holds from the moment it is made, by the engine’s clock', async () => {
    const clock = new ManualClock('2026-11-06T14:00:00Z');
    const claims: string[] = [];
    const engine = new DeliveryEngine({
      sender: {
        // Each send takes 20 s (a full window at Teams).
        sendCard: async () => {
          clock.advance(20_000);
          return { conversationId: 'c', activityId: 'a' };
        },
      },
      sendPolicy: async () => sendPolicy(undefined, 'Europe/Amsterdam', []),
      log: createLogger('silent'),
      leaseMs: 30_000,
      clock,
    });
    await engine.deliver(recordingKind(claims), ['1', '2', '3'], clock.now());
    expect(claims).toEqual([
      '1 until 2026-11-06T14:00:30.000Z',
      '2 until 2026-11-06T14:00:50.000Z',
      '3 until 2026-11-06T14:01:10.000Z',
    ]);
  });

  it('bounds the send’s retries to half of it', async () => {
    const asked: (RetryOptions | undefined)[] = [];
    const engine = new DeliveryEngine({
      sender: {
        sendCard: async (_to, _card, _summary, options) => {
          asked.push(options?.retry);
          return { conversationId: 'c', activityId: 'a' };
        },
      },
      sendPolicy: async () => sendPolicy(undefined, 'Europe/Amsterdam', []),
      log: createLogger('silent'),
      leaseMs: 30_000,
    });
    const now = new Date('2026-11-06T14:00:00Z');
    await engine.deliver(recordingKind([]), ['1'], now);
    // A kind's own retries keep their budget when it is shorter, and are cut to half the claim when longer.
    const own = recordingKind([]);
    await engine.deliver(
      { ...own, compose: (id, to) => ({ to, card: { id }, retry: { attempts: 6, budgetMs: 5_000 } }) },
      ['2'],
      now,
    );
    await engine.deliver(
      { ...own, compose: (id, to) => ({ to, card: { id }, retry: { attempts: 6, budgetMs: 60_000 } }) },
      ['3'],
      now,
    );
    expect(asked).toEqual([{ budgetMs: 15_000 }, { attempts: 6, budgetMs: 5_000 }, { attempts: 6, budgetMs: 15_000 }]);
  });
});
