import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

// `npm start` as a developer runs it (the command line of package.json's "start" script, on this Node):
// env.development on, no .env, logs that are not a terminal (so JSON, one object a line).

const root = path.resolve(import.meta.dirname, '../..');
const scripts = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).scripts as Record<string, string>;
const otherAddress = Object.values(os.networkInterfaces())
  .flat()
  .find((a) => a && a.family === 'IPv4' && !a.internal)?.address;

const children: ChildProcess[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const child of children.splice(0)) {
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

async function start(script: string, extra: NodeJS.ProcessEnv = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-dev-start-'));
  dirs.push(dir);
  const [node, ...args] = scripts[script]!.split(' ');
  expect(node).toBe('node');
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: '0', DATA_DIR: dir, ...extra };
  for (const key of ['NODE_OPTIONS', 'DEV_ALLOW_UNAUTHENTICATED', 'DEV_PAGE_LOGIN', 'DEV_ALLOW_REMOTE', 'HOST', 'LOG_LEVEL'])
    if (!(key in extra)) delete env[key];
  const child = spawn(process.execPath, args, { cwd: root, env });
  children.push(child);
  let output = '';
  child.stderr.on('data', (d) => {
    output += d;
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.on('exit', (code) => reject(new Error(`exited with ${code}: ${output}`)));
    child.stdout.on('data', (d) => {
      output += d;
      const m = /"url":"http:\/\/[^"]+:(\d+)\/api\/messages"/.exec(output);
      if (m) resolve(Number(m[1]));
    });
  });
  return { port, output: () => output };
}

describe('npm start', () => {
  it('prints one development warning, and nothing about a missing .env', { timeout: 60_000 }, async () => {
    const { output } = await start('start');
    const text = output();
    expect(text).not.toMatch(/not found/i);
    const lines = text.split('\n').filter(Boolean);
    for (const line of lines) expect(() => JSON.parse(line), line).not.toThrow();
    const warnings = lines.map((l) => JSON.parse(l)).filter((e) => e.level >= 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0].msg).toMatch(/^DEVELOPMENT MODE/);
    expect(warnings[0].msg).toContain('DEV_ALLOW_UNAUTHENTICATED=true');
    expect(warnings[0].msg).toContain('DEV_PAGE_LOGIN=true');
    expect(warnings[0].msg).toContain('Requests from other machines are refused');
  });

  it.runIf(otherAddress)(
    'answers only this machine, even when listening on every interface, unless DEV_ALLOW_REMOTE=true',
    { timeout: 90_000 },
    async () => {
      const local = await start('start', { HOST: '0.0.0.0' });
      expect((await fetch(`http://127.0.0.1:${local.port}/healthz`)).status).toBe(200);
      const refused = await fetch(`http://${otherAddress}:${local.port}/healthz`);
      expect(refused.status).toBe(403);
      const [nl, en] = (await refused.text()).split('\n');
      expect(nl).toMatch(/^Deze bot draait in ontwikkelmodus/);
      expect(en).toMatch(/^This bot runs in development mode/);
      const message = await fetch(`http://${otherAddress}:${local.port}/api/messages`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{}',
      });
      expect(message.status).toBe(403);

      const open = await start('start', { HOST: '0.0.0.0', DEV_ALLOW_REMOTE: 'true' });
      expect((await fetch(`http://${otherAddress}:${open.port}/healthz`)).status).toBe(200);
      expect(open.output()).toContain('DEV_ALLOW_REMOTE=true: requests from other machines are accepted too.');
    },
  );

  it('npm run dev is the same start, restarted by Node when a file changes', () => {
    expect(scripts['dev']).toBe(scripts['start']!.replace(/^node /, 'node --watch '));
  });
});
