import { LoopbackConnector, type LoopbackOptions } from './loopback-connector.ts';

// A loopback connector in a process of its own (connector-process.ts starts it): a service on another
// event loop than the bot's, as Teams is. Options and members come in LOOPBACK (JSON).

const { options, members } = JSON.parse(process.env['LOOPBACK'] ?? '{}') as { options?: LoopbackOptions; members?: string[] };
const connector = await LoopbackConnector.start(options ?? {});
for (const id of members ?? []) connector.addMember({ id });
process.on('message', (m) => {
  if (m === 'stats') process.send?.({ stats: connector.stats });
  if (m === 'stop') void connector.close().then(() => process.exit(0));
});
process.send?.({ url: connector.url });
