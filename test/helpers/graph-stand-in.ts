import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A local Microsoft Graph for installing the app for users: the tenant's app catalog, users with or
// without a Teams licence, an app permission policy that blocks some of them, installations with their
// 1:1 chat; and mail sent as a user (sendMail), refused without the Mail.Send permission. It answers as Graph does, errors included (401 without a token, 403 blocked by policy, 404
// unknown or unlicensed user, 409 already installed, 429 with Retry-After), and records every request.

export interface StandInUser {
  id: string;
  userPrincipalName: string;
  /** Default true. Without a Teams licence Graph answers 404 to an installation. */
  licensed?: boolean;
  /** The tenant's app permission policy blocks the app for this user: 403. */
  blocked?: boolean;
}

interface Installation {
  id: string;
  catalogId: string;
  chatId: string;
  /** GETs of the chat still answered 404 (Graph creates the chat shortly after the installation). */
  chatPendingFor: number;
}

export class GraphStandIn {
  readonly users = new Map<string, StandInUser>();
  readonly catalog: { id: string; externalId: string; displayName: string }[] = [];
  readonly installations = new Map<string, Installation>();
  readonly requests: { method: string; path: string; authorization: string | undefined; at: number }[] = [];
  /** Answers to give before anything else, in order (e.g. a 429 with Retry-After). */
  readonly inject: { match: (method: string, path: string) => boolean; status: number; retryAfterSeconds?: number }[] = [];
  /** How many chat lookups of a fresh installation answer 404 before the chat exists. */
  chatDelay = 0;
  /** Mail sent through /users/{sender}/sendMail, as Graph received it. */
  readonly mails: { sender: string; message: Record<string, unknown>; saveToSentItems: unknown }[] = [];
  /** The app lacks the application permission Mail.Send: sendMail answers 403. */
  mailForbidden = false;
  /** Told when the app was installed for a user (the test's Teams would now know the chat). */
  onInstall: ((user: StandInUser, chatId: string) => void) | undefined;
  private server!: http.Server;
  private nextId = 1;
  url = '';

