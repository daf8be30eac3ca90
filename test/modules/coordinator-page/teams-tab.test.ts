import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../../src/platform/config.ts';
import { fillPlaceholders, manifestSamples, readJson, readText } from '../../helpers/deploy-files.ts';

// The coordinator page as a Teams static tab: the manifest points the tab at the bot's own /coordinator,
// and the SSO resource it names is exactly the audience the server checks (TAB_SSO_APP_ID_URI's default
// on App Service), and the Entra registration provision creates exposes that URI and scope to Teams.

const samples = manifestSamples;

type Manifest = {
  staticTabs: { entityId: string; contentUrl: string; websiteUrl: string; scopes: string[] }[];
  validDomains: string[];
  webApplicationInfo: { id: string; resource: string };
};

describe('the coordinator page as a Teams tab', () => {
  const manifest = JSON.parse(fillPlaceholders(readText('appPackage/manifest.json'), samples)) as Manifest;

  it('is a personal static tab on the bot’s own host, in the Teams user’s language', () => {
    expect(manifest.staticTabs).toHaveLength(1);
    const tab = manifest.staticTabs[0]!;
    expect(tab.scopes).toEqual(['personal']);
    expect(tab.contentUrl).toBe(`https://${samples.BOT_DOMAIN}/coordinator?locale={locale}`);
    expect(new URL(tab.websiteUrl).host).toBe(samples.BOT_DOMAIN);
    expect(manifest.validDomains).toEqual([samples.BOT_DOMAIN]);
    expect(readJson<Record<string, string>>('appPackage/en.json')['staticTabs[0].name']).toBeTruthy();
  });

  it('names the SSO resource the server checks tokens against', () => {
    const config = loadConfig({
      CLIENT_ID: samples.BOT_ID,
      MANAGED_IDENTITY_CLIENT_ID: samples.BOT_ID,
      WEBSITE_HOSTNAME: samples.BOT_DOMAIN,
      TAB_SSO_CLIENT_ID: samples.AAD_APP_CLIENT_ID,
    });
    expect(manifest.webApplicationInfo).toEqual({ id: samples.AAD_APP_CLIENT_ID, resource: config.tabSso!.appIdUri });
  });

  it('has an Entra registration that exposes access_as_user at that URI to the Teams clients, without a secret', () => {
    const aad = JSON.parse(fillPlaceholders(readText('aad.manifest.json'), samples)) as {
      identifierUris: string[];
      oauth2Permissions: { id: string; value: string }[];
      preAuthorizedApplications: { appId: string; permissionIds: string[] }[];
      passwordCredentials?: unknown;
    };
    expect(aad.identifierUris).toEqual([manifest.webApplicationInfo.resource]);
    const scope = aad.oauth2Permissions.find((p) => p.value === 'access_as_user')!;
    const clients = new Map(aad.preAuthorizedApplications.map((a) => [a.appId, a.permissionIds]));
    for (const teams of ['1fec8e78-bce4-4aaf-ab1b-5451cc387264', '5e3ce6c0-2b1f-4285-8d4b-75ee78787346']) {
      expect(clients.get(teams)).toEqual([scope.id]);
    }
    expect(aad.passwordCredentials).toBeUndefined();
    const project = parse(readText('teamsapp.yml')) as { provision: { uses: string; with?: Record<string, unknown> }[] };
    const uses = project.provision.map((a) => a.uses);
    expect(uses.indexOf('aadApp/create')).toBeLessThan(uses.indexOf('arm/deploy'));
    expect(uses.indexOf('aadApp/update')).toBeGreaterThan(uses.indexOf('arm/deploy'));
    expect(project.provision.find((a) => a.uses === 'aadApp/create')!.with!['generateClientSecret']).toBe(false);
  });

  it('refuses the development login on App Service, and SSO without an Application ID URI to check', () => {
    const production = { CLIENT_ID: samples.BOT_ID, MANAGED_IDENTITY_CLIENT_ID: samples.BOT_ID };
    expect(() => loadConfig({ ...production, DEV_PAGE_LOGIN: 'true', WEBSITE_SITE_NAME: 'lobrefl1a2b3c' })).toThrow(
      /DEV_PAGE_LOGIN must not be set on Azure App Service/,
    );
    // Off App Service too: production credentials and a development login never go together.
    expect(() => loadConfig({ ...production, DEV_PAGE_LOGIN: 'true', PUBLIC_URL: 'https://lob.example' })).toThrow(
      /DEV_PAGE_LOGIN must not be set together with production credentials/,
    );
    expect(() => loadConfig({ ...production, TAB_SSO_CLIENT_ID: samples.AAD_APP_CLIENT_ID })).toThrow(/TAB_SSO_APP_ID_URI/);
    expect(() => loadConfig({ ...production, TAB_SSO_CLIENT_ID: 'not-a-guid', PUBLIC_URL: 'https://x.example' })).toThrow(
      /TAB_SSO_CLIENT_ID/,
    );
    expect(
      loadConfig({ ...production, TAB_SSO_CLIENT_ID: samples.AAD_APP_CLIENT_ID, TAB_SSO_APP_ID_URI: 'api://lob.example/abc' })
        .tabSso,
    ).toEqual({ clientId: samples.AAD_APP_CLIENT_ID, appIdUri: 'api://lob.example/abc' });
    expect(loadConfig(production).tabSso).toBeUndefined();
  });
});
