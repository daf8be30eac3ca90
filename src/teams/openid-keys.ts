import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/log.ts';

// The parts every RS256 token check shares: reading a compact JWT without trusting it, the signing keys
// an OpenID configuration publishes (fetched through its `jwks_uri`, refetched at most every few minutes
// for an unknown key id and daily otherwise, the last good set kept when the endpoint fails), and the
// signature and lifetime checks. The Bot Framework verifier (inbound-auth.ts) and the Teams tab's SSO
// verifier (tab-auth.ts) add their own claim rules on top.

export interface SigningKey {
  key: KeyObject;
  endorsements?: string[];
}

export interface KeySetOptions {
  openIdMetadataUrl: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  /** How long a fetched key set is trusted before it is fetched again. */
  keysMaxAgeMs?: number;
  /** An unknown `kid` triggers a refetch at most this often, so forged tokens cannot hammer the key endpoint. */
  minRefreshIntervalMs?: number;
}

const maxTokenLength = 16_384;

function base64urlJson(part: string): unknown {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) return undefined;
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type SignedToken =
  | { ok: true; payload: Record<string, unknown>; key: SigningKey }
  | {
      ok: false;
      reason: 'missing' | 'not-bearer' | 'too-long' | 'malformed' | 'algorithm' | 'no-key-id' | 'unknown-key' | 'signature';
    };

/** An `Authorization: Bearer <JWT>` header whose RS256 signature checks out with a published key (claims not checked yet). */
export async function readSignedBearer(authorization: string | undefined, keys: OpenIdKeySet): Promise<SignedToken> {
  if (!authorization) return { ok: false, reason: 'missing' };
  const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
  if (!match) return { ok: false, reason: 'not-bearer' };
  const token = match[1]!;
  if (token.length > maxTokenLength) return { ok: false, reason: 'too-long' };
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  const header = base64urlJson(h);
  const payload = base64urlJson(p);
  if (!isObject(header) || !isObject(payload) || !/^[A-Za-z0-9_-]+$/.test(s)) return { ok: false, reason: 'malformed' };
  // Only RS256: `none` and HMAC algorithms (signed with a public key as secret) are refused outright.
  if (header['alg'] !== 'RS256') return { ok: false, reason: 'algorithm' };
  const kid = header['kid'];
  if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) return { ok: false, reason: 'no-key-id' };
  const key = await keys.keyFor(kid);
  if (!key) return { ok: false, reason: 'unknown-key' };
  const signed = verifySignature('RSA-SHA256', Buffer.from(`${h}.${p}`), key.key, Buffer.from(s, 'base64url'));
  if (!signed) return { ok: false, reason: 'signature' };
  return { ok: true, payload, key };
}

/** `exp` present and not passed, `nbf` (when present) not in the future, both with the allowed skew. */
export function lifetimeProblem(
  payload: Record<string, unknown>,
  nowSeconds: number,
  skewSeconds: number,
): 'expired' | 'not-yet-valid' | undefined {
  const exp = payload['exp'];
  if (typeof exp !== 'number' || nowSeconds > exp + skewSeconds) return 'expired';
  const nbf = payload['nbf'];
  if (nbf !== undefined && (typeof nbf !== 'number' || nowSeconds < nbf - skewSeconds)) return 'not-yet-valid';
  return undefined;
}

export class OpenIdKeySet {
  private readonly o: Required<Omit<KeySetOptions, 'fetch'>> & { fetch: typeof fetch };
  private keys = new Map<string, SigningKey>();
  private fetchedAt = -Infinity;
  private lastAttemptAt = -Infinity;
  private inflight: Promise<void> | undefined;

  constructor(options: KeySetOptions) {
    this.o = {
      keysMaxAgeMs: 24 * 3600_000,
      minRefreshIntervalMs: 5 * 60_000,
      fetch: globalThis.fetch,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as OpenIdKeySet['o'];
  }

  async keyFor(kid: string): Promise<SigningKey | undefined> {
    const now = this.o.clock.now().getTime();
    const stale = now - this.fetchedAt > this.o.keysMaxAgeMs;
    const known = this.keys.get(kid);
    if (known && !stale) return known;
    // Unknown kid (keys rotate) or an old key set: refetch, but not more often than minRefreshIntervalMs.
    // A stale key set that cannot be refreshed is still used: an outage of the key endpoint must not lock people out.
    if (this.inflight) await this.inflight;
    else if (now - this.lastAttemptAt >= this.o.minRefreshIntervalMs) await this.refresh();
    return this.keys.get(kid);
  }

  private refresh(): Promise<void> {
    this.inflight ??= (async () => {
      this.lastAttemptAt = this.o.clock.now().getTime();
      try {
        const metadata = await this.getJson(this.o.openIdMetadataUrl);
        const jwksUri = isObject(metadata) ? metadata['jwks_uri'] : undefined;
        if (typeof jwksUri !== 'string' || !/^https?:\/\//.test(jwksUri)) throw new Error('OpenID metadata has no jwks_uri');
        const jwks = await this.getJson(jwksUri);
        const list = isObject(jwks) && Array.isArray(jwks['keys']) ? jwks['keys'] : [];
        const keys = new Map<string, SigningKey>();
        for (const jwk of list) {
          if (!isObject(jwk) || jwk['kty'] !== 'RSA' || typeof jwk['kid'] !== 'string') continue;
          if (jwk['use'] !== undefined && jwk['use'] !== 'sig') continue;
          try {
            const key = createPublicKey({ key: { kty: 'RSA', n: jwk['n'], e: jwk['e'] } as never, format: 'jwk' });
            const endorsements = Array.isArray(jwk['endorsements'])
              ? jwk['endorsements'].filter((e): e is string => typeof e === 'string')
              : undefined;
            keys.set(jwk['kid'], { key, ...(endorsements ? { endorsements } : {}) });
          } catch {
            // A key we cannot read is a key nobody can use against us.
          }
        }
        if (keys.size === 0) throw new Error('the key set has no usable RSA signing keys');
        this.keys = keys;
        this.fetchedAt = this.o.clock.now().getTime();
        this.o.log.info({ keys: keys.size }, 'token signing keys loaded');
      } catch (err) {
        // Keep the keys we had (see keyFor).
        this.o.log.warn({ err: String(err) }, 'could not load the token signing keys');
      } finally {
        this.inflight = undefined;
      }
    })();
    return this.inflight;
  }

  private async getJson(url: string): Promise<unknown> {
    const res = await this.o.fetch(url, { headers: { accept: 'application/json' }, signal: AbortSignal.timeout(10_000) });
    if (!res.ok) throw new Error(`${url} answered ${res.status}`);
    const text = await res.text();
    if (text.length > 1_000_000) throw new Error(`${url} answered with more than 1 MB`);
    return JSON.parse(text) as unknown;
  }
}
