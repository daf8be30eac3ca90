import { fetchTransport, type HttpAnswer, nodeTransport, type Transport } from './http-transport.ts';

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

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

export function cardActivity(card: unknown, summary?: string): OutboundActivity {
  return {
    type: 'message',
    ...(summary ? { summary } : {}),
    attachments: [{ contentType: 'application/vnd.microsoft.card.adaptive', content: card }],
  };
}

export interface ConnectorOptions {
  token: TokenSource;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class ConnectorClient {
  private readonly token: TokenSource;
  private readonly transport: Transport;
  private readonly timeoutMs: number;

  constructor(options: ConnectorOptions) {
    this.token = options.token;
    this.transport = options.fetch ? fetchTransport(options.fetch) : nodeTransport;
    this.timeoutMs = options.timeoutMs ?? 15_000;
  }

  private async call<T>(method: string, serviceUrl: string, path: string, body?: unknown): Promise<T> {
    const base = serviceUrl.replace(/\/+$/, '');
    const headers: Record<string, string> = { accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const token = await this.token();
    if (token) headers['authorization'] = `Bearer ${token}`;
    let res: HttpAnswer;
    try {
      res = await this.transport({
        method,
        url: `${base}${path}`,
        headers,
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        timeoutMs: this.timeoutMs,
      });
    } catch (err) {
      throw new ConnectorError(0, `connector unreachable: ${(err as Error).message}`);
    }
    const text = res.text;
    if (res.status < 200 || res.status > 299) {
      let code: string | undefined;
      try {
        code = (JSON.parse(text) as { error?: { code?: string } }).error?.code;
      } catch {
        code = undefined;
      }
      throw new ConnectorError(res.status, `${method} ${path} → ${res.status}`, parseRetryAfter(res.header('retry-after')), code);
    }
    return (text ? JSON.parse(text) : {}) as T;
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
