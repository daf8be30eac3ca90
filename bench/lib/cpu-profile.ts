import fs from 'node:fs';
import { Session } from 'node:inspector/promises';
import path from 'node:path';

// BENCH_PROFILE=<dir>: CPU profiles of named parts of a bench in this process (open them in Chrome
// DevTools), and the self time per function and per source of each part, divided by its operations.
// A part may be recorded in several pieces (rounds interleaved with other parts); the listing sums them.
// The profiler samples wall time on the main thread: a system call during which the process is
// descheduled counts as that call's time, so read native entries on a loaded machine with care.

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
type SelfTimes = { byFn: Map<string, number>; bySource: Map<string, number> };

export class CpuProfiles {
  private readonly dir: string | undefined;
  private readonly parts = new Map<string, { times: SelfTimes; pieces: number }>();
  constructor(dir: string | undefined) {
    this.dir = dir;
  }

  /** Runs `fn`, profiled as a piece of `part` when profiling is on. */
  async record<T>(part: string, fn: () => Promise<T>): Promise<T> {
    if (!this.dir) return fn();
    const session = new Session();
    session.connect();
    await session.post('Profiler.enable');
    await session.post('Profiler.setSamplingInterval', { interval: 200 });
    await session.post('Profiler.start');
    try {
      return await fn();
    } finally {
      const { profile } = (await session.post('Profiler.stop')) as { profile: Profile };
      session.disconnect();
      const seen = this.parts.get(part) ?? { times: { byFn: new Map(), bySource: new Map() }, pieces: 0 };
      addSelfTimes(profile, seen.times);
      seen.pieces++;
      this.parts.set(part, seen);
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(path.join(this.dir, `${part}-${seen.pieces}.cpuprofile`), JSON.stringify(profile));
    }
  }

  /** The listing of one part on stdout: ms of self time per operation. */
  report(part: string, ops: number): void {
    const seen = this.parts.get(part);
    if (!seen) return;
    const total = [...seen.times.bySource.values()].reduce((a, b) => a + b, 0);
    const top = (m: Map<string, number>, n: number) =>
      [...m]
        .sort((a, b) => b[1] - a[1])
        .slice(0, n)
        .map(
          ([k, us]) => `  ${(us / 1000 / ops).toFixed(3).padStart(7)} ms ${((us / total) * 100).toFixed(1).padStart(5)}%  ${k}`,
        )
        .join('\n');
    console.log(`--- profile ${part}: ms of self time per operation (${ops} operations, ${seen.pieces} pieces)`);
    console.log(
      `total ${(total / 1000 / ops).toFixed(3)} ms\nby source:\n${top(seen.times.bySource, 25)}\nby function:\n${top(seen.times.byFn, 40)}`,
    );
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

function addSelfTimes(profile: Profile, into: SelfTimes): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  for (const [i, id] of profile.samples.entries()) {
    const { callFrame } = byId.get(id)!;
    if (callFrame.functionName === '(idle)') continue;
    const us = profile.timeDeltas[i] ?? 0;
    const src = where(callFrame.url);
    const fn = `${callFrame.functionName || '(anonymous)'} ${src}:${callFrame.lineNumber + 1}`;
    into.byFn.set(fn, (into.byFn.get(fn) ?? 0) + us);
    into.bySource.set(src, (into.bySource.get(src) ?? 0) + us);
  }
}
