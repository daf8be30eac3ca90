import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import { App } from '@microsoft/teams.apps';
import { messageCard } from '../src/core/cards/cards.ts';
import { createLogger } from '../src/platform/log.ts';
import { BotHttpAdapter } from '../src/teams/http-adapter.ts';
import { dispatchTo, type InboundHandler } from '../src/teams/inbound-routes.ts';
import { cardResponse } from '../src/teams/turn.ts';
import { activity, testUser } from '../test/helpers/activities.ts';
import { startSubmitClients } from './lib/submit-clients.ts';

// What the Teams SDK costs per inbound activity, against a floor measured in the same run. Three servers
// in this process answer the same Action.Execute invoke (about 1 KB) with the same constant card:
// - bare: node:http, JSON.parse, the card as JSON: the floor;
// - sdk: the bot's HTTP adapter (express, body limit, envelope validation) handing the activity to the
//   Teams SDK's App.process, as the bot did before src/teams/inbound-routes.ts;
// - bot: the same adapter dispatching to the handler itself, as the bot does now.
// The clients run in a child process (bench/lib/submit-client.ts), so the CPU figures are the servers'.
// Rounds alternate between the servers, so a machine whose speed drifts colours all three alike; read the
// ratios to the bare POST, not the milliseconds.
// INBOUND_ACTIVITIES (4,000 per server), INBOUND_CONCURRENCY (50) change the size.

const total = Number(process.env['INBOUND_ACTIVITIES'] ?? 4000);
const concurrency = Number(process.env['INBOUND_CONCURRENCY'] ?? 50);
const rounds = Math.max(1, Math.round(total / concurrency));

const card = cardResponse(messageCard('core.errors.unknownAction', 'nl', 'attention'));
const cardJson = JSON.stringify(card);
const log = createLogger('silent');

const listen = async (server: http.Server) => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/messages`;
};

// bare: what any HTTP server must do for an invoke.
const bare = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type?: string };
    res.writeHead(200, { 'content-type': 'application/json; charset=utf-8' });
    res.end(body.type === 'invoke' ? cardJson : '{}');
  });
});
const bareUrl = await listen(bare);

// sdk: the adapter, then the SDK's App.process with a card.action handler.
const sdkApp = new App({ dangerouslyAllowUnauthenticatedRequests: true, telemetry: { agent365: false } });
sdkApp.on('card.action', async () => card);
const sdkAdapter = new BotHttpAdapter({ host: '127.0.0.1', maxBodyBytes: 256 * 1024, log });
sdkAdapter.handleActivities('/api/messages', (a) =>
  sdkApp.process({
    body: a as never,
    token: { appId: '', from: 'azure', fromId: '', serviceUrl: a.serviceUrl, isExpired: () => false, toString: () => '' },
  }),
);
sdkAdapter.finish();
await sdkAdapter.start(0);
const sdkUrl = `http://127.0.0.1:${sdkAdapter.address().port}/api/messages`;

// bot: the adapter dispatching itself.
const constant: InboundHandler = async () => card;
const none: InboundHandler = async () => undefined;
const botAdapter = new BotHttpAdapter({ host: '127.0.0.1', maxBodyBytes: 256 * 1024, log });
botAdapter.handleActivities(
  '/api/messages',
  dispatchTo({ message: none, conversationUpdate: none, 'install.add': none, 'install.remove': none, 'card.action': constant }),
);
botAdapter.finish();
await botAdapter.start(0);
const botUrl = `http://127.0.0.1:${botAdapter.address().port}/api/messages`;

const { client, ask } = await startSubmitClients();

const users = Array.from({ length: concurrency }, (_, i) => testUser(`Student ${i}`, `s${i}@bench.nl`));
const bodies = users.map((u) =>
  JSON.stringify(
    activity('card-action-execute', u, 'https://smba.trafficmanager.net/emea/', {
      verb: 'bench.constant',
      replyToId: 'act-1',
      data: { reflectionId: 'r-1', feeling: 'good', happened: 'Ik heb vandaag voor het eerst zelf een klant geholpen.' },
    }),
  ),
);

const servers = { bare: bareUrl, sdk: sdkUrl, bot: botUrl } as const;
type Name = keyof typeof servers;
const cpu: Record<Name, number> = { bare: 0, sdk: 0, bot: 0 };
const samples: Record<Name, number[]> = { bare: [], sdk: [], bot: [] };
const round = async (name: Name, keep: boolean) => {
  const before = process.cpuUsage();
  const r = await ask<{ samples: number[] }>({
    cmd: 'round',
    bodies,
    url: servers[name],
    expect: 'application/vnd.microsoft.card.adaptive',
  });
  const used = process.cpuUsage(before);
  if (r.samples.some((s) => s < 0)) throw new Error(`a request to the ${name} server failed`);
  if (!keep) return;
  cpu[name] += (used.user + used.system) / 1000;
  samples[name].push(...r.samples);
};

// Warm-up: JIT, keep-alive sockets, the SDK's lazily built parts.
for (let i = 0; i < 20; i++) for (const name of Object.keys(servers) as Name[]) await round(name, false);
const load = os.loadavg()[0]!;
for (let i = 0; i < rounds; i++) for (const name of Object.keys(servers) as Name[]) await round(name, true);

const per = (name: Name) => cpu[name] / samples[name].length;
const p50 = (name: Name) => [...samples[name]].sort((a, b) => a - b)[Math.floor(samples[name].length / 2)]!;
const result = {
  machine: `${os.cpus()[0]?.model ?? 'cpu'} × ${os.cpus().length}, Node ${process.version}, load ${load.toFixed(1)} at the start`,
  activities_per_server: samples.bare.length,
  concurrency,
  cpu_ms_per_activity: { bare: +per('bare').toFixed(3), sdk: +per('sdk').toFixed(3), bot: +per('bot').toFixed(3) },
  p50_ms: { bare: +p50('bare').toFixed(1), sdk: +p50('sdk').toFixed(1), bot: +p50('bot').toFixed(1) },
  // Read these: the same run's bare POST is the floor.
  ratio_to_bare: { sdk: +(per('sdk') / per('bare')).toFixed(2), bot: +(per('bot') / per('bare')).toFixed(2) },
  sdk_share_of_sdk_path: +((per('sdk') - per('bot')) / per('sdk')).toFixed(2),
};
console.log(JSON.stringify(result, null, 2));

client.send({ cmd: 'stop' });
bare.close();
bare.closeAllConnections();
await sdkAdapter.stop();
await botAdapter.stop();
