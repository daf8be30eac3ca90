import { App } from '@microsoft/teams.apps';
import { messageCard } from '../../src/core/cards/cards.ts';
import type { Logger } from '../../src/platform/log.ts';
import { BotHttpAdapter } from '../../src/teams/http-adapter.ts';
import { cardResponse } from '../../src/teams/turn.ts';

/**
 * The floor issue 14 names for a submit: a constant card through the same HTTP adapter, handed to the
 * Teams SDK's `App.process` (as the bot did before src/teams/inbound-routes.ts; bench/inbound.bench.ts
 * measures the same server against a bare POST). Runs in the calling process, so its CPU is measured as
 * the bot's is.
 */
export async function startSdkFloor(log: Logger): Promise<{ url: string; stop: () => Promise<void> }> {
  const card = cardResponse(messageCard('core.errors.unknownAction', 'nl', 'attention'));
  const app = new App({ dangerouslyAllowUnauthenticatedRequests: true, telemetry: { agent365: false } });
  app.on('card.action', async () => card);
  const adapter = new BotHttpAdapter({ host: '127.0.0.1', maxBodyBytes: 256 * 1024, log });
  adapter.handleActivities('/api/messages', (a) =>
    app.process({
      body: a as never,
      token: { appId: '', from: 'azure', fromId: '', serviceUrl: a.serviceUrl, isExpired: () => false, toString: () => '' },
    }),
  );
  adapter.finish();
  await adapter.start(0);
  return { url: `http://127.0.0.1:${adapter.address().port}/api/messages`, stop: () => adapter.stop() };
}
