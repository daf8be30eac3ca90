import { afterEach, describe, expect, it, vi } from 'vitest';
import type { Person } from '../../src/core/entities.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { sendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import type { DeliveryKind } from '../../src/delivery/delivery-kind.ts';
import { DeliveryEngine } from '../../src/delivery/engine.ts';
import { createLogger } from '../../src/platform/log.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient, type Transport } from '../../src/teams/connector.ts';
import { Reach } from '../../src/teams/reach.ts';

// docs/delivery.md: "A send's retries stay within its claim". The engine gives a scheduled send half its
// claim as a retry budget, but Reach.sendCard made two retried calls (open the 1:1 chat, then send), each
// with the whole budget: with Teams slow and a first chat to open, one send outlived its claim, and a
// second run claimed the item and sent it again. Now the two calls share the budget.

const monday9 = new Date('2026-09-14T07:00:00Z'); // 09:00 in Amsterdam, allowed

interface Item {
  id: string;
  claimedUntil?: string;
  sent: number;
}

function kind(items: Map<string, Item>, student: Person): DeliveryKind<Item, undefined> {
  return {
    message: 'mentor-note',
    schoolOf: () => 'school',
    prepare: async () => ({ kind: 'send', to: student, context: undefined }),
    // As the outbox / follow-up claims: free once claimedUntil has passed.
    claim: async (item, now, until) => {
      const i = items.get(item.id)!;
      if (i.sent > 0 || (i.claimedUntil && i.claimedUntil > now.toISOString())) return undefined;
      i.claimedUntil = until.toISOString();
      return { ...i };
    },
    compose: (_c, to) => ({ to, card: { type: 'AdaptiveCard' } }),
    sent: async (c) => {
      items.get(c.id)!.sent++;
    },
    retryLater: async () => {},
    gaveUp: async () => {},
    postpone: async () => {},
  };
}

describe('a claim and the send it covers', () => {
  const opened: { close(): unknown }[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const o of opened.splice(0)) await o.close();
  });

  it('is not outlived by the send (no second run can send the item meanwhile)', async () => {
    vi.useFakeTimers({ now: monday9, toFake: ['setTimeout', 'clearTimeout', 'Date', 'setInterval', 'clearInterval'] });
    const activities: number[] = [];
    let opens = 0;
    const answerAfter = <T>(ms: number, value: T) => new Promise<T>((r) => setTimeout(() => r(value), ms));
    // Teams is slow today: opening a chat takes 14 s and fails once with a 503; a send takes 10 s.
    const transport: Transport = async ({ url }) => {
      if (url.pathname === '/v3/conversations') {
        opens++;
        if (opens === 1) return answerAfter(14_000, { status: 503, retryAfter: undefined, text: '' });
        return answerAfter(opens === 2 ? 14_000 : 10, {
          status: 200,
          retryAfter: undefined,
          text: JSON.stringify({ id: 'chat' }),
        });
      }
      activities.push(Date.now() - monday9.getTime());
      return answerAfter(10_000, { status: 200, retryAfter: undefined, text: JSON.stringify({ id: `act${activities.length}` }) });
    };
    const store = SqliteStore.open(':memory:');
    opened.push(store);
    const repos = await openRepositories(store);
    const clock = { now: () => new Date(Date.now()) };
    const student = await repos.people.create({
      id: 's1',
      schoolId: 'school',
      name: 'S',
      teamsUserId: '29:s1',
      locale: 'nl',
      localeSource: 'default',
      roles: ['student'],
      reachability: { state: 'reachable' },
      createdAt: '',
      updatedAt: '',
    });
    const engineOf = () =>
      new DeliveryEngine({
        sender: new Reach({
          repos,
          connector: new ConnectorClient({ token: async () => undefined, transport }),
          clock,
          defaultServiceUrl: 'https://smba.example',
          botId: 'bot',
        }),
        sendPolicy: async () => sendPolicy(undefined, 'Europe/Amsterdam', []),
        log: createLogger('silent'),
        leaseMs: 30_000, // LEASE_SECONDS default
        clock,
      });
    const items = new Map<string, Item>([['note:1', { id: 'note:1', sent: 0 }]]);

    // Instance A (a turn's deliverOne / a job run) claims the note for 30 s and starts sending.
    const a = engineOf().deliver(kind(items, student), [items.get('note:1')!], clock.now());
    await vi.advanceTimersByTimeAsync(31_000);
    // 31 s later A is still sending; instance B's sweep finds the claim ended and sends it as well.
    const pb = engineOf().deliver(kind(items, student), [items.get('note:1')!], clock.now());
    await vi.advanceTimersByTimeAsync(30_000);
    const [ta, b] = await Promise.all([a, pb]);

    // One message reaches the student, whichever run sent it, and no send started after its claim's budget.
    expect(activities).toHaveLength(1);
    expect(ta.sent + b.sent).toBe(1);
  });
});
