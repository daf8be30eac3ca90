import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

// BENCH_PROFILE=<dir>: a CPU profile of one phase of a bench in this process (open it in Chrome DevTools),
// and the self time per function and per source, divided by the operations of the phase, on stdout.

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export async function profiled<T>(dir: string | undefined, name: string, ops: number, run: () => Promise<T>): Promise<T> {
  if (!dir) return run();
  const session = new Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 200 });
  await session.post('Profiler.start');
  try {
    return await run();
  } finally {
    const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
    session.disconnect();
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, `${name}.cpuprofile`), JSON.stringify(profile));
    console.log(`--- profile ${name}: ms of self time per operation (${ops} operations)`);
    console.log(summarize(profile, ops));
  }
}

function where(url: string): string {
  if (!url) return '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0]!.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0]!;
  }
  const src = url.indexOf('/src/');
  if (src >= 0) return url.slice(src + 1);
  return url.replace(/^file:\/\//, '');
}

function summarize(profile: Profile, ops: number): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  for (const [i, id] of profile.samples.entries()) self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  const byFn = new Map<string, number>();
  const bySource = new Map<string, number>();
  for (const [id, us] of self) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)') {
      self.delete(id);
      continue;
    }
    const src = where(callFrame.url);
    const fn = `${callFrame.functionName || '(anonymous)'} ${src}:${callFrame.lineNumber + 1}`;
    byFn.set(fn, (byFn.get(fn) ?? 0) + us);
    bySource.set(src, (bySource.get(src) ?? 0) + us);
  }
  const total = [...self.values()].reduce((a, b) => a + b, 0);
  const top = (m: Map<string, number>, n: number) =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => `  ${(us / 1000 / ops).toFixed(3).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`)
      .join('\n');
  return `total ${(total / 1000 / ops).toFixed(3)} ms\nby source:\n${top(bySource, 25)}\nby function:\n${top(byFn, 40)}`;
}
