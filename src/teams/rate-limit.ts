// Teams limits what a bot may send (https://learn.microsoft.com/microsoftteams/platform/bots/how-to/rate-limit):
// 50 requests per second per tenant, and per conversation 7 per second, 8 per 2 s, 60 per 30 s and
// 1,800 per hour. The service counts them in strict sliding windows: any window of that length, wherever
// it starts, holds at most that many. Every outbound request takes a place here first, so a campaign to
// thousands of students goes out at the limit instead of into a wall of 429s.
//
// When a request stops counting: the service counts a request at some moment between the time we send it
// and the time its answer arrives, and we cannot see which. So a request counts until its answer plus the
// window: always safe, at the cost of one round trip per window (2% at 20 ms). Failed requests (an error,
// a 429, a 5xx) count the same. Requests that find room are released together at one wake-up, so pacing
// costs a timer per window, not per message.
//
// The round-trip credit (round-trips.ts, TEAMS_SEND_CREDIT_MAX_MS) is off by default. With it on, an
// answered request stops counting up to that many ms before its answer: the tenant's shortest round trip,
// less 2 ms and the recent round trips' spread. That assumes the two legs of a round trip (send to count,
// count to answer) are sometimes quick together; a loaded bot and service that are never both idle break
// it, and it then went over the limit (docs/delivery.md).

import { type RoundTripSettings, RoundTrips } from './round-trips.ts';

export interface RateLimits {
  tenantPerSecond: number;
  conversationPerSecond: number;
}

export interface SlidingWindow {
  limit: number;
  ms: number;
}

/**
 * Teams' per-conversation windows for a rate of 7 per second: 7/1 s, 8/2 s, 60/30 s, 1,800/h. Another
 * configured rate scales them all alike (a test bot against a connector that enforces nothing).
 */
export function conversationWindows(perSecond: number): SlidingWindow[] {
  const scale = perSecond / 7;
  return [
    { limit: perSecond, ms: 1_000 },
    { limit: Math.floor(8 * scale), ms: 2_000 },
    { limit: Math.floor(60 * scale), ms: 30_000 },
    { limit: Math.floor(1_800 * scale), ms: 3_600_000 },
  ].map((w) => ({ ...w, limit: Math.max(1, w.limit) }));
}

export interface Throttle {
  /** Runs one request in this tenant (and conversation, when known) as soon as every window has room. */
  run<T>(tenantId: string, conversationId: string | undefined, request: () => Promise<T>): Promise<T>;
  /** The service answered 429: hold the conversation back; repeated 429s hold the whole tenant. */
  throttled(tenantId: string, conversationId: string | undefined, retryAfterMs: number): void;
}

/** Runs a request and then `ended`, told whether it was answered (resolved) or failed. */
export async function runAnswered<T>(request: () => Promise<T>, ended: (answered: boolean) => void): Promise<T> {
  let answered = false;
  try {
    const result = await request();
    answered = true;
    return result;
  } finally {
    ended(answered);
  }
}

export type SetTimer = (run: () => void, ms: number) => () => void;

/** One key's windows: requests in flight count as "now" until answered; answered ones by their end time. */
class Lane {
  inFlight = 0;
  /** End times of answered requests, ascending; only as many as the largest window can hold. */
  readonly ended: number[] = [];
  heldUntil = 0;
  private readonly windows: readonly SlidingWindow[];
  private readonly keep: number;
  constructor(windows: readonly SlidingWindow[]) {
    this.windows = windows;
    this.keep = Math.max(...windows.map((w) => w.limit));
  }

  /** The earliest moment a new request may start (Infinity: only an answer can make room). */
  earliest(marginMs: number): number {
    let at = this.heldUntil;
    for (const w of this.windows) {
      const room = w.limit - this.inFlight;
      if (room <= 0) return Number.POSITIVE_INFINITY;
      // The room-th most recent end must have left the window.
      const end = this.ended[this.ended.length - room];
      if (end !== undefined) at = Math.max(at, end + w.ms + marginMs);
    }
    return at;
  }

