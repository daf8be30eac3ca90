import { createPublicKey, type KeyObject, verify as verifySignature } from 'node:crypto';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';

// Verifies that a request to /api/messages comes from the Bot Framework (Teams), following the Bot
// Connector authentication spec: an RS256 JWT signed by a key published through the OpenID metadata,
// with our issuer, our app id as audience, a valid lifetime, a `serviceurl` claim equal to the
// activity's serviceUrl, and (where the key lists endorsements) the activity's channel endorsed.
//
// We verify ourselves instead of relying on the Teams SDK's validator, which (v2.1) guesses the key URL
// from the metadata URL instead of reading `jwks_uri`, ignores key endorsements, skips the service URL
// check when the body has no serviceUrl, accepts Entra-issued tokens for any tenant named in the
// (unverified) token (fetching keys for that tenant from the internet on every new tenant id), and
// refetches the key set for every unknown `kid` without limit. The adapter hands the SDK the verified
// identity, so the SDK does not validate a second time.

export const botFrameworkOpenIdMetadataUrl = 'https://login.botframework.com/v1/.well-known/openidconfiguration';
export const botFrameworkIssuer = 'https://api.botframework.com';

export interface VerifiedCaller {
  appId: string;
  serviceUrl: string;
  /** Seconds since epoch. */
  expiresAt: number;
}

export type Verification = { ok: true; caller: VerifiedCaller } | { ok: false; reason: string };

export interface VerifierOptions {
  appId: string;
  openIdMetadataUrl?: string;
  issuer?: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  /** Allowed clock skew between us and the token issuer, in seconds (the spec allows 5 minutes). */
  clockToleranceSeconds?: number;
  /** How long a fetched key set is trusted before it is fetched again. */
  keysMaxAgeMs?: number;
  /** An unknown `kid` triggers a refetch at most this often, so forged tokens cannot hammer the key endpoint. */
  minRefreshIntervalMs?: number;
}

interface SigningKey {
  key: KeyObject;
  endorsements?: string[];
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

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function sameServiceUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export class BotTokenVerifier {
  private readonly o: Required<Omit<VerifierOptions, 'fetch'>> & { fetch: typeof fetch };
  private keys = new Map<string, SigningKey>();
  private fetchedAt = -Infinity;
  private lastAttemptAt = -Infinity;
  private inflight: Promise<void> | undefined;

  constructor(options: VerifierOptions) {
    this.o = {
      openIdMetadataUrl: botFrameworkOpenIdMetadataUrl,
      issuer: botFrameworkIssuer,
      clockToleranceSeconds: 300,
      keysMaxAgeMs: 24 * 3600_000,
      minRefreshIntervalMs: 5 * 60_000,
      fetch: globalThis.fetch,
      ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)),
    } as BotTokenVerifier['o'];
  }

  /** Checks the Authorization header against the activity it came with. Never throws. */
  async verify(
    authorization: string | undefined,
    activity: { serviceUrl?: unknown; channelId?: unknown },
  ): Promise<Verification> {
    try {
      return await this.check(authorization, activity);
    } catch (err) {
      this.o.log.warn({ err: String(err) }, 'token verification failed unexpectedly');
      return { ok: false, reason: 'verification-error' };
    }
  }

  private async check(
    authorization: string | undefined,
    activity: { serviceUrl?: unknown; channelId?: unknown },
  ): Promise<Verification> {
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

    const key = await this.keyFor(kid);
    if (!key) return { ok: false, reason: 'unknown-key' };
    const signed = verifySignature('RSA-SHA256', Buffer.from(`${h}.${p}`), key.key, Buffer.from(s, 'base64url'));
    if (!signed) return { ok: false, reason: 'signature' };

    if (payload['iss'] !== this.o.issuer) return { ok: false, reason: 'issuer' };
    const aud = payload['aud'];
    const audiences = Array.isArray(aud) ? aud : [aud];
    if (!audiences.includes(this.o.appId)) return { ok: false, reason: 'audience' };
    const now = this.o.clock.now().getTime() / 1000;
    const skew = this.o.clockToleranceSeconds;
    const exp = payload['exp'];
    if (typeof exp !== 'number' || now > exp + skew) return { ok: false, reason: 'expired' };
    const nbf = payload['nbf'];
    if (nbf !== undefined && (typeof nbf !== 'number' || now < nbf - skew)) return { ok: false, reason: 'not-yet-valid' };

    const claimed = payload['serviceurl'];
    if (typeof claimed !== 'string' || typeof activity.serviceUrl !== 'string' || !sameServiceUrl(claimed, activity.serviceUrl)) {
      return { ok: false, reason: 'service-url' };
    }
    if (key.endorsements && (typeof activity.channelId !== 'string' || !key.endorsements.includes(activity.channelId))) {
      return { ok: false, reason: 'endorsement' };
    }
    return { ok: true, caller: { appId: this.o.appId, serviceUrl: activity.serviceUrl, expiresAt: exp } };
  }

  private async keyFor(kid: string): Promise<SigningKey | undefined> {
    const now = this.o.clock.now().getTime();
    const stale = now - this.fetchedAt > this.o.keysMaxAgeMs;
    const known = this.keys.get(kid);
    if (known && !stale) return known;
    // Unknown kid (keys rotate) or an old key set: refetch, but not more often than minRefreshIntervalMs.
    // A stale key set that cannot be refreshed is still used: an outage of the key endpoint must not lock Teams out.
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
        this.o.log.info({ keys: keys.size }, 'inbound token signing keys loaded');
      } catch (err) {
        // Keep the keys we had (see keyFor).
        this.o.log.warn({ err: String(err) }, 'could not load the inbound token signing keys');
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
