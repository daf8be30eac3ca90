import { generateKeyPairSync, type KeyObject, sign } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

// A Bot Framework token issuer on loopback: an OpenID configuration and its key set (JWKS), with keys
// generated here, and a signer for tokens as the Bot Connector sends them. Lets the tests prove inbound
// authentication without the internet.

export const testIssuer = 'https://api.botframework.com';

interface Key {
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

function newKey(kid: string): Key {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return { kid, privateKey, publicKey };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export class TokenIssuer {
  readonly published: Key;
  /** Same kid as the published key, but a different key pair: what a forger would have. */
  readonly forged: Key;
  /** Requests the key endpoints received, to check that a flood of forged tokens does not hammer them. */
  metadataRequests = 0;
  keyRequests = 0;
  private server!: http.Server;
  url = '';

  private constructor() {
    this.published = newKey('test-key-1');
    this.forged = newKey('test-key-1');
  }

  static async start(): Promise<TokenIssuer> {
    const issuer = new TokenIssuer();
    await issuer.listen();
    return issuer;
  }

  get metadataUrl(): string {
    return `${this.url}/v1/.well-known/openidconfiguration`;
  }

  /** Signs a token; `claims` override the defaults, `header` overrides alg/kid. */
  token(
    claims: Record<string, unknown>,
    options: { key?: Key; header?: Record<string, unknown>; unsigned?: boolean } = {},
  ): string {
    const key = options.key ?? this.published;
    const now = Math.floor(Date.now() / 1000);
    const header = { alg: 'RS256', typ: 'JWT', kid: key.kid, ...options.header };
    const payload = { iss: testIssuer, nbf: now - 60, iat: now - 60, exp: now + 3600, ...claims };
    const input = `${b64(header)}.${b64(payload)}`;
    if (options.unsigned) return `${input}.`;
    return `${input}.${sign('RSA-SHA256', Buffer.from(input), key.privateKey).toString('base64url')}`;
  }

  private async listen(): Promise<void> {
    this.server = http.createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url === '/v1/.well-known/openidconfiguration') {
        this.metadataRequests++;
        res.end(
          JSON.stringify({
            issuer: testIssuer,
            authorization_endpoint: `${this.url}/authorize`,
            jwks_uri: `${this.url}/v1/.well-known/keys`,
            id_token_signing_alg_values_supported: ['RS256'],
            token_endpoint_auth_methods_supported: ['private_key_jwt'],
          }),
        );
        return;
      }
      if (req.url === '/v1/.well-known/keys') {
        this.keyRequests++;
        const jwk = this.published.publicKey.export({ format: 'jwk' });
        res.end(JSON.stringify({ keys: [{ ...jwk, kid: this.published.kid, use: 'sig', endorsements: ['msteams'] }] }));
        return;
      }
      res.statusCode = 404;
      res.end('{}');
    });
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
