import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { HttpMethod, HttpRouteHandler, IHttpServerAdapter } from '@microsoft/teams.apps';
import express, { type NextFunction, type Request, type Response } from 'express';
import type { Logger } from '../log.ts';
import { envelopeSchema } from './activity.ts';

// The bot's own express server, plugged into the Teams SDK as its HTTP transport. It is the first line
// against bad input: bodies over the limit, non-JSON and activities without the fields every handler
// needs are answered with a 4xx here, before the SDK (and its JWT check) sees them.

export class BotHttpAdapter implements IHttpServerAdapter {
  readonly express: express.Express;
  private readonly server: http.Server;
  private readonly host: string;
  private readonly maxBodyBytes: number;
  private readonly log: Logger;

  constructor(options: { host: string; maxBodyBytes: number; log: Logger }) {
    this.host = options.host;
    this.maxBodyBytes = options.maxBodyBytes;
    this.log = options.log.child({ component: 'http' });
    this.express = express();
    this.express.disable('x-powered-by');
    this.express.set('etag', false);
    this.server = http.createServer(this.express);
    // Slow-loris and hung clients must not pin the process.
    this.server.requestTimeout = 30_000;
    this.server.headersTimeout = 15_000;
  }

  registerRoute(method: HttpMethod, path: string, handler: HttpRouteHandler): void {
    if (method !== 'POST') throw new Error(`unsupported method ${method}`);
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
        const headers = Object.fromEntries(
          Object.entries(req.headers).filter((e): e is [string, string | string[]] => e[1] !== undefined),
        );
        const result = await handler({ body: req.body, headers });
        if (result.body === undefined) res.status(result.status).end();
        else res.status(result.status).json(result.body);
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
