import os from 'node:os';
import { runSoak, type SoakOptions } from './soak/run.ts';

// `npm run soak`: a school year in a day (issue 16; bench/README.md, SOAK). Not part of `npm test` (a small
// version is: test/integration/soak-smoke.test.ts). Settings: SOAK_BACKENDS (sqlite,cosmos),
// SOAK_STUDENTS (1000), SOAK_MENTORS (50), SOAK_CAMPAIGNS (30), SOAK_COSMOS_STUDENTS (150),
// SOAK_COSMOS_MENTORS (15), SOAK_FROM (2026-08-01), SOAK_UNTIL (2027-07-31), SOAK_STEP_MINUTES (60),
// SOAK_RPS (50).

const env = process.env;
const num = (name: string, fallback: number) => Number(env[name] ?? fallback);
const backends = (env['SOAK_BACKENDS'] ?? 'sqlite,cosmos').split(',') as SoakOptions['backend'][];

process.stdout.write(
  `soak on ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? '?'}), Node ${process.version}, load ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}\n`,
);
let failed = false;
for (const backend of backends) {
  const cosmos = backend === 'cosmos';
  const options: SoakOptions = {
    backend,
    students: cosmos ? num('SOAK_COSMOS_STUDENTS', 150) : num('SOAK_STUDENTS', 1000),
    mentors: cosmos ? num('SOAK_COSMOS_MENTORS', 15) : num('SOAK_MENTORS', 50),
    campaigns: num('SOAK_CAMPAIGNS', 30),
    from: env['SOAK_FROM'] ?? '2026-08-01',
    until: env['SOAK_UNTIL'] ?? '2027-07-31',
    stepMinutes: num('SOAK_STEP_MINUTES', 60),
    rps: num('SOAK_RPS', 50),
    progress: (line) => process.stdout.write(`${line}\n`),
  };
  process.stdout.write(
    `\n[${backend}] ${options.students} students, ${options.mentors} mentors, ${options.from} to ${options.until}\n`,
  );
  const f = await runSoak(options);
  const { violations, faults, rollover, ...figures } = f;
  const rolled = rollover && {
    schoolYear: rollover.schoolYear,
    campaigns: rollover.campaigns,
    promptsSent: rollover.promptsSent,
    classes: rollover.classes.map((k) => `${k.from} -> ${k.name} (${k.students.length})`).join(', '),
    wrongMentors: rollover.wrongMentors.length,
  };
  process.stdout.write(
    `${JSON.stringify({ ...figures, rollover: rolled, kills: faults.kills.length, diskFullRefusals: faults.diskFullRefusals, injected429: faults.injected429, injected5xx: faults.injected5xx }, null, 1)}\n`,
  );
  for (const k of faults.kills) process.stdout.write(`  kill at ${k.at} (${k.why}): ${k.inFlight} prompts in flight\n`);
  if (violations.length) {
    failed = true;
    process.stdout.write(`FAILED (${violations.length}):\n${violations.map((v) => `  - ${v}`).join('\n')}\n`);
  } else process.stdout.write('  every assertion held\n');
}
process.exit(failed ? 1 : 0);
