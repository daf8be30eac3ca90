import { performance } from 'node:perf_hooks';

// The browser's side of bench/coordinator-page.bench.ts, in its own process: the bot's store is
// synchronous, so a client in the bot's own process would wait for work the bot does after answering.
// Protocol over IPC: {cmd:'load', requests:[{url, headers}]} (fetched at once) → {results:[{ms, bytes, status}]}.

process.on('message', async (msg: { cmd: string; requests?: { url: string; headers?: Record<string, string> }[] }) => {
  if (msg.cmd === 'load') {
    const results = await Promise.all(
      (msg.requests ?? []).map(async ({ url, headers }) => {
        const t0 = performance.now();
        const res = await fetch(url, { headers: headers ?? {} });
        const body = Buffer.from(await res.arrayBuffer());
        return { ms: performance.now() - t0, bytes: body.length, status: res.status };
      }),
    );
    process.send?.({ results });
  }
  if (msg.cmd === 'stop') process.exit(0);
});
// Never outlive the benchmark.
process.on('disconnect', () => process.exit(0));
process.send?.({ ready: true });
