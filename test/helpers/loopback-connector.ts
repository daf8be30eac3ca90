import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

// A Bot Connector on loopback: what Teams' service URL does for the bot (send, update, open a 1:1
// chat, read members), recording everything, with hooks to inject failures (403, 404, 429, 5xx).
// Optionally it enforces Teams' rate limits per tenant and per conversation, answered with 429 and
// Retry-After: as strict sliding windows (what Teams does: no window of that length, wherever it starts,
// holds more) or as a lenient token bucket that allows a one-second burst on top of the rate, injects 429s and 5xx at a given rate, adds latency, or stands in front of
// another connector (the Playground's) and forwards what it does not fail.

export interface Member {
  id: string;
  aadObjectId?: string;
  name?: string;
  email?: string;
  userPrincipalName?: string;
}

export interface Recorded {
  op: 'create' | 'update';
  conversationId: string;
  activityId: string;
  activity: Record<string, unknown>;
  authorization: string | undefined;
  at: number;
}

export type Failure = { status: number; retryAfterSeconds?: number; code?: string } | undefined;

export interface LoopbackOptions {
  /** Teams' limits: requests per second for the whole connector (one tenant) and per conversation. */
  limits?: {
    tenantPerSecond?: number;
    conversationPerSecond?: number;
    /**
     * 'sliding' (strict, as Teams): at most tenantPerSecond in any 1 s; per conversation at most
     * conversationPerSecond in any 1 s, 8 in 2 s, 60 in 30 s, 1,800 in an hour. 'bucket' (default, lenient):
     * token buckets of one second, which let a sender that is a little over the rate through.
     */
    window?: 'sliding' | 'bucket';
  };
  /** Random failures: a share of requests answered 429 (with Retry-After) or 5xx (412, 502, 503, 504). */
  inject?: { rate429?: number; rate5xx?: number; retryAfterSeconds?: number; random?: () => number };
  /** Delay before each answer, like a real service's latency. */
  latencyMs?: number;
  /** Forward every request that is not failed to this connector (e.g. the Playground's /_connector). */
  forwardTo?: string;
  /** Keep the full activity of each message in `recorded` (default true; the bench keeps only ids). */
  keepActivities?: boolean;
}

interface Limiter {
  /** Counts a request, or tells how many seconds until there is room. */
  take(): number;
}

/** Strict sliding windows on this connector's clock: a request is refused when any window is full. */
class SlidingWindows implements Limiter {
  private readonly accepted: number[] = [];
  private readonly windows: { limit: number; ms: number }[];
  private readonly keep: number;
  constructor(windows: { limit: number; ms: number }[]) {
    this.windows = windows;
    this.keep = Math.max(...windows.map((w) => w.limit));
  }
  take(): number {
    const now = performance.now();
    let wait = 0;
    for (const w of this.windows) {
      const oldest = this.accepted[this.accepted.length - w.limit];
      // The window (now - ms, now] already holds `limit` requests.
      if (oldest !== undefined && oldest > now - w.ms) wait = Math.max(wait, oldest + w.ms - now);
    }
    if (wait > 0) return Math.max(1, Math.ceil(wait / 1000));
    this.accepted.push(now);
    if (this.accepted.length > this.keep * 2) this.accepted.splice(0, this.accepted.length - this.keep);
    return 0;
  }
}

class Bucket implements Limiter {
  private tokens: number;
  private at = performance.now();
  private readonly rate: number;
  constructor(rate: number) {
    this.rate = rate;
    this.tokens = rate;
  }
  /** Takes a token, or tells how many seconds until there is one. */
  take(): number {
    const now = performance.now();
    this.tokens = Math.min(this.rate, this.tokens + ((now - this.at) / 1000) * this.rate);
    this.at = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - this.tokens) / this.rate));
  }
}

export class LoopbackConnector {
  readonly members = new Map<string, Member>();
  readonly teams = new Map<string, string[]>();
  /** 1:1 conversation id → the user in it. */
  readonly conversations = new Map<string, string>();
  readonly recorded: Recorded[] = [];
  /** Decide per request whether it fails; return undefined to let it through. */
  failWith: (req: { method: string; path: string; conversationId?: string; userId?: string }) => Failure = () => undefined;
  /** Told about every message or update it accepted (the bench counts deliveries with it). */
  onRecord: ((r: Recorded) => void) | undefined;
  readonly stats = { requests: 0, accepted: 0, limited: 0, injected429: 0, injected5xx: 0, failed: 0 };
  private server!: http.Server;
  private nextId = 1;
  private readonly options: LoopbackOptions;
  private readonly tenantBucket: Limiter | undefined;
  private readonly conversationBuckets = new Map<string, Limiter>();
  url = '';

