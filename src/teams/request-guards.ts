import { messageCard } from '../core/cards/cards.ts';
import { t } from '../core/i18n.ts';
import { localeFrom } from '../core/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/log.ts';
import { type Envelope, tenantOf } from './activity.ts';
import { type ConnectorClient, cardActivity } from './connector.ts';
import type { Guard } from './http-adapter.ts';

// Two guards in front of every handler (after authentication):
// - replays: a Bot Framework token is not bound to the request body and stays valid for about an hour,
//   so a captured request could be sent again. An activity id seen before in the same conversation is
//   answered 200 and not processed again.
// - floods: commands and card actions per user go through a token bucket. The first request over the
//   limit gets one short, polite message; after that the user gets silence (429) until they slow down.
// Both keep their state in memory, bounded in size: a flood of made-up ids or users cannot grow it.
// A third refuses invokes the bot does not offer (message extensions, sign-in, file consent): the SDK's
// defaults for those fail on unexpected values (500) or call the Bot Framework token service.

/** A map that forgets its oldest entries beyond `max` (Map keeps insertion order). */
class BoundedMap<V> extends Map<string, V> {
  private readonly max: number;
  constructor(max: number) {
    super();
    this.max = max;
  }
  override set(key: string, value: V): this {
    super.delete(key);
    super.set(key, value);
    if (this.size > this.max) this.delete(this.keys().next().value!);
    return this;
  }
}

export interface RateLimitOptions {
  perMinute: number;
  burst: number;
  clock: Clock;
  maxUsers?: number;
}

export type RateDecision = { ok: true } | { ok: false; retryAfterSeconds: number; firstRefusal: boolean };

export class RateLimiter {
  private readonly o: RateLimitOptions;
  private readonly buckets: BoundedMap<{ tokens: number; at: number; refused: boolean }>;
  constructor(options: RateLimitOptions) {
    this.o = options;
    this.buckets = new BoundedMap(options.maxUsers ?? 20_000);
  }

  take(key: string): RateDecision {
    const now = this.o.clock.now().getTime();
    const perMs = this.o.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.o.burst, at: now, refused: false };
    b.tokens = Math.min(this.o.burst, b.tokens + Math.max(0, now - b.at) * perMs);
    b.at = now;
    if (b.tokens >= 1) {
      b.tokens -= 1;
      b.refused = false;
      this.buckets.set(key, b);
      return { ok: true };
    }
    const firstRefusal = !b.refused;
    b.refused = true;
    this.buckets.set(key, b);
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000)), firstRefusal };
  }
}

/** Drops an activity that was already received (same conversation, same activity id). */
export function replayGuard(options: { clock: Clock; log: Logger; windowMs?: number; max?: number }): Guard {
  const windowMs = options.windowMs ?? 70 * 60_000;
  const seen = new BoundedMap<number>(options.max ?? 50_000);
  return async (activity) => {
    if (!activity.id) return undefined;
    const key = `${activity.conversation.id}\n${activity.id}`;
    const now = options.clock.now().getTime();
    const at = seen.get(key);
    if (at !== undefined && now - at < windowMs) {
      options.log.info({ type: activity.type, activityId: activity.id.slice(0, 64) }, 'repeated activity ignored');
      return { status: 200 };
    }
    seen.set(key, now);
    return undefined;
  };
}

/** Limits commands (messages) and card actions (invokes) per user. */
export function floodGuard(options: {
  limiter: RateLimiter;
  connector: ConnectorClient;
  defaultLocale: 'nl' | 'en';
  log: Logger;
}): Guard {
  return async (activity: Envelope) => {
    if (activity.type !== 'message' && activity.type !== 'invoke') return undefined;
    const decision = options.limiter.take(`${tenantOf(activity) ?? '-'}\n${activity.from.id}`);
    if (decision.ok) return undefined;
    const retry = { 'retry-after': String(decision.retryAfterSeconds) };
    if (!decision.firstRefusal) return { status: 429, headers: retry };
    options.log.warn({ type: activity.type, retryAfterSeconds: decision.retryAfterSeconds }, 'user over the rate limit');
    const locale = localeFrom(activity.locale, options.defaultLocale);
    if (activity.type === 'invoke') {
      // A message response leaves the card the user pressed as it was.
      return {
        status: 200,
        body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message', value: t(locale, 'security.slowDown') },
      };
    }
    try {
      await options.connector.sendActivity(activity.serviceUrl, activity.conversation.id, {
        ...cardActivity(messageCard('security.slowDown', locale)),
        from: { id: activity.recipient.id },
      });
    } catch (err) {
      options.log.warn({ err: String(err) }, 'could not send the slow-down message');
    }
    return { status: 200 };
  };
}

/** Refuses invoke activities whose name the bot does not handle, before the SDK sees them. */
export function invokeGuard(handled: readonly string[], log: Logger): Guard {
  return async (_activity, body) => {
    if (body['type'] !== 'invoke') return undefined;
    const name = body['name'];
    if (typeof name === 'string' && handled.includes(name)) return undefined;
    log.info({ name: typeof name === 'string' ? name.slice(0, 64) : typeof name }, 'unsupported invoke refused');
    return { status: 400, body: { error: 'unsupported invoke' } };
  };
}
