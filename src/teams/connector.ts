import { randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import { CardJson } from '../core/cards/card-json.ts';
// A small Bot Connector REST client for everything the bot sends. One client for in-turn replies,
// mentor cards and campaign prompts, so throttling, retries and error mapping live in one place, and
// tests can point the bot at a loopback connector (or the Playground's mock connector).

export type TokenSource = () => Promise<string | undefined>;

export interface OutboundActivity {
  type: 'message';
  text?: string;
  summary?: string;
  attachments?: { contentType: string; content: unknown }[];
  from?: { id: string };
  [key: string]: unknown;
}

export interface ChannelAccount {
  id: string;
  aadObjectId?: string;
  objectId?: string;
  name?: string;
  email?: string;
  userPrincipalName?: string;
}

export class ConnectorError extends Error {
  readonly status: number;
  /** From Retry-After, when the service sent one. */
  readonly retryAfterMs: number | undefined;
  readonly code: string | undefined;
  constructor(status: number, message: string, retryAfterMs?: number, code?: string) {
    super(message);
    this.name = 'ConnectorError';
    this.status = status;
    this.retryAfterMs = retryAfterMs;
    this.code = code;
  }
  /** Throttled or a passing service fault: worth trying again. */
  get transient(): boolean {
    return this.status === 0 || this.status === 429 || this.status === 412 || this.status >= 500;
  }
}

export function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

const cardMarkNonce = randomUUID();

/** The request body: as JSON.stringify writes it, with any CardJson attachment put in as its text. */
export function bodyText(body: unknown): string {
  const attachments = (body as Partial<OutboundActivity> | undefined)?.attachments;
  if (!Array.isArray(attachments) || !attachments.some((a) => a?.content instanceof CardJson)) return JSON.stringify(body);
  const cards: string[] = [];
  // Where a card goes: a string with this process's random nonce, which no text of the product holds.
  const mark = (i: number) => `\u0000card:${cardMarkNonce}:${i}`;
  const marked = {
    ...(body as OutboundActivity),
    attachments: attachments.map((a) =>
      a.content instanceof CardJson ? { ...a, content: mark(cards.push(a.content.text) - 1) } : a,
    ),
  };
  let text = JSON.stringify(marked);
  for (const [i, card] of cards.entries()) text = text.replace(JSON.stringify(mark(i)), () => card);
  return text;
}

export function cardActivity(card: unknown, summary?: string): OutboundActivity {
  return {
    type: 'message',
    ...(summary ? { summary } : {}),
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

export interface RawResponse {
  status: number;
  retryAfter: string | undefined;
  text: string;
}

/** How a request reaches the connector; the default is node:http(s). Tests and benchmarks plug in their own. */
export type Transport = (request: {
  method: string;
  url: URL;
  headers: Record<string, string>;
  body: string | undefined;
}) => Promise<RawResponse>;

/**
 * node:http(s) with keep-alive sockets: a campaign sends thousands of small requests to one host, and this
 * costs a fraction of the CPU of fetch per request (bench/README.md).
 */
export function keepAliveTransport(options: { timeoutMs?: number; maxSockets?: number } = {}): Transport & { close(): void } {
  const timeoutMs = options.timeoutMs ?? 15_000;
  const agentOptions = { keepAlive: true, maxSockets: options.maxSockets ?? 64, scheduling: 'lifo' as const };
  const agents = { http: new http.Agent(agentOptions), https: new https.Agent(agentOptions) };
  const transport: Transport = ({ method, url, headers, body }) => {
    const secure = url.protocol === 'https:';
    const send = secure ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = send(url, { method, headers, agent: secure ? agents.https : agents.http, timeout: timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const retryAfter = res.headers['retry-after'];
          resolve({
            status: res.statusCode ?? 0,
            retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
            text: Buffer.concat(chunks).toString('utf8'),
          });
        });
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  };
  return Object.assign(transport, {
    close: () => {
      agents.http.destroy();
      agents.https.destroy();
    },
  });
}

export interface ConnectorOptions {
  token: TokenSource;
  timeoutMs?: number;
  /** Sockets kept open per host; campaign sends reuse them. */
  maxSockets?: number;
  transport?: Transport;
}

export class ConnectorClient {
  private readonly token: TokenSource;
  private readonly transport: Transport;
  private readonly owned: (Transport & { close(): void }) | undefined;

  constructor(options: ConnectorOptions) {
    this.token = options.token;
    this.owned = options.transport
      ? undefined
      : keepAliveTransport({
          ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
          ...(options.maxSockets !== undefined ? { maxSockets: options.maxSockets } : {}),
        });
    this.transport = options.transport ?? this.owned!;
  }

  private async call<T>(method: string, serviceUrl: string, path: string, body?: unknown): Promise<T> {
    const base = serviceUrl.replace(/\/+$/, '');
    const payload = body === undefined ? undefined : bodyText(body);
    const headers: Record<string, string> = { accept: 'application/json' };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    const token = await this.token();
    if (token) headers['authorization'] = `Bearer ${token}`;
    let res: RawResponse;
    try {
      res = await this.transport({ method, url: new URL(`${base}${path}`), headers, body: payload });
    } catch (err) {
      throw new ConnectorError(0, `connector unreachable: ${(err as Error).message}`);
    }
    if (res.status < 200 || res.status >= 300) {
      let code: string | undefined;
      try {
        code = (JSON.parse(res.text) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      throw new ConnectorError(res.status, `${method} ${path} → ${res.status}`, parseRetryAfter(res.retryAfter ?? null), code);
    }
    return (res.text ? JSON.parse(res.text) : {}) as T;
  }

  /** Closes kept-alive sockets (at shutdown). */
  close(): void {
    this.owned?.close();
  }

  sendActivity(serviceUrl: string, conversationId: string, activity: OutboundActivity): Promise<{ id: string }> {
    return this.call('POST', serviceUrl, `/v3/conversations/${encodeURIComponent(conversationId)}/activities`, activity);
  }

  updateActivity(
    serviceUrl: string,
    conversationId: string,
    activityId: string,
    activity: OutboundActivity,
  ): Promise<{ id: string }> {
    return this.call(
      'PUT',
      serviceUrl,
      `/v3/conversations/${encodeURIComponent(conversationId)}/activities/${encodeURIComponent(activityId)}`,
      { ...activity, id: activityId },
    );
  }

  /** Opens (or finds) the 1:1 chat between the bot and a user. */
  createPersonalConversation(
    serviceUrl: string,
    input: { botId: string; tenantId: string; teamsUserId: string },
  ): Promise<{ id: string }> {
    return this.call('POST', serviceUrl, '/v3/conversations', {
      isGroup: false,
      bot: { id: input.botId },
      members: [{ id: input.teamsUserId }],
      tenantId: input.tenantId,
      channelData: { tenant: { id: input.tenantId } },
    });
  }

  getMember(serviceUrl: string, conversationId: string, memberId: string): Promise<ChannelAccount> {
    return this.call(
      'GET',
      serviceUrl,
      `/v3/conversations/${encodeURIComponent(conversationId)}/members/${encodeURIComponent(memberId)}`,
    );
  }

  /** The whole roster of a team or chat, page by page. */
  async getAllMembers(serviceUrl: string, conversationId: string): Promise<ChannelAccount[]> {
    const all: ChannelAccount[] = [];
    let continuationToken: string | undefined;
    for (let page = 0; page < 200; page++) {
      const query = new URLSearchParams({ pageSize: '500' });
      if (continuationToken) query.set('continuationToken', continuationToken);
      const res = await this.call<{ members?: ChannelAccount[]; continuationToken?: string }>(
        'GET',
        serviceUrl,
        `/v3/conversations/${encodeURIComponent(conversationId)}/pagedmembers?${query}`,
      );
      all.push(...(res.members ?? []));
      continuationToken = res.continuationToken;
      if (!continuationToken) break;
    }
    return all;
  }
}

/**
 * Retries transient failures (429 honouring Retry-After, 412, 5xx, network) with exponential backoff
 * and full jitter, within a total time budget; anything else is thrown at once.
 */
export interface RetryOptions {
  attempts?: number;
  baseMs?: number;
  maxDelayMs?: number;
  /** Total time the retries may take; a wait that would exceed it is not started. */
  budgetMs?: number;
  sleep?: (ms: number) => Promise<void>;
  /** The time the budget is counted in (tests give a virtual one with `sleep`). */
  now?: () => number;
  /** Told before each wait (to count retries, or to slow a whole tenant down after throttling). */
  onRetry?: (err: ConnectorError, attempt: number, delayMs: number) => void;
}

export async function withRetry<T>(op: () => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseMs ?? 250;
  const maxDelay = options.maxDelayMs ?? 8_000;
  const budget = options.budgetMs ?? 30_000;
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const now = options.now ?? Date.now;
  const started = now();
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (err) {
      if (!(err instanceof ConnectorError) || !err.transient || attempt >= attempts) throw err;
      const backoff = Math.random() * Math.min(maxDelay, base * 2 ** (attempt - 1));
      const delay = err.retryAfterMs !== undefined ? Math.max(err.retryAfterMs, backoff) : backoff;
      if (now() - started + delay > budget) throw err;
      options.onRetry?.(err, attempt, delay);
      await sleep(delay);
    }
  }
}
