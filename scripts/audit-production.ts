import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run audit:prod`: no high or critical advisories in the production dependencies, except the ones
// listed with a reason in audit-exceptions.json. npm audit needs the registry's advisory service; where
// that cannot be reached (offline, or a registry mirror without it) the check is SKIPPED with a message
// saying so, and exits 0: it never reports "no findings" without having looked.

export interface AuditException {
  /** The advisory id (GHSA-...) or URL, as npm audit reports it. */
  advisory: string;
  package: string;
  reason: string;
  /** Review the exception by this date (YYYY-MM-DD); after it the finding counts again. */
  reviewBy: string;
}

export type Verdict = { status: 'pass' | 'fail' | 'skip'; lines: string[] };

interface Via {
  source?: number;
  name?: string;
  title?: string;
  url?: string;
  severity?: string;
}

const blocking = new Set(['high', 'critical']);

/** Judges `npm audit --json` output. Pure, so the rules are tested without the network. */
export function judge(output: string, exceptions: AuditException[], today: string): Verdict {
  let report: Record<string, unknown>;
  try {
    report = JSON.parse(output) as Record<string, unknown>;
  } catch {
    return {
      status: 'skip',
      lines: ['SKIPPED: npm audit gave no report (is the registry reachable?). Production dependencies were NOT checked.'],
    };
  }
  const vulnerabilities = report['vulnerabilities'] as Record<string, { severity?: string; via?: (Via | string)[] }> | undefined;
  if (!vulnerabilities) {
    const why = String((report['error'] as { summary?: string } | undefined)?.summary || report['message'] || 'no report');
    return {
      status: 'skip',
      lines: [
        `SKIPPED: npm audit could not reach the advisory service (${why.slice(0, 200)}). Production dependencies were NOT checked.`,
      ],
    };
  }
  const findings: string[] = [];
  const excused: string[] = [];
  for (const [name, v] of Object.entries(vulnerabilities)) {
    for (const via of v.via ?? []) {
      if (typeof via === 'string') continue; // reported under the package it comes from
      if (!blocking.has(via.severity ?? v.severity ?? '')) continue;
      const id = via.url ?? String(via.source ?? '?');
      const exception = exceptions.find((e) => e.package === name && id.includes(e.advisory) && e.reviewBy >= today);
      const line = `${via.severity} ${name}: ${via.title ?? ''} (${id})`;
      if (exception) excused.push(`${line} — excepted until ${exception.reviewBy}: ${exception.reason}`);
      else findings.push(line);
    }
  }
  const lines = [...findings.map((f) => `FINDING ${f}`), ...excused.map((e) => `EXCEPTED ${e}`)];
  if (findings.length > 0) return { status: 'fail', lines };
  return { status: 'pass', lines: [...lines, 'npm audit: no high or critical advisories in production dependencies.'] };
}

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function main(): number {
  const exceptions = JSON.parse(fs.readFileSync(path.join(root, 'audit-exceptions.json'), 'utf8')) as AuditException[];
  const run = spawnSync('npm', ['audit', '--omit=dev', '--json'], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  const verdict = judge(run.stdout ?? '', exceptions, new Date().toISOString().slice(0, 10));
  for (const line of verdict.lines) process.stdout.write(`${line}\n`);
  return verdict.status === 'fail' ? 1 : 0;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) process.exitCode = main();
