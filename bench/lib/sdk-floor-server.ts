import { createLogger } from '../../src/platform/log.ts';
import { startSdkFloor } from './sdk-floor.ts';

// The SDK floor (sdk-floor.ts) in a process of its own, so that the Teams SDK's code and garbage do not
// share the bot's process during the submits' rounds. Protocol over IPC: → {url} once started;
// {cmd:'cpu'} → {us, mainUs} (this process's CPU so far, and its main thread's); {cmd:'stop'}.

const floor = await startSdkFloor(createLogger('silent'));
process.on('message', async (msg: { cmd: string }) => {
  if (msg.cmd === 'cpu') {
    const c = process.cpuUsage();
    const m = process.threadCpuUsage();
    process.send?.({ us: c.user + c.system, mainUs: m.user + m.system });
  }
  if (msg.cmd === 'stop') {
    await floor.stop();
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));
process.send?.({ url: floor.url });