  finish(at: number): void {
    this.inFlight--;
    let i = this.ended.length;
    while (i > 0 && this.ended[i - 1]! > at) i--;
    this.ended.splice(i, 0, at);
    if (this.ended.length > this.keep * 2) this.ended.splice(0, this.ended.length - this.keep);
  }

  idleSince(now: number, longestMs: number): boolean {
    return this.inFlight === 0 && this.heldUntil < now && (this.ended.at(-1) ?? 0) < now - longestMs;
  }
}

interface Waiter {
  conversation: Lane | undefined;
  release: (at: number) => void;
}

interface TenantQueue {
  lane: Lane;
  roundTrips: RoundTrips;
  waiting: Waiter[];
  wakeAt: number;
  cancel: (() => void) | undefined;
}

/** The window Teams counts a tenant's requests in (TEAMS_TENANT_RPS is per this window). */
export const tenantWindowMs = 1000;

/** This many 429s within a second mean the tenant as a whole is over its limit, not one conversation. */
const tenantThrottleBurst = 3;

export class TeamsSendThrottle implements Throttle {
  private readonly tenantWindows: readonly SlidingWindow[];
  private readonly conversationWindows: readonly SlidingWindow[];
  private readonly tenants = new Map<string, TenantQueue>();
  private readonly conversations = new Map<string, Lane>();
  private readonly recent429 = new Map<string, number[]>();
  private readonly now: () => number;
  private readonly setTimer: SetTimer;
  private readonly marginMs: number;
  private released = 0;
  /** Requests released, and the total time they waited for room (for the bench and logs). */
  readonly stats = { requests: 0, waitedMs: 0, tenantHolds: 0 };

  private readonly roundTrips: RoundTripSettings;

  constructor(
    limits: RateLimits,
    options: {
      now?: () => number;
      setTimer?: SetTimer;
      marginMs?: number;
      /** Defaults: 100 answers, 2 ms, and no credit (maxMs 0; RoundTripSettings). */
      roundTrips?: Partial<RoundTripSettings>;
    } = {},
  ) {
    if (!(limits.tenantPerSecond > 0) || !(limits.conversationPerSecond > 0)) throw new Error('rate limits must be positive');
    this.tenantWindows = [{ limit: limits.tenantPerSecond, ms: tenantWindowMs }];
    this.conversationWindows = conversationWindows(limits.conversationPerSecond);
    this.now = options.now ?? (() => performance.now());
    this.setTimer =
      options.setTimer ??
      ((run, ms) => {
        const timer = setTimeout(run, ms);
        return () => clearTimeout(timer);
      });
    // Clocks on both sides round to the millisecond; one more keeps "after the window" strictly after.
    this.marginMs = options.marginMs ?? 1;
    this.roundTrips = { least: 100, marginMs: 2, maxMs: 0, ...options.roundTrips };
  }

  async run<T>(tenantId: string, conversationId: string | undefined, request: () => Promise<T>): Promise<T> {
    return this.counted(tenantId, conversationId, request, true);
  }

  private async counted<T>(
    tenantId: string,
    conversationId: string | undefined,
    request: () => Promise<T>,
    timed: boolean,
  ): Promise<T> {
    const tenant = this.tenant(tenantId);
    const conversation = conversationId ? this.conversation(conversationId) : undefined;
    const asked = this.now();
    const startedAt = await new Promise<number>((release) => {
      tenant.waiting.push({ conversation, release });
      this.pump(tenant);
    });
    this.stats.requests++;
    this.stats.waitedMs += startedAt - asked;
    return runAnswered(request, (answered) => {
      const end = this.now();
      let credit = 0;
      // Round trips are only kept while a credit may come of them.
      if (answered && timed && this.roundTrips.maxMs > 0) {
        credit = Math.min(tenant.roundTrips.credit(), end - startedAt);
        tenant.roundTrips.add(end - startedAt);
      }
      tenant.lane.finish(end - credit);
      conversation?.finish(end - credit);
      this.pump(tenant);
    });
  }

