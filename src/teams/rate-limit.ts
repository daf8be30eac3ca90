// Teams limits what a bot may send: about 50 requests per second per tenant, and about 7 per second to
// one conversation (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit). Every
// proactive request (open a chat, send, update a card) takes a slot here first, so a campaign to
// thousands of students goes out at the limit instead of into a wall of 429s.
//
// Slots are handed out on a schedule (one every 1/rate seconds), not counted per window: the schedule
// does not drift when a timer fires late, and a short idle moment may be caught up (a small credit)
// without ever exceeding what a one-second token bucket on the service side allows.

export interface RateLimits {
  tenantPerSecond: number;
  conversationPerSecond: number;
}

export interface Throttle {
  /** Waits for a slot for one request in this tenant (and conversation, when known). */
  take(tenantId: string, conversationId?: string): Promise<void>;
  /** The service answered 429: hold the conversation back; repeated 429s hold the whole tenant. */
  throttled(tenantId: string, conversationId: string | undefined, retryAfterMs: number): void;
}

interface Lane {
  next: number;
}

const creditMs = 200;
/** This many 429s within a second mean the tenant as a whole is over its limit, not one conversation. */
const tenantThrottleBurst = 3;

export class TeamsSendThrottle implements Throttle {
  private readonly tenantGap: number;
  private readonly conversationGap: number;
  private readonly tenants = new Map<string, Lane>();
  private readonly conversations = new Map<string, Lane>();
  private readonly recent429 = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly sleep: (ms: number) => Promise<void>;
  private takes = 0;
  /** Requests that had to wait for a slot, and the total wait (for the bench and logs). */
  readonly stats = { requests: 0, waitedMs: 0, tenantHolds: 0 };

  constructor(limits: RateLimits, options: { now?: () => number; sleep?: (ms: number) => Promise<void> } = {}) {
    if (!(limits.tenantPerSecond > 0) || !(limits.conversationPerSecond > 0)) throw new Error('rate limits must be positive');
    this.tenantGap = 1000 / limits.tenantPerSecond;
    this.conversationGap = 1000 / limits.conversationPerSecond;
    this.now = options.now ?? (() => performance.now());
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
  }

  private lane(map: Map<string, Lane>, key: string): Lane {
    let lane = map.get(key);
    if (!lane) {
      lane = { next: 0 };
      map.set(key, lane);
    }
    return lane;
  }

  private async wait(lane: Lane, gap: number, credit: number): Promise<void> {
    const now = this.now();
    const slot = Math.max(now - credit, lane.next);
    lane.next = slot + gap;
    if (slot > now) {
      this.stats.waitedMs += slot - now;
      await this.sleep(slot - now);
    }
  }

  async take(tenantId: string, conversationId?: string): Promise<void> {
    this.stats.requests++;
    if (++this.takes % 5000 === 0) this.prune();
    // The conversation first: a request waiting for its own chat must not hold a tenant slot meanwhile.
    if (conversationId) await this.wait(this.lane(this.conversations, conversationId), this.conversationGap, 0);
    await this.wait(this.lane(this.tenants, tenantId), this.tenantGap, creditMs);
  }

  throttled(tenantId: string, conversationId: string | undefined, retryAfterMs: number): void {
    const now = this.now();
    const until = now + Math.max(0, retryAfterMs);
    if (conversationId) {
      const lane = this.lane(this.conversations, conversationId);
      lane.next = Math.max(lane.next, until);
    }
    const recent = (this.recent429.get(tenantId) ?? []).filter((t) => t > now - 1000);
    recent.push(now);
    this.recent429.set(tenantId, recent);
    if (recent.length >= tenantThrottleBurst || !conversationId) {
      const lane = this.lane(this.tenants, tenantId);
      lane.next = Math.max(lane.next, until);
      this.stats.tenantHolds++;
    }
  }

  /** Forgets conversations that have been quiet for a while (a campaign touches thousands once). */
  private prune(): void {
    const old = this.now() - 10_000;
    for (const [key, lane] of this.conversations) if (lane.next < old) this.conversations.delete(key);
  }
}
