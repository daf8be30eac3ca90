import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { prettyDestination, wantsPrettyLogs } from '../../src/platform/log-pretty.ts';

const preload = path.resolve(import.meta.dirname, '../../src/platform/load-dev-env.ts');

it('writes readable lines in a terminal and JSON elsewhere and in production', () => {
  expect(wantsPrettyLogs({ isTTY: true }, false)).toBe(true);
  expect(wantsPrettyLogs({ isTTY: false }, false)).toBe(false);
  expect(wantsPrettyLogs({}, false)).toBe(false);
  expect(wantsPrettyLogs({ isTTY: true }, true)).toBe(false);
  const base = { DEV_ALLOW_UNAUTHENTICATED: 'true' };
  expect(loadConfig(base).production).toBe(false);
  expect(loadConfig({ ...base, NODE_ENV: 'production' }).production).toBe(true);
  expect(loadConfig({ CLIENT_ID: 'x', CLIENT_SECRET: 'y', WEBSITE_SITE_NAME: 'lob' }).production).toBe(true);
});

it('formats pino records as one readable line each, after redaction', () => {
  let out = '';
  const sink = new Writable({
    write(chunk, _enc, done) {
      out += chunk;
      done();
    },
  });
  const log = createLogger('info', prettyDestination(sink, false));
  log.child({ component: 'http' }).warn({ port: 3978, answers: ['secret answer'] }, 'listening on\nevery interface');
  log.info('plain');
  log.debug('not shown');
  const lines = out.trimEnd().split('\n');
  expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d WARN {2}\[http\] listening on$/);
  expect(lines[1]).toBe('    every interface port=3978 answers=[redacted]');
  expect(lines[2]).toMatch(/^\d\d:\d\d:\d\d INFO {2}plain$/);
  expect(lines).toHaveLength(3);
  expect(out).not.toContain('{"level"');
  expect(out).not.toContain('secret answer');
});

it('reads .env over env.development; the real environment wins; a missing .env is no error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-dev-env-'));
  const show = `console.log(JSON.stringify([process.env.SERVICE_URL, process.env.DEV_PAGE_LOGIN, process.env.LOG_LEVEL]))`;
  const run = () => {
    const env: NodeJS.ProcessEnv = { PATH: process.env['PATH'], LOG_LEVEL: 'debug' };
    const r = spawnSync(process.execPath, ['--import', preload, '-e', show], { cwd: dir, env, encoding: 'utf8' });
    return { out: JSON.parse(r.stdout), stderr: r.stderr };
  };
  try {
    // No .env: env.development's settings, the environment's LOG_LEVEL, and not a word about .env.
    const without = run();
    expect(without.out).toEqual(['http://127.0.0.1:56150/_connector', 'true', 'debug']);
    expect(without.stderr).toBe('');
    fs.writeFileSync(path.join(dir, '.env'), 'DEV_PAGE_LOGIN=false\nLOG_LEVEL=warn\n');
    expect(run().out).toEqual(['http://127.0.0.1:56150/_connector', 'false', 'debug']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
