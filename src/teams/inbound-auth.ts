import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/log.ts';
import { OpenIdKeySet, verifyBearer } from './openid-keys.ts';

// Verifies that a request to /api/messages comes from the Bot Framework (Teams), following the Bot
// Connector authentication spec: an RS256 JWT signed by a key published through the OpenID metadata,
// with our issuer, our app id as audience, a valid lifetime, a `serviceurl` claim equal to the
// activity's serviceUrl, and (where the key lists endorsements) the activity's channel endorsed.
//
// We verify with jose and our own key set (openid-keys.ts) instead of relying on the Teams SDK's
// validator, which (v2.1) guesses the key URL from the metadata URL instead of reading `jwks_uri`,
// ignores key endorsements, skips the service URL
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

function sameServiceUrl(a: string, b: string): boolean {
  const norm = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();
  return norm(a) === norm(b);
}

export class BotTokenVerifier {
  private readonly o: { appId: string; issuer: string; clock: Clock; log: Logger; clockToleranceSeconds: number };
  private readonly keys: OpenIdKeySet;

  constructor(options: VerifierOptions) {
    this.o = {
      appId: options.appId,
      issuer: options.issuer ?? botFrameworkIssuer,
      clock: options.clock,
      log: options.log,
      clockToleranceSeconds: options.clockToleranceSeconds ?? 300,
    };
    this.keys = new OpenIdKeySet({
      openIdMetadataUrl: options.openIdMetadataUrl ?? botFrameworkOpenIdMetadataUrl,
      clock: options.clock,
      log: options.log,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.keysMaxAgeMs !== undefined ? { keysMaxAgeMs: options.keysMaxAgeMs } : {}),
      ...(options.minRefreshIntervalMs !== undefined ? { minRefreshIntervalMs: options.minRefreshIntervalMs } : {}),
    });
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
    // Signature, issuer, audience (our app id) and lifetime: jose (openid-keys.ts). The rest is the Bot Framework's own.
    const signed = await verifyBearer(authorization, this.keys, {
      clock: this.o.clock,
      clockToleranceSeconds: this.o.clockToleranceSeconds,
      issuer: this.o.issuer,
      audience: this.o.appId,
    });
    if (!signed.ok) return signed;
    const { payload, key } = signed;

    const claimed = payload['serviceurl'];
    if (typeof claimed !== 'string' || typeof activity.serviceUrl !== 'string' || !sameServiceUrl(claimed, activity.serviceUrl)) {
      return { ok: false, reason: 'service-url' };
    }
    if (key.endorsements && (typeof activity.channelId !== 'string' || !key.endorsements.includes(activity.channelId))) {
      return { ok: false, reason: 'endorsement' };
    }
    return { ok: true, caller: { appId: this.o.appId, serviceUrl: activity.serviceUrl, expiresAt: payload['exp'] as number } };
  }
}
