import { ConnectorError, parseRetryAfter, type RetryOptions, withRetry } from './connector.ts';
import type { Throttle } from './rate-limit.ts';

// The one Microsoft Graph client: an app token per tenant, JSON in and out, and Graph's answers mapped
// to errors the rest of the transport already understands. Every call takes its place in a per-tenant
// throttle and is retried like a connector call (429 honouring Retry-After, 5xx, network faults), so a
// school-wide installation run slows down instead of failing. A library client was not used: the Teams
// SDK's Graph client brings its own HTTP stack without Retry-After handling, and the product needs a
// handful of endpoints (app installation, group membership, sendMail).

/** Graph refused or failed a request. `code` is Graph's error code (e.g. "Forbidden", "NotFound"). */
export class GraphError extends ConnectorError {
  /** Graph's error message, for the log (never shown to students, never containing their answers). */
  readonly detail: string | undefined;
  constructor(status: number, message: string, retryAfterMs?: number, code?: string, detail?: string) {
    super(status, message, retryAfterMs, code);
    this.name = 'GraphError';
    this.detail = detail;
  }
}

export interface GraphClientOptions {
  /** https://graph.microsoft.com, or a national cloud's; tests use a loopback stand-in. */
  baseUrl: string;
  /** An app token for Graph in the given tenant (none in development without credentials). */
  token: (tenantId: string) => Promise<string | undefined>;
  /** Graph's own limits are per app and tenant; installs and lookups queue here. */
  throttle?: Throttle;
  retry?: RetryOptions;
  fetch?: typeof fetch;
  timeoutMs?: number;
}

export class GraphClient {
  private readonly o: GraphClientOptions;
  constructor(options: GraphClientOptions) {
    this.o = options;
  }

  /** Graph's root without a trailing slash (resource URLs in request bodies name it). */
  get baseUrl(): string {
    return this.o.baseUrl.replace(/\/+$/, '');
  }

  /** One Graph request (path from the version on, e.g. `/v1.0/users/…`), throttled and retried. Returns the JSON body, or undefined when there is none. */
  request<T>(tenantId: string, method: 'GET' | 'POST', path: string, body?: unknown): Promise<T | undefined> {
    const throttle = this.o.throttle;
    const once = () => this.once<T>(tenantId, method, path, body);
    return withRetry(() => (throttle ? throttle.run(tenantId, undefined, once) : once()), {
      ...this.o.retry,
      onRetry: (err, attempt, delayMs) => {
        if (err.status === 429) throttle?.throttled(tenantId, undefined, err.retryAfterMs ?? delayMs);
        this.o.retry?.onRetry?.(err, attempt, delayMs);
      },
    });
  }

  private async once<T>(tenantId: string, method: string, path: string, body: unknown): Promise<T | undefined> {
    const token = await this.o.token(tenantId);
    const url = `${this.baseUrl}${path}`;
    let res: Response;
    try {
      res = await (this.o.fetch ?? fetch)(url, {
        method,
        headers: {
          accept: 'application/json',
          ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
          ...(token ? { authorization: `Bearer ${token}` } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(this.o.timeoutMs ?? 15_000),
      });
    } catch (err) {
      throw new GraphError(0, `Graph unreachable: ${(err as Error).message}`);
    }
    const text = await res.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = undefined;
    }
    if (!res.ok) {
      const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
      throw new GraphError(
        res.status,
        `Graph ${method} ${path.split('?')[0]} → ${res.status}`,
        parseRetryAfter(res.headers.get('retry-after')),
        typeof error?.code === 'string' ? error.code : undefined,
        typeof error?.message === 'string' ? error.message.slice(0, 300) : undefined,
      );
    }
    return json as T | undefined;
  }
}
