import { afterEach, describe, expect, it, vi } from 'vitest';
import { openRepositories } from '../../src/core/repositories.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient, type Transport } from '../../src/teams/connector.ts';
import { TeamsSendThrottle } from '../../src/teams/rate-limit.ts';
import { Reach } from '../../src/teams/reach.ts';

// docs/delivery.md: "A 429 holds that conversation for Retry-After". A scheduled send may retry for half
// its claim (15 s for the default 30 s). A Retry-After longer than what is left of that ended the retries
// before the throttle was told, so nothing held the conversation (or the tenant), and the next request
// went out at once, well inside the pause Teams asked for. Both forms of Retry-After: seconds and a date.

const monday9 = new Date('2026-09-14T07:00:00Z');

describe('a 429 whose Retry-After is longer than the send’s retry budget', () => {
  const opened: { close(): unknown }[] = [];
  afterEach(async () => {
    vi.useRealTimers();
    for (const o of opened.splice(0)) await o.close();
  });

  for (const retryAfter of ['60', 'Mon, 14 Sep 2026 07:01:00 GMT']) {
    it(`still holds the conversation for it (Retry-After: ${retryAfter})`, async () => {
      vi.useFakeTimers({ now: monday9, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
      const sends: number[] = [];
      const transport: Transport = async ({ url }) => {
        if (url.pathname === '/v3/conversations')
          return { status: 200, retryAfter: undefined, text: JSON.stringify({ id: 'chat-1' }) };
        sends.push(Date.now() - monday9.getTime());
        return sends.length === 1
          ? { status: 429, retryAfter, text: '' }
          : { status: 200, retryAfter: undefined, text: JSON.stringify({ id: `a${sends.length}` }) };
      };
      const store = SqliteStore.open(':memory:');
      opened.push(store);
      const repos = await openRepositories(store);
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
      const throttle = new TeamsSendThrottle({ tenantPerSecond: 50, conversationPerSecond: 7 }, { now: () => Date.now() });
      const reach = new Reach({
        repos,
        connector: new ConnectorClient({ token: async () => undefined, transport }),
        clock: { now: () => new Date(Date.now()) },
        defaultServiceUrl: 'https://smba.example',
        botId: 'bot',
        throttle,
      });
      // The engine's budget for a scheduled message with a 30 s claim.
      const retry = { budgetMs: 15_000 };
      await expect(reach.sendCard(student, { type: 'AdaptiveCard' }, undefined, { retry })).rejects.toMatchObject({
        reason: 'throttled',
      });
      // The next message to the same student (the next run, a reminder, another feature) a second later.
      await vi.advanceTimersByTimeAsync(1_000);
      const second = reach.sendCard(student, { type: 'AdaptiveCard' }, undefined, { retry });
      await vi.advanceTimersByTimeAsync(70_000);
      await second;
      expect(sends[0]).toBe(0);
      // Teams asked for 60 s of quiet; the second request must not come before that.
      expect(sends[1]).toBeGreaterThanOrEqual(60_000);
    });
  }
});
