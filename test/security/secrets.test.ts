import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { type AuditException, judge } from '../../scripts/audit-production.ts';
import { ConfigError, loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';

// Secrets come from the environment (or the managed identity) only, never reach a log line, and the
// production dependencies carry no high or critical advisories.

const secret = 'cs~TOP-SECRET-value-9d1f';

function captureLog(): { lines: string[]; log: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk, _enc, done) {
      lines.push(String(chunk));
      done();
    },
  });
  return { lines, log: createLogger('trace', sink) };
}

describe('secrets', () => {
  it('are redacted when a config, headers or token are logged whole by mistake', () => {
    const { lines, log } = captureLog();
    const config = loadConfig({
      CLIENT_ID: 'app',
      CLIENT_SECRET: secret,
      COSMOS_ENDPOINT: 'https://x.example.com',
      COSMOS_KEY: secret,
    });
    log.info({ config }, 'config');
    log.info(config, 'config at top level');
    log.info({ headers: { authorization: `Bearer ${secret}` } }, 'headers');
    log.info({ authorization: `Bearer ${secret}`, token: secret, clientSecret: secret }, 'loose fields');
    log.child({ component: 'x' }).warn({ request: { token: secret } }, 'nested');
    expect(lines).toHaveLength(5);
    expect(lines.join('')).not.toContain(secret);
    expect(lines.join('')).toContain('[redacted]');
  });

  it('never appear in configuration errors', () => {
    const cases = [
      { CLIENT_ID: 'app', CLIENT_SECRET: secret, COSMOS_KEY: secret },
      { CLIENT_SECRET: secret },
      { DEV_ALLOW_UNAUTHENTICATED: 'true', COSMOS_KEY: secret, COSMOS_ENDPOINT: 'nope' },
    ];
    for (const env of cases) {
      let message = '';
      try {
        loadConfig(env);
      } catch (err) {
        expect(err).toBeInstanceOf(ConfigError);
        message = (err as Error).message;
      }
      expect(message).not.toBe('');
      expect(message).not.toContain(secret);
    }
  });

  it('are read only from the environment: one settings module, no secret values in checked-in env files', () => {
    const sources = (dir: string): string[] =>
      fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
        const p = path.join(dir, e.name);
        return e.isDirectory() ? sources(p) : p.endsWith('.ts') ? [p] : [];
      });
    // The CLI entry point passes process.env to loadConfig; nothing else reads the environment directly.
    const readers = sources('src').filter((f) => /process\.env\b/.test(fs.readFileSync(f, 'utf8')));
    expect(readers.sort()).toEqual([path.join('src', 'cli', 'main.ts'), path.join('src', 'platform/config.ts')]);
    for (const file of ['env.sample', 'env.development']) {
      const text = fs.readFileSync(file, 'utf8');
      for (const key of ['CLIENT_SECRET', 'COSMOS_KEY'])
        expect(text, `${file} ${key}`).not.toMatch(new RegExp(`^${key}=\\S`, 'm'));
    }
    expect(fs.readFileSync('.gitignore', 'utf8')).toMatch(/^\.env$/m);
  });
});

describe('npm audit of the production dependencies', () => {
  const report = (severity: string, name = 'some-lib', url = 'https://github.com/advisories/GHSA-aaaa-bbbb-cccc') =>
    JSON.stringify({
      auditReportVersion: 2,
      vulnerabilities: {
        [name]: { name, severity, via: [{ source: 1, name, title: 'Prototype pollution', url, severity }] },
        dependent: { name: 'dependent', severity, via: [name] },
      },
    });
  const exception: AuditException = {
    advisory: 'GHSA-aaaa-bbbb-cccc',
    package: 'some-lib',
    reason: 'only reachable through a code path we do not use',
    reviewBy: '2027-06-30',
  };

  it('fails on a high or critical advisory, passes on lower ones and on documented exceptions', () => {
    expect(judge(report('high'), [], '2026-12-01').status).toBe('fail');
    expect(judge(report('critical'), [], '2026-12-01').lines[0]).toMatch(/^FINDING critical some-lib: Prototype pollution/);
    expect(judge(report('moderate'), [], '2026-12-01').status).toBe('pass');
    const excused = judge(report('high'), [exception], '2026-12-01');
    expect(excused.status).toBe('pass');
    expect(excused.lines[0]).toMatch(/^EXCEPTED .*only reachable/);
    // An exception past its review date no longer counts; nor does one for another package.
    expect(judge(report('high'), [exception], '2027-07-01').status).toBe('fail');
    expect(judge(report('high', 'other-lib'), [exception], '2026-12-01').status).toBe('fail');
    expect(judge(JSON.stringify({ auditReportVersion: 2, vulnerabilities: {} }), [], '2026-12-01').status).toBe('pass');
  });

  it('skips with a clear message, rather than passing, when the advisory service cannot be reached', () => {
    const offline = judge(
      JSON.stringify({ message: 'request to https://registry.npmjs.org failed, reason: getaddrinfo ENOTFOUND' }),
      [],
      '2026-12-01',
    );
    expect(offline.status).toBe('skip');
    expect(offline.lines[0]).toMatch(/^SKIPPED: .*ENOTFOUND.*NOT checked/);
    expect(judge('', [], '2026-12-01').status).toBe('skip');
  });

  it('runs against this project: no findings, or skipped offline with the message', () => {
    const exceptions = JSON.parse(fs.readFileSync('audit-exceptions.json', 'utf8')) as AuditException[];
    for (const e of exceptions) expect(e.reason.length, e.advisory).toBeGreaterThan(20);
    const run = spawnSync(process.execPath, ['scripts/audit-production.ts'], { encoding: 'utf8', timeout: 90_000 });
    const out = run.stdout;
    if (out.startsWith('SKIPPED')) console.warn(out.trim());
    expect(out).toMatch(/no high or critical advisories|^SKIPPED: .*NOT checked/m);
    expect(run.status, out).toBe(0);
  }, 100_000);
});