  constructor(options: LoopbackOptions = {}) {
    this.options = options;
    const tenantRate = options.limits?.tenantPerSecond;
    this.tenantBucket = tenantRate ? this.limiter([{ limit: tenantRate, ms: 1000 }]) : undefined;
  }

  private limiter(windows: { limit: number; ms: number }[]): Limiter {
    return this.options.limits?.window === 'sliding' ? new SlidingWindows(windows) : new Bucket(windows[0]!.limit);
  }

  static async start(options: LoopbackOptions = {}, port = 0): Promise<LoopbackConnector> {
    const c = new LoopbackConnector(options);
    await c.listen(port);
    return c;
  }

  /** Limits and random failures, in that order; undefined lets the request through. */
  private enforce(conversationId: string | undefined): Failure {
    const { limits, inject } = this.options;
    const tenantWait = this.tenantBucket?.take() ?? 0;
    if (tenantWait) {
      this.stats.limited++;
      return { status: 429, retryAfterSeconds: tenantWait, code: 'TooManyRequests' };
    }
    if (conversationId && limits?.conversationPerSecond) {
      let bucket = this.conversationBuckets.get(conversationId);
      if (!bucket) {
        bucket = this.limiter([
          { limit: limits.conversationPerSecond, ms: 1000 },
          { limit: 8, ms: 2000 },
          { limit: 60, ms: 30_000 },
          { limit: 1800, ms: 3_600_000 },
        ]);
        this.conversationBuckets.set(conversationId, bucket);
      }
      const wait = bucket.take();
      if (wait) {
        this.stats.limited++;
        return { status: 429, retryAfterSeconds: wait, code: 'TooManyRequests' };
      }
    }
    if (inject) {
      const random = inject.random ?? Math.random;
      if (inject.rate429 && random() < inject.rate429) {
        this.stats.injected429++;
        return { status: 429, retryAfterSeconds: inject.retryAfterSeconds ?? 1, code: 'TooManyRequests' };
      }
      if (inject.rate5xx && random() < inject.rate5xx) {
        this.stats.injected5xx++;
        const statuses = [412, 502, 503, 504];
        return { status: statuses[Math.floor(random() * statuses.length)]!, code: 'ServiceError' };
      }
    }
    return undefined;
  }

  /** failWith, then the limits and injected failures; sends the failure and returns true when the request fails. */
  private failed(
    res: express.Response,
    req: { method: string; path: string; conversationId?: string; userId?: string },
  ): boolean {
    this.stats.requests++;
    const f = this.failWith(req) ?? this.enforce(req.conversationId);
    if (!f) {
      this.stats.accepted++;
      return false;
    }
    this.stats.failed++;
    this.fail(res, f);
    return true;
  }

  private record(r: Recorded): void {
    if (this.options.keepActivities ?? true) this.recorded.push(r);
    this.onRecord?.(r);
  }

  addMember(member: Member): void {
    this.members.set(member.id, member);
  }

  /** The 1:1 conversation the connector assigns to a user. */
  personalConversationOf(userId: string): string | undefined {
    for (const [conversationId, user] of this.conversations) if (user === userId) return conversationId;
    return undefined;
  }

  /** Cards (Adaptive Card content) sent to a conversation, oldest first. */
  cardsIn(conversationId: string): Record<string, unknown>[] {
    return this.recorded
      .filter((r) => r.conversationId === conversationId && r.op === 'create')
      .flatMap((r) =>
        ((r.activity['attachments'] as { content: Record<string, unknown> }[] | undefined) ?? []).map((a) => a.content),
      );
  }

