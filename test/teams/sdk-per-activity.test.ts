import { createRequire } from 'node:module';
import { App } from '@microsoft/teams.apps';
import type { Client as ClientType } from '@microsoft/teams.common';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { envelopeSchema } from '../../src/teams/activity.ts';
import { type InboundEvent, inboundEvent } from '../../src/teams/inbound-routes.ts';
import { activity, testUser } from '../helpers/activities.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Inbound activities do not go through the Teams SDK's App.process (src/teams/inbound-routes.ts): per
// activity it builds HTTP clients the bot never uses. These tests say when that workaround can go and
// that it does what the SDK did:
// - the SDK still clones a client for every activity (when this fails, the SDK stopped doing that and
//   App.process may be cheap enough to route through again: measure with bench/inbound.bench.ts);
// - the bot's own selection picks the handler the SDK's router picks, for every activity shape the bot
//   handles and the edge cases of its routing;
// - a card action through the running bot builds no SDK client at all.

// The HTTP client class as the SDK (CommonJS) loads it; an ESM import would be another copy of the class.
const sdkRequire = createRequire(createRequire(import.meta.url).resolve('@microsoft/teams.apps'));
const { Client } = sdkRequire('@microsoft/teams.common') as { Client: typeof ClientType };

const serviceUrl = 'https://smba.trafficmanager.net/emea/';
const events: InboundEvent[] = ['message', 'conversationUpdate', 'install.add', 'install.remove', 'card.action'];
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {}, log() {}, child: () => silent };

/** An SDK app with a handler per event that records which one ran. */
function sdkApp() {
  const app = new App({ dangerouslyAllowUnauthenticatedRequests: true, logger: silent, telemetry: { agent365: false } });
  const ran: string[] = [];
  for (const event of events) app.on(event, async () => void ran.push(event));
  return { app, ran };
}

const token = { appId: '', from: 'azure' as const, fromId: '', serviceUrl, isExpired: () => false, toString: () => '' };
const user = testUser('Sanne', 'sanne@school.nl');

const samples: [string, Record<string, unknown>][] = [
  ['personal message', activity('personal-message', user, serviceUrl, { text: 'help' })],
  ['channel message', activity('channel-message', user, serviceUrl, { text: 'help' })],
  ['card action', activity('card-action-execute', user, serviceUrl, { verb: 'x', replyToId: 'a', data: {} })],
  ['channel card action', activity('channel-card-action', user, serviceUrl, { verb: 'x', replyToId: 'a', data: {} })],
  ['install add', activity('personal-installation-add', user, serviceUrl)],
  ['install remove', activity('personal-installation-remove', user, serviceUrl)],
  ['team install', activity('team-installation-add', user, serviceUrl)],
  ['conversation update', activity('personal-conversation-update', user, serviceUrl)],
  ['install as an array', { ...activity('personal-installation-add', user, serviceUrl), action: ['add'] }],
  ['install add-upgrade', { ...activity('personal-installation-add', user, serviceUrl), action: 'add-upgrade' }],
  ['install without action', { ...activity('personal-installation-add', user, serviceUrl), action: undefined }],
  [
    'conversation update with an event type',
    { ...activity('personal-conversation-update', user, serviceUrl), channelData: { eventType: 'teamRenamed' } },
  ],
  ['another invoke', { ...activity('card-action-execute', user, serviceUrl, { verb: 'x', replyToId: 'a' }), name: 'task/fetch' }],
  ['typing', { ...activity('personal-message', user, serviceUrl), type: 'typing' }],
  ['message reaction', { ...activity('personal-message', user, serviceUrl), type: 'messageReaction' }],
];

describe('the Teams SDK on the inbound path', () => {
  let bot: TestBot | undefined;
  afterEach(async () => {
    vi.restoreAllMocks();
    await bot?.stop();
    await bot?.connector.close();
    bot = undefined;
  });

  it('still clones an HTTP client for every activity it processes (when this fails, inbound-routes.ts can be reconsidered)', async () => {
    const { app } = sdkApp();
    const clone = vi.spyOn(Client.prototype, 'clone');
    for (let i = 1; i <= 3; i++) {
      const res = await app.process({ body: samples[0]![1] as never, token });
      expect(res.status).toBe(200);
      expect(clone.mock.calls.length).toBeGreaterThanOrEqual(i);
    }
  });

  it('selects the same handler as the SDK’s router for every activity shape', async () => {
    for (const [name, body] of samples) {
      const { app, ran } = sdkApp();
      await app.process({ body: body as never, token });
      const envelope = envelopeSchema.parse(body);
      expect([inboundEvent(envelope)].filter(Boolean), name).toEqual(ran);
    }
  });

  it('a card action through the bot builds no SDK client', async () => {
    bot = await startTestBot();
    bot.join(user);
    expect((await bot.send('personal-installation-add', user)).status).toBe(200);
    const clone = vi.spyOn(Client.prototype, 'clone');
    const res = await bot.send('card-action-execute', user, { verb: 'bench.unknown', replyToId: 'a', data: {} });
    expect(res.status).toBe(200);
    expect(JSON.stringify(res.body)).toContain('application/vnd.microsoft.card.adaptive');
    expect(clone).not.toHaveBeenCalled();
  });
});
