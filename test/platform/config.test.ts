import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema, loadConfig } from '../../src/platform/config.ts';

const dev = { DEV_ALLOW_UNAUTHENTICATED: 'true' };

describe('configuration', () => {
  it('env.sample documents exactly the settings the code reads', () => {
    const documented = [...fs.readFileSync('env.sample', 'utf8').matchAll(/^([A-Z0-9_]+)=/gm)].map((m) => m[1]).sort();
    expect(documented).toEqual(Object.keys(configSchema.shape).sort());
  });

  it('starts with defaults in development mode and nothing else set', () => {
    const c = loadConfig(dev);
    expect(c).toMatchObject({ PORT: 3978, HOST: '127.0.0.1', devMode: true, DEFAULT_LOCALE: 'nl' });
    expect(c.sqlitePath).toMatch(/data\/lob-reflectie\.db$/);
  });

  it('refuses to start without credentials unless the development flag is set', () => {
    expect(() => loadConfig({})).toThrow(/CLIENT_ID is not set.*DEV_ALLOW_UNAUTHENTICATED/);
    expect(() => loadConfig({ CLIENT_ID: 'abc' })).toThrow(/neither CLIENT_SECRET nor MANAGED_IDENTITY_CLIENT_ID/);
    expect(loadConfig({ CLIENT_ID: 'abc', CLIENT_SECRET: 's' }).devMode).toBe(false);
  });

  it('holds scheduled work for LEASE_SECONDS (30 s), the campaign sender’s lease on a school too unless set apart', () => {
    expect(loadConfig(dev)).toMatchObject({ LEASE_SECONDS: 30, CAMPAIGN_LEASE_SECONDS: 30 });
    expect(loadConfig({ ...dev, LEASE_SECONDS: '20' })).toMatchObject({ LEASE_SECONDS: 20, CAMPAIGN_LEASE_SECONDS: 20 });
    expect(loadConfig({ ...dev, LEASE_SECONDS: '20', CAMPAIGN_LEASE_SECONDS: '45' })).toMatchObject({
      LEASE_SECONDS: 20,
      CAMPAIGN_LEASE_SECONDS: 45,
    });
    expect(() => loadConfig({ ...dev, LEASE_SECONDS: '2' })).toThrow(/LEASE_SECONDS/);
  });

  it('names the bad setting in one line', () => {
    const cases: [Record<string, string>, RegExp][] = [
      [{ ...dev, PORT: 'eighty' }, /^Configuration error: PORT is invalid.*\(got "eighty"\)/],
      [{ ...dev, LOG_LEVEL: 'loud' }, /^Configuration error: LOG_LEVEL/],
      [{ ...dev, COSMOS_ENDPOINT: 'not a url' }, /^Configuration error: COSMOS_ENDPOINT/],
      [{ ...dev, SERVICE_URL: 'ftp://x' }, /^Configuration error: SERVICE_URL/],
      [{ ...dev, DEFAULT_LOCALE: 'de' }, /^Configuration error: DEFAULT_LOCALE/],
      [
        { ...dev, DEFAULT_TIME_ZONE: 'Europe/Amsterdm' },
        /^Configuration error: DEFAULT_TIME_ZONE .*IANA.*\(got "Europe\/Amsterdm"\)/,
      ],
      [{ ...dev, DEV_ALLOW_UNAUTHENTICATED: 'maybe' }, /^Configuration error: DEV_ALLOW_UNAUTHENTICATED/],
      [{ ...dev, COSMOS_KEY: 'k' }, /COSMOS_KEY is set but COSMOS_ENDPOINT is not/],
      [{ ...dev, BOT_TOKEN_ISSUER: 'x' }, /BOT_OPENID_METADATA_URL and BOT_TOKEN_ISSUER must be set together/],
    ];
    for (const [env, message] of cases) {
      let error: unknown;
      try {
        loadConfig(env);
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).not.toContain('\n');
    }
  });

  // Every new school is given DEFAULT_TIME_ZONE: a typo would be stored in each and break every date
  // the bot shows them later, so it stops the start instead.
  it('starts only with a time zone that exists', () => {
    expect(() => loadConfig({ ...dev, DEFAULT_TIME_ZONE: 'Europe/Amsterdm' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...dev, DEFAULT_TIME_ZONE: 'CET+1' })).toThrow(/DEFAULT_TIME_ZONE/);
    for (const zone of ['Europe/Amsterdam', 'Europe/Brussels', 'America/Curacao', 'UTC']) {
      expect(loadConfig({ ...dev, DEFAULT_TIME_ZONE: zone }).DEFAULT_TIME_ZONE).toBe(zone);
    }
  });

  it('never echoes a secret in its error', () => {
    expect(() => loadConfig({ ...dev, COSMOS_ENDPOINT: 'https://x.documents.azure.com', COSMOS_KEY: '' })).not.toThrow();
    try {
      loadConfig({ CLIENT_ID: 'a', CLIENT_SECRET: 'hunter2', DEV_ALLOW_UNAUTHENTICATED: 'nope' });
    } catch (err) {
      expect((err as Error).message).not.toContain('hunter2');
    }
  });

  it('refuses every development flag next to production credentials, wherever it runs', () => {
    const credentials = [
      { CLIENT_ID: 'app', CLIENT_SECRET: 's' },
      { CLIENT_ID: 'app', MANAGED_IDENTITY_CLIENT_ID: 'app' },
    ];
    // With Teams SSO on, as the coordinator page is in production; no WEBSITE_SITE_NAME (not on App Service).
    const sso = { TAB_SSO_CLIENT_ID: '11111111-2222-4333-8444-555555555555', PUBLIC_URL: 'https://lob.example' };
    for (const production of credentials) {
      expect(loadConfig({ ...production, ...sso }).devMode).toBe(false);
      for (const flag of ['DEV_ALLOW_UNAUTHENTICATED', 'DEV_PAGE_LOGIN', 'COSMOS_ALLOW_SELF_SIGNED']) {
        for (const on of ['true', '1', 'yes']) {
          expect(() => loadConfig({ ...production, ...sso, [flag]: on }), `${flag}=${on}`).toThrow(ConfigError);
          expect(() => loadConfig({ ...production, ...sso, [flag]: on })).toThrow(
            new RegExp(`${flag} must not be set together with production credentials`),
          );
        }
        expect(loadConfig({ ...production, ...sso, [flag]: 'false' }).devMode).toBe(false);
      }
    }
    // A managed identity alone (the store's) is a production credential too.
    expect(() => loadConfig({ ...dev, MANAGED_IDENTITY_CLIENT_ID: 'mi' })).toThrow(/production credentials/);
    // Development without credentials keeps working.
    expect(loadConfig({ ...dev, DEV_PAGE_LOGIN: 'true', COSMOS_ALLOW_SELF_SIGNED: 'true' }).DEV_PAGE_LOGIN).toBe(true);
  });

  it('refuses the development flag on App Service', () => {
    expect(() => loadConfig({ ...dev, WEBSITE_SITE_NAME: 'lob-prod' })).toThrow(/App Service/);
  });
});
