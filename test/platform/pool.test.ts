import fs from 'node:fs';
import path from 'node:path';
import { expect, it } from 'vitest';
import { mapLimit, runWorkers } from '../../src/platform/pool.ts';

it('keeps at most `limit` calls in flight and the results in input order', async () => {
  let inFlight = 0;
  let most = 0;
  const out = await mapLimit([5, 1, 4, 2, 3], 2, async (n) => {
    inFlight++;
    most = Math.max(most, inFlight);
    await new Promise((r) => setTimeout(r, n));
    inFlight--;
    return n * 10;
  });
  expect(out).toEqual([50, 10, 40, 20, 30]);
  expect(most).toBe(2);
  let runs = 0;
  await runWorkers(3, async () => {
    runs++;
  });
  expect(runs).toBe(3);
});

it('is the only concurrency pool in src/', () => {
  const files = fs
    .readdirSync(path.resolve('src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && f !== path.join('platform', 'pool.ts'));
  const pools = files.filter((f) =>
    /Promise\.all\(\s*Array\.from\(\s*\{\s*length/.test(fs.readFileSync(path.resolve('src', f), 'utf8')),
  );
  expect(pools).toEqual([]);
});
