import http from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../platform/log.ts';
import { type Envelope, envelopeSchema } from './activity.ts';
import type { Verification } from './inbound-auth.ts';
import type { Dispatch } from './inbound-routes.ts';
import { describeActivity, requestSpans } from './request-telemetry.ts';

/** Checks who sent a request (src/teams/inbound-auth.ts); absent only in development mode. */
export type Authenticate = (authorization: string | undefined, activity: Envelope) => Promise<Verification>;

/** What a guard answers instead of the bot (a flood, a replay); undefined lets the request through. */
export type GuardResponse = { status: number; body?: unknown; headers?: Record<string, string> };
export type Guard = (activity: Envelope, body: Record<string, unknown>) => Promise<GuardResponse | undefined>;

// The bot's own express server. It is the first line against bad input: bodies over the limit, non-JSON
// and activities without the fields every handler needs are answered with a 4xx here; then the caller
// is authenticated (401 otherwise) and the guards (flood and replay protection) run, all before any
// handler sees the activity. The envelope is validated here once and handed on as parsed.

export class BotHttpAdapter {
  readonly express: express.Express;
  private readonly server: http.Server;
  private readonly host: string;
  private readonly maxBodyBytes: number;
  private readonly log: Logger;
  private readonly authenticate: Authenticate | undefined;
  private readonly guards: Guard[] = [];

  constructor(options: {
    host: string;
    maxBodyBytes: number;
    log: Logger;
    authenticate?: Authenticate;
    /** Development: answer requests from this machine only, with this text to everyone else (403). */
    loopbackOnly?: { refusal: string };
  }) {
    this.host = options.host;
    this.maxBodyBytes = options.maxBodyBytes;
    this.authenticate = options.authenticate;
    this.log = options.log.child({ component: 'http' });
    this.express = express();
    this.express.disable('x-powered-by');
    this.express.set('etag', false);
    this.express.use(requestSpans());
    const loopbackOnly = options.loopbackOnly;
    if (loopbackOnly) {
      // Before every route: with development shortcuts on, whoever reaches the port could act as anyone.
      this.express.use((req: Request, res: Response, next: NextFunction) => {
        if (isLoopback(req.socket.remoteAddress)) return next();
        this.log.warn({ remote: req.socket.remoteAddress }, 'development mode: refused a request from another machine');
        res.status(403).type('text/plain; charset=utf-8').send(loopbackOnly.refusal);
      });
    }
    this.server = http.createServer(this.express);
    // Slow-loris and hung clients must not pin the process.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 15_000;
  }

  /** Guards run in order after authentication; the first answer wins. */
  addGuard(guard: Guard): void {
    this.guards.push(guard);
  }

  /** Serves Teams' activities on `path`: validated, authenticated and guarded, then dispatched. */
  handleActivities(path: string, dispatch: Dispatch): void {
    const json = express.json({ limit: this.maxBodyBytes, strict: true, type: ['application/json', 'application/*+json'] });
    this.express.post(path, json, async (req: Request, res: Response, next: NextFunction) => {
      try {
        if (!req.is(['application/json', 'application/*+json'])) {
          res.status(415).json({ error: 'expected application/json' });
          return;
        }
        const envelope = envelopeSchema.safeParse(req.body);
        if (!envelope.success) {
          const where = envelope.error.issues[0]?.path.join('.') || 'body';
          this.log.info({ where }, 'incomplete activity refused');
          res.status(400).json({ error: `invalid activity: ${where}` });
          return;
        }
        const activity = envelope.data;
        describeActivity(activity);
        if (this.authenticate) {
          const auth = req.headers.authorization;
          const verdict = await this.authenticate(typeof auth === 'string' ? auth : undefined, activity);
          if (!verdict.ok) {
            // The reason and the activity's ids only: never the token.
            this.log.warn({ reason: verdict.reason, type: activity.type.slice(0, 32) }, 'unauthenticated request refused');
            res.status(401).setHeader('www-authenticate', 'Bearer').json({ error: 'unauthorized' });
            return;
          }
        }
        for (const guard of this.guards) {
          const answer = await guard(activity, req.body as Record<string, unknown>);
          if (answer) {
            for (const [k, v] of Object.entries(answer.headers ?? {})) res.setHeader(k, v);
            if (answer.body === undefined) res.status(answer.status).end();
            else res.status(answer.status).json(answer.body);
            return;
          }
        }
        // Fixed words only (the type is bounded by the envelope, the invoke name passed the guard): never content.
        const name = activity['name'];
        this.log.debug(
          { type: activity.type.slice(0, 32), ...(activity.type === 'invoke' && typeof name === 'string' ? { name } : {}) },
          'activity received',
        );
        let result: { status: number; body?: unknown };
        try {
          result = await dispatch(activity);
        } catch (err) {
          // The handlers catch their own failures, so this is a path nobody expected: bad input, answered
          // as such. The fuzz test fails on this log line, so a new path is found, not hidden.
          this.log.error({ err: String(err), type: activity.type.slice(0, 32) }, 'an inbound activity failed');
          result = { status: 400, body: { error: 'could not process this activity' } };
        }
        if (result.body === undefined) res.status(result.status).end();
        else sendJson(res, result.status, result.body);
      } catch (err) {
        next(err);
      }
    });
  }

  /** Error handlers go last: call after every route is registered. */
  finish(): void {
    this.express.use((req: Request, res: Response) => {
      res.status(404).json({ error: 'not found' });
      void req;
    });
    this.express.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
      const e = err as { type?: string; status?: number; message?: string };
      if (e.type === 'entity.too.large') {
        res.status(413).json({ error: `body larger than ${this.maxBodyBytes} bytes` });
        return;
      }
      if (e.type === 'entity.parse.failed' || e.type === 'encoding.unsupported' || e.type === 'charset.unsupported') {
        res.status(400).json({ error: 'body is not valid JSON' });
        return;
      }
      if (e.status && e.status >= 400 && e.status < 500) {
        res.status(e.status).json({ error: 'bad request' });
        return;
      }
      this.log.error({ err: e.message }, 'request failed');
      res.status(500).json({ error: 'internal error' });
    });
  }

  async start(port: number | string): Promise<void> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(Number(port), this.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
  }

  address(): { host: string; port: number } {
    const a = this.server.address() as AddressInfo;
    return { host: a.address, port: a.port };
  }

  async stop(): Promise<void> {
    if (!this.server.listening) return;
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
    });
  }
}

/**
 * The handler's answer as JSON, the headers and body in one write. Express's `res.json` turns a body of
 * 1,000 characters or more (every card) into a Buffer, which goes out as a second write after the
 * headers, and runs its GET-only checks (freshness, HEAD) first: about a tenth of the adapter's CPU per
 * activity (bench/README.md "submit"). Same status, type, length and bytes.
 */
function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

/** 127.0.0.0/8 and ::1, also as IPv4-mapped IPv6 (::ffff:127.0.0.1). */
export function isLoopback(address: string | undefined): boolean {
  if (!address) return false;
  const v4 = address.startsWith('::ffff:') ? address.slice(7) : address;
  return address === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(v4);
}
