import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, expect, it } from 'vitest';

// `node src/main.ts` as App Service runs it: no flags, no NODE_OPTIONS. On Node 24 it must use no
// experimental feature, so nothing prints an ExperimentalWarning, also not when the coordinator page's
// browser script is served (it used to be type-stripped at run time with the experimental
// `module.stripTypeScriptTypes`).

const root = path.resolve(import.meta.dirname, '../..');
let dir: string | undefined;
afterEach(() => {
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
});

it('starts without experimental warnings and serves the page script as it is on disk', { timeout: 60_000 }, async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-start-'));
  const env: NodeJS.ProcessEnv = { ...process.env, DEV_ALLOW_UNAUTHENTICATED: 'true', PORT: '0', DATA_DIR: dir };
  delete env.NODE_OPTIONS;
  const child = spawn(process.execPath, [path.join(root, 'src/main.ts')], { cwd: dir, env });
  let stdout = '';
  let stderr = '';
  child.stderr.on('data', (d) => {
    stderr += d;
  });
  const url = await new Promise<string>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${stderr}`)));
    child.stdout.on('data', (d) => {
      stdout += d;
      const line = stdout.split('\n').find((l) => l.includes('LOB Reflectie is listening'));
      if (line) resolve(String(JSON.parse(line).url).replace(/\/api\/messages$/, ''));
    });
  });
  try {
    const res = await fetch(`${url}/coordinator/assets/page.js`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await res.text()).toBe(fs.readFileSync(path.join(root, 'src/modules/coordinator-page/client.js'), 'utf8'));
  } finally {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  expect(Number(process.versions.node.split('.')[0])).toBeGreaterThanOrEqual(24);
  expect(stderr + stdout).not.toMatch(/ExperimentalWarning|experimental feature/i);
});