  /** Waits for room and counts a request that is over at once (tests, and callers without an answer to wait for). */
  take(tenantId: string, conversationId?: string): Promise<void> {
    return this.counted(tenantId, conversationId, async () => undefined, false);
  }

  throttled(tenantId: string, conversationId: string | undefined, retryAfterMs: number): void {
    const now = this.now();
    const until = now + Math.max(0, retryAfterMs);
    if (conversationId) {
      const lane = this.conversation(conversationId);
      lane.heldUntil = Math.max(lane.heldUntil, until);
    }
    const recent = (this.recent429.get(tenantId) ?? []).filter((t) => t > now - 1000);
    recent.push(now);
    this.recent429.set(tenantId, recent);
    if (recent.length >= tenantThrottleBurst || !conversationId) {
      const tenant = this.tenant(tenantId);
      tenant.lane.heldUntil = Math.max(tenant.lane.heldUntil, until);
      this.stats.tenantHolds++;
    }
  }

  private tenant(id: string): TenantQueue {
    let tenant = this.tenants.get(id);
    if (!tenant) {
      tenant = {
        lane: new Lane(this.tenantWindows),
        roundTrips: new RoundTrips(this.roundTrips),
        waiting: [],
        wakeAt: Number.POSITIVE_INFINITY,
        cancel: undefined,
      };
      this.tenants.set(id, tenant);
    }
    return tenant;
  }

  private conversation(id: string): Lane {
    let lane = this.conversations.get(id);
    if (!lane) {
      lane = new Lane(this.conversationWindows);
      this.conversations.set(id, lane);
    }
    return lane;
  }

  /** Releases, in order, every waiter that has room now; a waiter held by its own chat does not hold the others. */
  private pump(tenant: TenantQueue): void {
    const now = this.now();
    let wake = Number.POSITIVE_INFINITY;
    const still: Waiter[] = [];
    let i = 0;
    for (; i < tenant.waiting.length; i++) {
      const waiter = tenant.waiting[i]!;
      const tenantAt = tenant.lane.earliest(this.marginMs);
      if (tenantAt > now) {
        wake = tenantAt;
        break;
      }
      const conversationAt = waiter.conversation?.earliest(this.marginMs) ?? now;
      if (conversationAt > now) {
        wake = Math.min(wake, conversationAt);
        still.push(waiter);
        continue;
      }
      tenant.lane.inFlight++;
      if (waiter.conversation) waiter.conversation.inFlight++;
      waiter.release(now);
      if (++this.released % 5000 === 0) this.prune(now);
    }
    tenant.waiting = i < tenant.waiting.length ? still.concat(tenant.waiting.slice(i)) : still;
    // Infinity means only an answer can make room, and every answer pumps again.
    if (tenant.waiting.length > 0 && Number.isFinite(wake)) this.wakeAt(tenant, wake, now);
  }

  private wakeAt(tenant: TenantQueue, at: number, now: number): void {
    if (tenant.cancel && tenant.wakeAt <= at) return;
    tenant.cancel?.();
    tenant.wakeAt = at;
    tenant.cancel = this.setTimer(
      () => {
        tenant.cancel = undefined;
        tenant.wakeAt = Number.POSITIVE_INFINITY;
        this.pump(tenant);
      },
      Math.max(0, Math.ceil(at - now)),
    );
  }

  /** Forgets conversations quiet for longer than their longest window (a campaign touches thousands once). */
  private prune(now: number): void {
    const longest = Math.max(...this.conversationWindows.map((w) => w.ms));
    for (const [key, lane] of this.conversations) if (lane.idleSince(now, longest)) this.conversations.delete(key);
  }
}
