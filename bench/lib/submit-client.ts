import { performance } from 'node:perf_hooks';
import { LoopbackConnector } from '../../test/helpers/loopback-connector.ts';

// The other side of bench/submit.bench.ts, in its own process so that its CPU does not count as the
// bot's: the Bot Connector the bot sends to, and the clients that post the submits.
// Protocol over IPC: {cmd:'connector'} → {url}; {cmd:'round', bodies, url, expect?} → {samples}; {cmd:'count', needle} → {n}.

const connector = await LoopbackConnector.start();
const agentHeaders = { 'content-type': 'application/json' };

process.on('message', async (msg: { cmd: string; bodies?: string[]; url?: string; needle?: string; expect?: string }) => {
  if (msg.cmd === 'connector') process.send?.({ url: connector.url });
  if (msg.cmd === 'members') process.send?.({ ok: true });
  if (msg.cmd === 'round') {
    const samples = await Promise.all(
      (msg.bodies ?? []).map(async (body) => {
        const t0 = performance.now();
        const res = await fetch(msg.url!, { method: 'POST', headers: agentHeaders, body });
        const text = await res.text();
        const ms = performance.now() - t0;
        if (res.status !== 200 || !text.includes(msg.expect ?? 'opgeslagen')) {
          if (process.env['BENCH_DEBUG']) console.error(res.status, text.slice(0, 300));
          return -1;
        }
        return ms;
      }),
    );
    process.send?.({ samples });
  }
  if (msg.cmd === 'count') {
    const n = connector.recorded.filter((r) => JSON.stringify(r.activity).includes(msg.needle ?? '')).length;
    process.send?.({ n });
  }
  if (msg.cmd === 'stop') {
    await connector.close();
    process.exit(0);
  }
});
// Never outlive the benchmark (a crashed parent would leave this process holding its stdout).
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
