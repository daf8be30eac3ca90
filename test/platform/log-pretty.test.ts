import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';
import { expect, it } from 'vitest';
import { loadDevEnv } from '../../src/platform/dev-env.ts';
import { createLogger } from '../../src/platform/log.ts';
import { prettyDestination, wantsPrettyLogs } from '../../src/platform/log-pretty.ts';

it('writes readable lines in a terminal and JSON elsewhere and in production', () => {
  expect(wantsPrettyLogs({ isTTY: true }, {})).toBe(true);
  expect(wantsPrettyLogs({ isTTY: false }, {})).toBe(false);
  expect(wantsPrettyLogs({}, {})).toBe(false);
  expect(wantsPrettyLogs({ isTTY: true }, { NODE_ENV: 'production' })).toBe(false);
  expect(wantsPrettyLogs({ isTTY: true }, { WEBSITE_SITE_NAME: 'lob' })).toBe(false);
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

it('reads env.development, then .env over it; the real environment wins; a missing .env is no error', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-dev-env-'));
  try {
    const development = path.join(dir, 'env.development');
    fs.writeFileSync(development, 'A=development\nB=development\nC=development\n');
    fs.writeFileSync(path.join(dir, '.env'), 'B=own\nC=own\n');
    const env: NodeJS.ProcessEnv = { C: 'shell' };
    expect(loadDevEnv(env, [development, path.join(dir, '.env')])).toHaveLength(2);
    expect(env).toEqual({ A: 'development', B: 'own', C: 'shell' });
    const without: NodeJS.ProcessEnv = {};
    expect(loadDevEnv(without, [development, path.join(dir, 'missing', '.env')])).toEqual([development]);
    expect(without['B']).toBe('development');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