  async waitFor<T>(find: () => T | undefined, timeoutMs = 5000): Promise<T> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined && found !== false) return found;
      if (Date.now() > until) throw new Error('timed out waiting for the connector');
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  private fail(res: express.Response, f: NonNullable<Failure>): void {
    if (f.retryAfterSeconds !== undefined) res.setHeader('retry-after', String(f.retryAfterSeconds));
    res.status(f.status).json({ error: { code: f.code ?? `Status${f.status}`, message: 'injected' } });
  }

  private async listen(port: number): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    if (this.options.latencyMs) {
      const ms = this.options.latencyMs;
      // A timer set late in a long turn of the event loop counts from the turn's start and can fire
      // early by the turn's length: a loaded connector would then answer (and count) in less than its
      // latency. Timed from the clock, and waited again for what is left.
      app.use((_req, _res, next) => {
        const due = performance.now() + ms;
        const wait = () => {
          const left = due - performance.now();
          if (left > 0) setTimeout(wait, left);
          else next();
        };
        setTimeout(wait, ms);
      });
    }
    if (this.options.forwardTo) app.use((req, res) => void this.forward(req, res));
    app.post('/v3/conversations', (req, res) => {
      const userId = (req.body?.members?.[0]?.id as string | undefined) ?? '';
      if (this.failed(res, { method: 'POST', path: '/v3/conversations', userId })) return;
      if (!this.members.has(userId)) return this.fail(res, { status: 404, code: 'MemberNotFound' });
      const existing = this.personalConversationOf(userId);
      const id = existing ?? `a:loopback-${userId}`;
      this.conversations.set(id, userId);
      res.status(existing ? 200 : 201).json({ id });
    });
    // A new message (POST) or an update of one (PUT): recorded alike, unless a failWith hook answers first.
    const activityRoute =
      (op: 'create' | 'update') =>
      (req: express.Request<{ conversationId: string; activityId?: string }>, res: express.Response) => {
        const { conversationId } = req.params;
        const userId = this.conversations.get(conversationId);
        if (this.failed(res, { method: op === 'create' ? 'POST' : 'PUT', path: req.path, conversationId, userId })) return;
        const activityId = req.params.activityId ?? `act-${this.nextId++}`;
        this.record({
          op,
          conversationId,
          activityId,
          activity: req.body,
          authorization: req.headers.authorization,
          at: Date.now(),
        });
        res.status(op === 'create' ? 201 : 200).json({ id: activityId });
      };
    app.post('/v3/conversations/:conversationId/activities', activityRoute('create'));
    app.put('/v3/conversations/:conversationId/activities/:activityId', activityRoute('update'));
    app.get('/v3/conversations/:conversationId/members/:memberId', (req, res) => {
      const member = this.members.get(req.params.memberId);
      if (!member) return this.fail(res, { status: 404, code: 'MemberNotFound' });
      res.json(member);
    });
    app.get('/v3/conversations/:conversationId/pagedmembers', (req, res) => {
      const ids = this.teams.get(req.params.conversationId) ?? [];
      res.json({ members: ids.map((id) => this.members.get(id)).filter(Boolean) });
    });
    this.server = http.createServer(app);
    this.server.keepAliveTimeout = 30_000;
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** In front of another connector: fail what failWith or the limits say, forward the rest and record messages. */
  private async forward(req: express.Request, res: express.Response): Promise<void> {
    const m = /^\/v3\/conversations(?:\/([^/]+)\/activities(?:\/([^/]+))?)?$/.exec(req.path);
    const conversationId = m?.[1] ? decodeURIComponent(m[1]) : undefined;
    const userId =
      req.method === 'POST' && req.path === '/v3/conversations'
        ? ((req.body?.members?.[0]?.id as string | undefined) ?? '')
        : conversationId && this.conversations.get(conversationId);
    if (
      this.failed(res, {
        method: req.method,
        path: req.path,
        ...(conversationId ? { conversationId } : {}),
        ...(userId ? { userId } : {}),
      })
    )
      return;
    const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
    const upstream = await fetch(`${this.options.forwardTo}${req.originalUrl}`, {
      method: req.method,
      headers: {
        'content-type': 'application/json',
        ...(req.headers.authorization ? { authorization: req.headers.authorization } : {}),
      },
      ...(hasBody ? { body: JSON.stringify(req.body ?? {}) } : {}),
    });
    const text = await upstream.text();
    if (upstream.ok && req.method === 'POST' && req.path === '/v3/conversations' && userId) {
      const id = (JSON.parse(text || '{}') as { id?: string }).id;
      if (id) this.conversations.set(id, userId);
    }
    if (upstream.ok && m?.[1] && (req.method === 'POST' || req.method === 'PUT')) {
      this.record({
        op: req.method === 'POST' ? 'create' : 'update',
        conversationId: conversationId!,
        activityId: m[2] ? decodeURIComponent(m[2]) : ((JSON.parse(text || '{}') as { id?: string }).id ?? ''),
        activity: req.body,
        authorization: req.headers.authorization,
        at: Date.now(),
      });
    }
    res.status(upstream.status).type('application/json').send(text);
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
