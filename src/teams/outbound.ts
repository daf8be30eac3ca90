import { App } from '@microsoft/teams.apps';
import type { School } from '../core/entities.ts';
import { sectorFor } from '../core/levels.ts';
import type { Repositories } from '../core/ports.ts';
import type { SendPolicies } from '../core/send-policy/quiet-hours.ts';
import { DeliveryEngine } from '../delivery/engine.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { teamsAppOptions } from './app-options.ts';
import { ConnectorClient, type TokenSource, type Transport } from './connector.ts';
import { GraphClient } from './graph.ts';
import { AppInstaller } from './graph-install.ts';
import { TeamsSendThrottle, type Throttle } from './rate-limit.ts';
import { Reach } from './reach.ts';

// Messages the product sends on its own initiative, through the connector behind the per-tenant send
// throttle. The bot and the CLI (`digest run`) build it the same way; features get it in their setup.

export interface Outbound {
  connector: ConnectorClient;
  /** Microsoft Graph with the app's own token per tenant (group membership, installing the app). */
  graph: GraphClient;
  reach: Reach;
  /** Sends scheduled messages: send policy, claim with a lease, throttled send, outcome (docs/delivery.md). */
  delivery: DeliveryEngine;
}

export function openOutbound(input: {
  config: Config;
  repos: Repositories;
  clock: Clock;
  log: Logger;
  sendPolicy: SendPolicies;
  token: TokenSource;
  /** The app's token for Microsoft Graph in a tenant; none: Graph calls go without one (development). */
  graphToken?: ((tenantId: string) => Promise<string | undefined>) | undefined;
  transport?: Transport | undefined;
  /** The send budget to use (several worker processes share the primary's); default one of its own. */
  throttle?: Throttle | undefined;
}): Outbound {
  const { config, repos, clock, token } = input;
  const connector = new ConnectorClient({ token, ...(input.transport ? { transport: input.transport } : {}) });
  const graph = new GraphClient({
    baseUrl: config.GRAPH_BASE_URL,
    token: input.graphToken ?? (async () => undefined),
    // Graph publishes no fixed figure for app installations; 10 requests/s per tenant stays well inside
    // what it allows, and a 429 (Retry-After) slows the tenant down further.
    throttle: new TeamsSendThrottle(
      { tenantPerSecond: 10, conversationPerSecond: 10 },
      { roundTrips: { maxMs: config.TEAMS_SEND_CREDIT_MAX_MS } },
    ),
  });
  const installer = config.TEAMS_APP_ID
    ? new AppInstaller({ graph, teamsAppId: config.TEAMS_APP_ID, log: input.log.child({ component: 'install' }) })
    : undefined;
  const reach = new Reach({
    repos,
    connector,
    clock,
    defaultServiceUrl: config.SERVICE_URL,
    ...(config.CLIENT_ID ? { botId: config.CLIENT_ID } : {}),
    ...(installer ? { installer } : {}),
    throttle:
      input.throttle ??
      new TeamsSendThrottle(
        {
          tenantPerSecond: config.TEAMS_TENANT_RPS,
          conversationPerSecond: config.TEAMS_CONVERSATION_RPS,
        },
        { roundTrips: { maxMs: config.TEAMS_SEND_CREDIT_MAX_MS } },
      ),
  });
  // A run sends many items of one school: its sector is read once a minute, not once per message.
  const schools = new Map<string, { school: School | undefined; at: number }>();
  const schoolOf = async (schoolId: string) => {
    const known = schools.get(schoolId);
    if (known && clock.now().getTime() - known.at < 60_000) return known.school;
    const school = await repos.schools.get(schoolId);
    schools.set(schoolId, { school, at: clock.now().getTime() });
    return school;
  };
  const delivery = new DeliveryEngine({
    sender: reach,
    conversations: reach,
    sendPolicy: input.sendPolicy,
    log: input.log.child({ component: 'delivery' }),
    // Outside a job run (a turn's message, a command): as long as an instance's lease on scheduled work.
    leaseMs: config.LEASE_SECONDS * 1000,
    clock,
    sectorOf: async (schoolId, person) => sectorFor(person ?? {}, await schoolOf(schoolId)),
  });
  return { connector, graph, reach, delivery };
}

/**
 * The app's tokens from the SDK (credentials as configured): for the connector and for Microsoft Graph
 * in a school's tenant, from one SDK app, so one token cache. The bot and the CLI use the same. None in
 * development mode without an app id.
 */
export function appTokenSources(
  config: Config,
  log: Logger,
): {
  token: TokenSource;
  graphToken: (tenantId: string) => Promise<string | undefined>;
} {
  const tokens = appTokens(config, log);
  const scope = `${new URL(config.GRAPH_BASE_URL).origin}/.default`;
  return { token: () => tokens(), graphToken: (tenantId) => tokens(scope, tenantId) };
}

/** The app's token for the connector (the CLI). */
export function appTokenSource(config: Config, log: Logger): TokenSource {
  return appTokenSources(config, log).token;
}

/** The same app's token for Microsoft Graph in a school's tenant (the CLI's `install --group`). */
export function appGraphTokenSource(config: Config, log: Logger): (tenantId: string) => Promise<string | undefined> {
  return appTokenSources(config, log).graphToken;
}

function appTokens(config: Config, log: Logger) {
  let app: App | undefined;
  return async (scope?: string, tenantId?: string) => {
    if (config.devMode && !config.CLIENT_ID) return undefined;
    app ??= new App(teamsAppOptions(config, log));
    const t = scope ? await app.tokenProvider.getAppToken(scope, tenantId) : await app.tokenProvider.getAppToken();
    return t ? t.toString() : undefined;
  };
}
