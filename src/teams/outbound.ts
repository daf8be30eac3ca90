import { App } from '@microsoft/teams.apps';
import type { Repositories } from '../core/ports.ts';
import type { SendPolicies } from '../core/send-policy/quiet-hours.ts';
import { DeliveryEngine } from '../delivery/engine.ts';
import type { Clock } from '../platform/clock.ts';
import type { Config } from '../platform/config.ts';
import type { Logger } from '../platform/log.ts';
import { teamsAppOptions } from './bot.ts';
import { ConnectorClient, type TokenSource, type Transport } from './connector.ts';
import { TeamsSendThrottle, type Throttle } from './rate-limit.ts';
import { Reach } from './reach.ts';

// Messages the product sends on its own initiative, through the connector behind the per-tenant send
// throttle. The bot and the CLI (`digest run`) build it the same way; features get it in their setup.

export interface Outbound {
  connector: ConnectorClient;
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
  transport?: Transport | undefined;
  /** The send budget to use (several worker processes share the primary's); default one of its own. */
  throttle?: Throttle | undefined;
}): Outbound {
  const { config, repos, clock, token } = input;
  const connector = new ConnectorClient({ token, ...(input.transport ? { transport: input.transport } : {}) });
  const reach = new Reach({
    repos,
    connector,
    clock,
    defaultServiceUrl: config.SERVICE_URL,
    ...(config.CLIENT_ID ? { botId: config.CLIENT_ID } : {}),
    throttle:
      input.throttle ??
      new TeamsSendThrottle({
        tenantPerSecond: config.TEAMS_TENANT_RPS,
        conversationPerSecond: config.TEAMS_CONVERSATION_RPS,
      }),
  });
  const delivery = new DeliveryEngine({
    sender: reach,
    conversations: reach,
    sendPolicy: input.sendPolicy,
    log: input.log.child({ component: 'delivery' }),
  });
  return { connector, reach, delivery };
}

/**
 * The app's token for the connector outside the bot (the CLI): the same credentials and SDK as the bot,
 * without its server. None in development mode without an app id, as in the bot.
 */
export function appTokenSource(config: Config, log: Logger): TokenSource {
  let app: App | undefined;
  return async () => {
    if (config.devMode && !config.CLIENT_ID) return undefined;
    app ??= new App(teamsAppOptions(config, log));
    const t = await app.tokenProvider.getAppToken();
    return t ? t.toString() : undefined;
  };
}