  static async start(): Promise<GraphStandIn> {
    const g = new GraphStandIn();
    g.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => g.answer(req, raw, res));
    });
    await new Promise<void>((r) => g.server.listen(0, '127.0.0.1', r));
    g.url = `http://127.0.0.1:${(g.server.address() as AddressInfo).port}`;
    return g;
  }

  addUser(user: StandInUser): void {
    this.users.set(user.id, user);
  }

  /** Requests of one kind, e.g. ('POST', '/teamwork/installedApps'). */
  count(method: string, pathPart: string): number {
    return this.requests.filter((r) => r.method === method && r.path.includes(pathPart)).length;
  }

  private user(idOrUpn: string): StandInUser | undefined {
    const key = idOrUpn.toLowerCase();
    for (const u of this.users.values()) if (u.id === key || u.userPrincipalName.toLowerCase() === key) return u;
    return undefined;
  }

  private answer(req: http.IncomingMessage, raw: string, res: http.ServerResponse) {
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://stand-in');
    const path = decodeURIComponent(url.pathname);
    this.requests.push({ method, path: `${path}${url.search}`, authorization: req.headers.authorization, at: Date.now() });
    const send = (status: number, body?: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    const error = (status: number, code: string, message: string, headers: Record<string, string> = {}) =>
      send(
        status,
        { error: { code, message, innerError: { date: new Date().toISOString(), 'request-id': `req-${this.nextId++}` } } },
        headers,
      );

    const injected = this.inject.findIndex((i) => i.match(method, path));
    if (injected >= 0) {
      const [i] = this.inject.splice(injected, 1);
      const headers: Record<string, string> =
        i!.retryAfterSeconds !== undefined ? { 'retry-after': String(i!.retryAfterSeconds) } : {};
      if (i!.status === 429) return error(429, 'TooManyRequests', 'Too many requests.', headers);
      return error(i!.status, i!.status >= 500 ? 'ServiceUnavailable' : 'BadRequest', 'Injected.', headers);
    }
    if (!/^Bearer \S+$/.test(req.headers.authorization ?? ''))
      return error(401, 'InvalidAuthenticationToken', 'Access token is empty.');

    const filter = url.searchParams.get('$filter') ?? '';
    if (method === 'GET' && path === '/v1.0/appCatalogs/teamsApps') {
      const externalId = /^externalId eq '([^']+)'$/.exec(filter)?.[1];
      const apps = this.catalog.filter((a) => a.externalId === externalId);
      return send(200, { value: apps.map((a) => ({ ...a, distributionMethod: 'organization' })) });
    }
    const mail = /^\/v1\.0\/users\/([^/]+)\/sendMail$/.exec(path);
    if (mail && method === 'POST') {
      if (this.mailForbidden) return error(403, 'ErrorAccessDenied', 'Access is denied. Check credentials and try again.');
      if (!this.user(mail[1]!)) return error(404, 'ErrorInvalidUser', 'The requested user is invalid.');
      let body: { message?: Record<string, unknown>; saveToSentItems?: unknown } = {};
      try {
        body = JSON.parse(raw || '{}') as typeof body;
      } catch {
        return error(400, 'BadRequest', 'Invalid JSON.');
      }
      if (!body.message) return error(400, 'ErrorInvalidRequest', 'The message is missing.');
      this.mails.push({ sender: mail[1]!, message: body.message, saveToSentItems: body.saveToSentItems });
      return send(202);
    }
    const m = /^\/v1\.0\/users\/([^/]+)\/teamwork\/installedApps(?:\/([^/]+)(\/chat)?)?$/.exec(path);
    if (!m) return error(404, 'UnknownError', 'Resource not found for the segment.');
    const user = this.user(m[1]!);
    // Graph does not tell a missing user from one without Teams: both are "not found" here.
    if (!user || user.licensed === false) return error(404, 'NotFound', 'User not found or has no Teams license.');
    const installation = this.installations.get(user.id);

    if (method === 'POST' && !m[2]) {
      let body: Record<string, unknown> = {};
      try {
        body = JSON.parse(raw || '{}') as Record<string, unknown>;
      } catch {
        return error(400, 'BadRequest', 'Invalid JSON.');
      }
      const bind = String(body['teamsApp@odata.bind'] ?? '');
      const app = this.catalog.find((a) => bind.endsWith(`/appCatalogs/teamsApps/${a.id}`));
      if (!app) return error(404, 'NotFound', 'The app does not exist in the catalog.');
      if (user.blocked) return error(403, 'Forbidden', 'The app is blocked by the app permission policy.');
      if (installation) return error(409, 'Conflict', 'App is already installed.');
      const chatId = `19:${user.id}_${app.id}@unq.gbl.spaces`;
      this.installations.set(user.id, { id: `inst-${this.nextId++}`, catalogId: app.id, chatId, chatPendingFor: this.chatDelay });
      this.onInstall?.(user, chatId);
      return send(201);
    }
    if (method === 'GET' && !m[2]) {
      const catalogId = /^teamsApp\/id eq '([^']+)'$/.exec(filter)?.[1];
      const list = installation && (!catalogId || installation.catalogId === catalogId) ? [installation] : [];
      return send(200, { value: list.map((i) => ({ id: i.id, teamsApp: { id: i.catalogId } })) });
    }
    if (method === 'GET' && m[2] && m[3]) {
      if (!installation || installation.id !== m[2]) return error(404, 'NotFound', 'Installation not found.');
      if (installation.chatPendingFor > 0) {
        installation.chatPendingFor--;
        return error(404, 'NotFound', 'Chat not found.');
      }
      return send(200, { id: installation.chatId, chatType: 'oneOnOne' });
    }
    return error(405, 'MethodNotAllowed', 'Not allowed.');
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}
