import { errors, importJWK, type JWK, type JWTVerifyOptions, jwtVerify } from 'jose';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/log.ts';

// The parts every RS256 token check shares. `jose` checks the compact JWT, the RS256 signature and the
// standard claims (issuer, audience, lifetime with the allowed skew). The key set stays ours because jose's
// remote key set reads neither an OpenID configuration's `jwks_uri` nor the Bot Framework's key
// endorsements, throws once its cache is old and the endpoint is down (we keep using the last good set, so
// an outage of the key endpoint locks nobody out), and reads the wall clock instead of the injected one.
// The Bot Framework verifier (inbound-auth.ts) and the Teams tab's SSO verifier (tab-auth.ts) add their
// own rules on top.

export interface SigningKey {
  key: CryptoKey | Uint8Array;
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

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export type TokenProblem =
  | 'missing'
  | 'not-bearer'
  | 'too-long'
  | 'malformed'
  | 'algorithm'
  | 'no-key-id'
  | 'unknown-key'
  | 'signature'
  | 'issuer'
  | 'audience'
  | 'expired'
  | 'not-yet-valid'
  | 'claims';

export type SignedToken = { ok: true; payload: Record<string, unknown>; key: SigningKey } | { ok: false; reason: TokenProblem };

export interface ClaimRules {
  clock: Clock;
  /** Allowed clock skew between us and the token issuer, in seconds. */
  clockToleranceSeconds: number;
  /** Exact issuer(s); omitted when the issuer depends on a claim (the verifier then checks it itself). */
  issuer?: string | string[];
  /** At least one of these must be among the token's audiences. */
  audience: string | string[];
}

class KeyProblem extends Error {
  readonly reason: 'no-key-id' | 'unknown-key';
  constructor(reason: 'no-key-id' | 'unknown-key') {
    super(reason);
    this.reason = reason;
  }
}

/** Why jose refused a token, in the words the verifiers log. */
function problemOf(err: unknown): TokenProblem {
  if (err instanceof KeyProblem) return err.reason;
  if (err instanceof errors.JWTExpired) return 'expired';
  if (err instanceof errors.JWTClaimValidationFailed) {
    if (err.claim === 'iss') return 'issuer';
    if (err.claim === 'aud') return 'audience';
    if (err.claim === 'nbf') return 'not-yet-valid';
    // A token without `exp` never expires: refused as expired, as the Bot Connector spec asks.
    if (err.claim === 'exp') return 'expired';
    return 'claims';
  }
  if (err instanceof errors.JOSEAlgNotAllowed || err instanceof errors.JOSENotSupported) return 'algorithm';
  if (err instanceof errors.JWSSignatureVerificationFailed) return 'signature';
  if (err instanceof errors.JOSEError) return 'malformed';
  throw err;
}

/**
 * An `Authorization: Bearer <JWT>` header whose RS256 signature checks out with a published key and whose
 * issuer, audience and lifetime satisfy the rules. Product-specific claims are left to the caller.
 */
export async function verifyBearer(
  authorization: string | undefined,
  keys: OpenIdKeySet,
  rules: ClaimRules,
): Promise<SignedToken> {
  if (!authorization) return { ok: false, reason: 'missing' };
  const match = /^Bearer ([^\s]+)$/i.exec(authorization.trim());
  if (!match) return { ok: false, reason: 'not-bearer' };
  const token = match[1]!;
  if (token.length > maxTokenLength) return { ok: false, reason: 'too-long' };
  let used: SigningKey | undefined;
  const options: JWTVerifyOptions = {
    // Only RS256: `none` and HMAC algorithms (signed with a public key as secret) are refused before any key is looked up.
    algorithms: ['RS256'],
    audience: rules.audience,
    clockTolerance: rules.clockToleranceSeconds,
    currentDate: rules.clock.now(),
    requiredClaims: ['exp'],
    ...(rules.issuer !== undefined ? { issuer: rules.issuer } : {}),
  };
  try {
    const { payload } = await jwtVerify(
      token,
      async (header) => {
        const kid = header.kid;
        if (typeof kid !== 'string' || kid.length === 0 || kid.length > 256) throw new KeyProblem('no-key-id');
        used = await keys.keyFor(kid);
        if (!used) throw new KeyProblem('unknown-key');
        return used.key;
      },
      options,
    );
    return { ok: true, payload: payload as Record<string, unknown>, key: used! };
  } catch (err) {
    return { ok: false, reason: problemOf(err) };
  }
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
            const key = await importJWK({ kty: 'RSA', n: jwk['n'], e: jwk['e'] } as JWK, 'RS256');
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
