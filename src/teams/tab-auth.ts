import { normalizeEmail } from '../core/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/log.ts';
import { OpenIdKeySet, verifyBearer } from './openid-keys.ts';

// Teams tab single sign-on: the tab asks Teams for a token (the Teams JS SDK's getAuthToken), Teams hands
// it an Entra ID access token for our tab's app registration, and the tab sends it with every request.
// Here it is checked: RS256 with a key the Entra OpenID configuration publishes, issued by Entra for the
// tenant the token names (v2.0 or v1 issuer), meant for us (audience: our Application ID URI
// `api://<host>/<client id>`, or the client id for v2.0 tokens), with the `access_as_user` scope, not
// expired, and, when the deployment names its tenant, from that tenant. What comes out is who the user is
// in Entra (tenant and object id), which the page maps to a person and their roles.

export const entraOpenIdMetadataUrl = 'https://login.microsoftonline.com/common/v2.0/.well-known/openid-configuration';
export const ssoScope = 'access_as_user';

export interface TabUser {
  tenantId: string;
  objectId: string;
  /** The sign-in name (UPN / preferred_username), lower-cased, when the token has one. */
  email?: string;
  name?: string;
}

export type TabVerification = { ok: true; user: TabUser } | { ok: false; reason: string };

export interface TabVerifierOptions {
  /** The tab's app registration (client id). */
  clientId: string;
  /** Its Application ID URI, `api://<host>/<client id>`. */
  appIdUri: string;
  /** Only tokens of this tenant (single-tenant deployments); unset: any tenant, which the page then maps to a school or refuses. */
  tenantId?: string;
  openIdMetadataUrl?: string;
  clock: Clock;
  log: Logger;
  fetch?: typeof fetch;
  clockToleranceSeconds?: number;
  minRefreshIntervalMs?: number;
}

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export class TabTokenVerifier {
  private readonly o: TabVerifierOptions;
  private readonly keys: OpenIdKeySet;

  constructor(options: TabVerifierOptions) {
    this.o = options;
    this.keys = new OpenIdKeySet({
      openIdMetadataUrl: options.openIdMetadataUrl ?? entraOpenIdMetadataUrl,
      clock: options.clock,
      log: options.log,
      ...(options.fetch ? { fetch: options.fetch } : {}),
      ...(options.minRefreshIntervalMs !== undefined ? { minRefreshIntervalMs: options.minRefreshIntervalMs } : {}),
    });
  }

  /** Checks an `Authorization: Bearer` header. Never throws. */
  async verify(authorization: string | undefined): Promise<TabVerification> {
    try {
      return await this.check(authorization);
    } catch (err) {
      this.o.log.warn({ err: String(err) }, 'tab token verification failed unexpectedly');
      return { ok: false, reason: 'verification-error' };
    }
  }

  private async check(authorization: string | undefined): Promise<TabVerification> {
    // Signature, audience (our Application ID URI or client id) and lifetime: jose (openid-keys.ts). The issuer
    // depends on the tenant the token names, so it is checked below, once the signature is known to be good.
    const signed = await verifyBearer(authorization, this.keys, {
      clock: this.o.clock,
      clockToleranceSeconds: this.o.clockToleranceSeconds ?? 300,
      audience: [this.o.appIdUri, this.o.clientId],
    });
    if (!signed.ok) return signed;
    const p = signed.payload;
    const tid = p['tid'];
    if (typeof tid !== 'string' || !guid.test(tid)) return { ok: false, reason: 'tenant' };
    // The issuer must be Entra's for the very tenant the token names (never a template or another tenant).
    const issuers = [`https://login.microsoftonline.com/${tid}/v2.0`, `https://sts.windows.net/${tid}/`];
    if (typeof p['iss'] !== 'string' || !issuers.includes(p['iss'])) return { ok: false, reason: 'issuer' };
    if (this.o.tenantId && tid.toLowerCase() !== this.o.tenantId.toLowerCase()) return { ok: false, reason: 'tenant' };
    const scopes = typeof p['scp'] === 'string' ? p['scp'].split(' ') : [];
    if (!scopes.includes(ssoScope)) return { ok: false, reason: 'scope' };
    const oid = p['oid'];
    if (typeof oid !== 'string' || !guid.test(oid)) return { ok: false, reason: 'subject' };
    const login = [p['preferred_username'], p['upn']].find((v): v is string => typeof v === 'string' && v.includes('@'));
    return {
      ok: true,
      user: {
        tenantId: tid,
        objectId: oid,
        ...(login ? { email: normalizeEmail(login) } : {}),
        ...(typeof p['name'] === 'string' ? { name: p['name'] } : {}),
      },
    };
  }
}
