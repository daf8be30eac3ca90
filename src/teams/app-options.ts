import { PUBLIC, withOverrides } from '@microsoft/teams.api';
import type { Config } from '../platform/config.ts';
import { type Logger, sdkLogger } from '../platform/log.ts';

/**
 * The SDK app's settings from the configuration: credentials, cloud and logging. The bot and the CLI
 * build an SDK `App` from these for the app's tokens only; inbound activities do not go through it
 * (src/teams/inbound-routes.ts says why).
 */
export function teamsAppOptions(config: Config, log: Logger) {
  const cloud =
    config.BOT_OPENID_METADATA_URL && config.BOT_TOKEN_ISSUER
      ? withOverrides(PUBLIC, { openIdMetadataUrl: config.BOT_OPENID_METADATA_URL, tokenIssuer: config.BOT_TOKEN_ISSUER })
      : undefined;
  return {
    ...(config.CLIENT_ID ? { clientId: config.CLIENT_ID } : {}),
    ...(config.CLIENT_SECRET ? { clientSecret: config.CLIENT_SECRET } : {}),
    ...(config.TENANT_ID ? { tenantId: config.TENANT_ID } : {}),
    ...(config.MANAGED_IDENTITY_CLIENT_ID ? { managedIdentityClientId: config.MANAGED_IDENTITY_CLIENT_ID } : {}),
    ...(cloud ? { cloud } : {}),
    dangerouslyAllowUnauthenticatedRequests: config.devMode,
    logger: sdkLogger(log),
    serviceUrl: config.SERVICE_URL,
    telemetry: { agent365: false as const },
  };
}
