import { afterEach, describe, expect, it } from 'vitest';
import { openRepositories } from '../../src/core/repositories.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient, ConnectorError, withRetry } from '../../src/teams/connector.ts';
import { TeamsSendThrottle } from '../../src/teams/rate-limit.ts';
import { Reach } from '../../src/teams/reach.ts';
import { LoopbackConnector } from '../helpers/loopback-connector.ts';

/** A limiter on virtual time: sleeping moves the clock, so the schedule is exact and the test instant. */
function virtual(limits: { tenantPerSecond: number; conversationPerSecond: number }) {
  let now = 0;
  const limiter = new TeamsSendThrottle(limits, {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  });
  return {
    limiter,
    now: () => now,
    idle: (ms: number) => {
      now += ms;
    },
  };
}

describe('the rate limiter', () => {
  it('spaces requests at the tenant limit, catching up only a short idle moment', async () => {
    const { limiter, now, idle } = virtual({ tenantPerSecond: 50, conversationPerSecond: 7 });
    const times: number[] = [];
    for (let i = 0; i < 100; i++) {
      await limiter.take('tenant', `conversation-${i}`);
      times.push(now());
    }
    expect(times.at(-1)).toBeCloseTo(99 * 20, 5);
    for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!).toBeCloseTo(20, 5);
    // After a second of nothing to send, a fifth of a second is caught up at once, not the whole second.
    idle(1000);
    const resumed = now();
    for (let i = 0; i < 30; i++) {
      await limiter.take('tenant', `later-${i}`);
      times.push(now());
    }
    expect(times.slice(100).filter((x) => x === resumed)).toHaveLength(11);
    // No one-second window holds more than the limit plus that catch-up.
    for (const t of times) expect(times.filter((x) => x >= t && x < t + 1000).length).toBeLessThanOrEqual(50 + 11);
  });

  it('spaces requests to one conversation at the conversation limit', async () => {
    const { limiter, now } = virtual({ tenantPerSecond: 50, conversationPerSecond: 7 });
    for (let i = 0; i < 15; i++) await limiter.take('tenant', 'one-chat');
    expect(now()).toBeCloseTo((14 * 1000) / 7, 0);
  });

  it('holds a throttled conversation for Retry-After, and the whole tenant when throttling repeats', async () => {
    const { limiter, now } = virtual({ tenantPerSecond: 50, conversationPerSecond: 7 });
    limiter.throttled('tenant', 'chat-a', 3000);
    await limiter.take('tenant', 'chat-b');
    expect(now()).toBeLessThan(100);
    await limiter.take('tenant', 'chat-a');
    expect(now()).toBeGreaterThanOrEqual(3000);
    const before = now();
    for (const chat of ['x', 'y', 'z']) limiter.throttled('tenant', chat, 2000);
    await limiter.take('tenant', 'other');
    expect(now() - before).toBeGreaterThanOrEqual(2000);
  });
});

describe('withRetry', () => {
  it('waits at least Retry-After on 429, backs off on 5xx, and gives up within its budget', async () => {
    const waits: number[] = [];
    let virtualNow = 0;
    const sleep = async (ms: number) => {
      waits.push(ms);
      virtualNow += ms;
    };
    const now = () => virtualNow;
    let calls = 0;
    const result = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new ConnectorError(429, 'throttled', 2000);
        if (calls === 2) throw new ConnectorError(503, 'unavailable');
        return 'ok';
      },
      { sleep, now, baseMs: 100 },
    );
    expect(result).toBe('ok');
    expect(waits[0]).toBeGreaterThanOrEqual(2000);
    expect(waits[1]).toBeLessThanOrEqual(200);

    const seen: number[] = [];
    await expect(
      withRetry(async () => Promise.reject(new ConnectorError(429, 'throttled', 5000)), {
        sleep,
        now,
        budgetMs: 12_000,
        attempts: 10,
        onRetry: (_e, attempt) => seen.push(attempt),
      }),
    ).rejects.toThrow(ConnectorError);
    expect(seen).toEqual([1, 2]); // a third wait of 5 s would exceed the 12 s budget
    await expect(withRetry(async () => Promise.reject(new ConnectorError(403, 'blocked')), { sleep })).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('sending at the limit against a connector that enforces it', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
  });

  async function sendMany(throttle: TeamsSendThrottle | undefined, count: number) {
    const connector = await LoopbackConnector.start({ limits: { tenantPerSecond: 20, conversationPerSecond: 7 } });
    opened.push(connector);
    const store = SqliteStore.open(':memory:');
    opened.push(store);
    const repos = await openRepositories(store);
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const reach = new Reach({
      repos,
      connector: new ConnectorClient({ token: async () => undefined }),
      clock,
      defaultServiceUrl: connector.url,
      botId: 'bot',
      ...(throttle ? { throttle } : {}),
    });
    const people = [];
    for (let i = 0; i < count; i++) {
      const id = `29:user-${i}`;
      connector.addMember({ id });
      people.push(
        await repos.people.create({
          id: `p${i}`,
          schoolId: 'school',
          name: `P${i}`,
          teamsUserId: id,
          locale: 'nl',
          localeSource: 'default',
          roles: ['student'],
          reachability: { state: 'reachable' },
          createdAt: '',
          updatedAt: '',
        }),
      );
    }
    const started = performance.now();
    const results = await Promise.allSettled(
      people.map((p) => reach.sendCard(p, { type: 'AdaptiveCard' }, undefined, { retry: { attempts: 1 } })),
    );
    return { connector, results, elapsed: performance.now() - started };
  }

  it('stays under the limit with the limiter, and is throttled without it', async () => {
    const limited = await sendMany(new TeamsSendThrottle({ tenantPerSecond: 20, conversationPerSecond: 7 }), 20);
    // Each student: open the chat and send the card, 40 requests at 20/s.
    expect(limited.results.every((r) => r.status === 'fulfilled')).toBe(true);
    expect(limited.connector.stats.limited).toBe(0);
    expect(limited.elapsed).toBeGreaterThan(1400);

    const unlimited = await sendMany(undefined, 20);
    expect(unlimited.connector.stats.limited).toBeGreaterThan(0);
    expect(unlimited.results.some((r) => r.status === 'rejected')).toBe(true);
  });
});
