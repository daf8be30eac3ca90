import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express from 'express';

// A Bot Connector on loopback: what Teams' service URL does for the bot (send, update, open a 1:1
// chat, read members), recording everything, with hooks to inject failures (403, 404, 429, 5xx).

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

export class LoopbackConnector {
  readonly members = new Map<string, Member>();
  readonly teams = new Map<string, string[]>();
  /** 1:1 conversation id → the user in it. */
  readonly conversations = new Map<string, string>();
  readonly recorded: Recorded[] = [];
  /** Decide per request whether it fails; return undefined to let it through. */
  failWith: (req: { method: string; path: string; conversationId?: string; userId?: string }) => Failure = () => undefined;
  private server!: http.Server;
  private nextId = 1;
  url = '';

  static async start(): Promise<LoopbackConnector> {
    const c = new LoopbackConnector();
    await c.listen();
    return c;
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

  private async listen(): Promise<void> {
    const app = express();
    app.use(express.json({ limit: '1mb' }));
    app.post('/v3/conversations', (req, res) => {
      const userId = (req.body?.members?.[0]?.id as string | undefined) ?? '';
      const f = this.failWith({ method: 'POST', path: '/v3/conversations', userId });
      if (f) return this.fail(res, f);
      if (!this.members.has(userId)) return this.fail(res, { status: 404, code: 'MemberNotFound' });
      const existing = this.personalConversationOf(userId);
      const id = existing ?? `a:loopback-${userId}`;
      this.conversations.set(id, userId);
      res.status(existing ? 200 : 201).json({ id });
    });
    app.post('/v3/conversations/:conversationId/activities', (req, res) => {
      const conversationId = req.params.conversationId;
      const f = this.failWith({ method: 'POST', path: req.path, conversationId, userId: this.conversations.get(conversationId) });
      if (f) return this.fail(res, f);
      const activityId = `act-${this.nextId++}`;
      this.recorded.push({
        op: 'create',
        conversationId,
        activityId,
        activity: req.body,
        authorization: req.headers.authorization,
        at: Date.now(),
      });
      res.status(201).json({ id: activityId });
    });
    app.put('/v3/conversations/:conversationId/activities/:activityId', (req, res) => {
      const { conversationId, activityId } = req.params;
      const f = this.failWith({ method: 'PUT', path: req.path, conversationId, userId: this.conversations.get(conversationId) });
      if (f) return this.fail(res, f);
      this.recorded.push({
        op: 'update',
        conversationId,
        activityId,
        activity: req.body,
        authorization: req.headers.authorization,
        at: Date.now(),
      });
      res.status(200).json({ id: activityId });
    });
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
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
