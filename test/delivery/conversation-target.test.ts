import { afterEach, describe, expect, it } from 'vitest';
import type { DeliveryError } from '../../src/core/ports.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { defaultQuietHours, type SendPolicies } from '../../src/core/send-policy/quiet-hours.ts';
import type { ConversationTarget, DeliveryKind } from '../../src/delivery/delivery-kind.ts';
import { DeliveryEngine, type DeliveryEngineDeps } from '../../src/delivery/engine.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/log.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient } from '../../src/teams/connector.ts';
import { TeamsSendThrottle } from '../../src/teams/rate-limit.ts';
import { Reach } from '../../src/teams/reach.ts';
import { LoopbackConnector } from '../helpers/loopback-connector.ts';

// A scheduled message into a conversation the bot is already in (a team's channel) goes through the same
// engine as a message to a person: the send policy, the claim, Reach's windows and retries, and the
// outcome. The sender is the real Reach against a loopback connector; the kind below is the smallest
// feature there can be (a list of posts and what happened to each), so what is tested is the engine.

const schoolId = 'school-tenant';
const channel = '19:lob-team@thread.tacv2';
const monday9 = new Date('2026-09-14T07:00:00Z'); // 09:00 in Amsterdam
const monday23 = new Date('2026-09-14T21:00:00Z'); // 23:00 in Amsterdam

interface Post {
  id: string;
  claimedUntil?: string;
  outcome?: string;
}

function channelPosts(posts: Post[], target: ConversationTarget): DeliveryKind<Post, string, ConversationTarget> {
  const find = (id: string) => posts.find((p) => p.id === id)!;
  return {
    message: 'quality-cycle-reminder',
    schoolOf: () => schoolId,
    prepare: async (post) => ({ kind: 'send', to: target, context: `Mijlpaal ${post.id}` }),
    claim: async (post, now, until) => {
      const p = find(post.id);
      if (p.outcome || (p.claimedUntil && p.claimedUntil > now.toISOString())) return undefined;
      p.claimedUntil = until.toISOString();
      return { ...p };
    },
    compose: (_claimed, to, text) => ({
      to,
      card: { type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text }] },
      summary: text,
    }),
    sent: async (claimed, delivered) => {
      find(claimed.id).outcome = `sent ${delivered.conversationId} ${delivered.activityId}`;
    },
    retryLater: async (claimed, error: DeliveryError) => {
      delete find(claimed.id).claimedUntil;
      find(claimed.id).outcome = undefined;
      retried.push(`${claimed.id} ${error.reason}`);
    },
    gaveUp: async (post, reason) => {
      find(post.id).outcome = `gave up: ${reason}`;
    },
    postpone: async () => {
      throw new Error('a conversation has no pause');
    },
  };
}

const retried: string[] = [];

describe('the delivery engine, sending into a conversation', () => {
  const opened: { close(): Promise<void> | void }[] = [];
  afterEach(async () => {
    for (const o of opened.splice(0)) await o.close();
    retried.length = 0;
  });

  async function world(options: { conversations?: boolean } = {}) {
    const connector = await LoopbackConnector.start();
    opened.push(connector);
    const store = SqliteStore.open(':memory:');
    opened.push(store);
    const client = new ConnectorClient({ token: async () => undefined });
    opened.push(client);
    const throttle = new TeamsSendThrottle({ tenantPerSecond: 50, conversationPerSecond: 7 });
    const reach = new Reach({
      repos: await openRepositories(store),
      connector: client,
      clock: new ManualClock(monday9),
      defaultServiceUrl: connector.url,
      throttle,
    });
    const sendPolicy: SendPolicies = async () => ({
      timeZone: 'Europe/Amsterdam',
      quietHours: defaultQuietHours,
      holidays: [],
    });
    const deps: DeliveryEngineDeps = {
      sender: reach,
      ...(options.conversations === false ? {} : { conversations: reach }),
      sendPolicy,
      log: createLogger('silent'),
    };
    const target: ConversationTarget = {
      conversation: { tenantId: schoolId, serviceUrl: connector.url, conversationId: channel, botId: '28:bot' },
    };
    return { connector, throttle, engine: new DeliveryEngine(deps), target };
  }

  it('posts into the conversation through the send windows, opens no chat, and records what was sent', async () => {
    const { connector, throttle, engine, target } = await world();
    const posts: Post[] = [{ id: 'a' }, { id: 'b' }];
    const tally = await engine.deliver(channelPosts(posts, target), posts, monday9);

    expect(tally).toEqual({ sent: 2, waiting: 0, skipped: 0 });
    const creates = connector.recorded.filter((r) => r.op === 'create');
    expect(creates.map((r) => r.conversationId)).toEqual([channel, channel]);
    expect(posts.map((p) => p.outcome)).toEqual(creates.map((r) => `sent ${channel} ${r.activityId}`));
    expect(connector.stats.requests).toBe(2); // no 1:1 chat opened for a channel
    expect(throttle.stats.requests).toBe(2);
    // Sent items are no longer claimable: a second run sends nothing.
    expect(await engine.deliver(channelPosts(posts, target), posts, monday9)).toEqual({ sent: 0, waiting: 0, skipped: 0 });
    expect(connector.stats.requests).toBe(2);
  });

  it('holds a channel post in quiet hours like any other message of its kind', async () => {
    const { connector, engine, target } = await world();
    const posts: Post[] = [{ id: 'a' }];
    expect(await engine.deliver(channelPosts(posts, target), posts, monday23)).toEqual({ sent: 0, waiting: 1, skipped: 0 });
    expect(connector.stats.requests).toBe(0);
    expect(posts[0]!.claimedUntil).toBeUndefined();
  });

  it('gives a post up when the channel is gone, and frees it for the next run when the failure passes', async () => {
    const { connector, engine, target } = await world();
    connector.failWith = () => ({ status: 404, code: 'ConversationNotFound' });
    const gone: Post[] = [{ id: 'gone' }];
    expect(await engine.deliver(channelPosts(gone, target), gone, monday9)).toEqual({ sent: 0, waiting: 0, skipped: 1 });
    expect(gone[0]!.outcome).toBe('gave up: not-found');

    connector.failWith = () => ({ status: 503 });
    const passing: Post[] = [{ id: 'passing' }];
    expect(await engine.deliver(channelPosts(passing, target), passing, monday9)).toEqual({ sent: 0, waiting: 1, skipped: 0 });
    expect(retried).toEqual(['passing error']);
    expect(passing[0]!.claimedUntil).toBeUndefined();

    connector.failWith = () => undefined;
    expect(await engine.deliver(channelPosts(passing, target), passing, monday9)).toEqual({ sent: 1, waiting: 0, skipped: 0 });
  }, 60_000);

  it('gives a channel post up, sending nothing, when the engine has no way to reach a conversation', async () => {
    const { connector, engine, target } = await world({ conversations: false });
    const posts: Post[] = [{ id: 'a' }];
    expect(await engine.deliver(channelPosts(posts, target), posts, monday9)).toEqual({ sent: 0, waiting: 0, skipped: 1 });
    expect(posts[0]!.outcome).toBe('gave up: no-conversation');
    expect(connector.stats.requests).toBe(0);
  });
});
