import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startBot } from '../src/app.ts';
import { ensurePersonByEmail } from '../src/core/assignments.ts';
import { captureTeamInstall } from '../src/core/install.ts';
import { startOfDay } from '../src/core/time/zoned-time.ts';
import { competencies } from '../src/core/types.ts';
import { buildCheckEvidence, evidencePeriod } from '../src/modules/quality-cycle/check-evidence.ts';
import { createTeam, linkTeam } from '../src/modules/quality-cycle/education-teams.ts';
import { defaultSchoolMilestones, defaultTeamMilestones } from '../src/modules/quality-cycle/template.ts';
import { schoolClock } from '../src/modules/quality-cycle/year-cycle.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { loadConfig } from '../src/platform/config.ts';
import { createLogger } from '../src/platform/log.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../test/helpers/activities.ts';
import { LoopbackConnector } from '../test/helpers/loopback-connector.ts';

// The quality cycle at the size of a large school, on the embedded store (a file):
// - the reminder job (every 15 minutes) for 40 linked teams (the shipped template's milestones each, plus the school's): a run when
//   everything is due at once (40 channel posts, owner cards), and the steady state: a run with nothing
//   to send, which is what almost every run is. Target: quiet run < 250 ms.
// - the Check evidence of a 300-student team with 20 reflections per student (6,000 reflections read,
//   one partition per student). Target: p95 < 1 s.
// The connector is the in-process loopback one; its work is in the "everything due" figure.
// Floors, measured in the same run after a warm-up, so the ratios hold on a noisy machine:
// - under the quiet run: one SQLite commit of a 1 KB document in the same store file (a quiet run takes
//   and gives back the job's lease, two such commits, and reads what is due);
// - under the Check evidence: reading the same 6,000 reflections from the store (one query per student),
//   which any evidence must do; the ratio is what counting and grouping add.

const TEAMS = Number(process.env.TEAMS ?? 40);
const STUDENTS = Number(process.env.STUDENTS ?? 300);
const REFLECTIONS = Number(process.env.REFLECTIONS ?? 20);

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-pdca-'));
const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
const connector = await LoopbackConnector.start();
const clock = new ManualClock(new Date(startOfDay('2026-09-16', 'Europe/Amsterdam').getTime() + 9 * 3_600_000));
const config = loadConfig({ DEV_ALLOW_UNAUTHENTICATED: 'true', PORT: '0', SERVICE_URL: connector.url, LOG_LEVEL: 'silent' });
const bot = await startBot({ config, log: createLogger('silent'), store, clock, scheduler: false });
const { deps } = bot;
const cycle = deps.modules.qualityCycle.cycle;

const ms = (from: number) => performance.now() - from;
const pct = (xs: number[], p: number) =>
  [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;

// 40 teams, each with a team leader who has a 1:1 chat, linked to its own Teams team.
for (let i = 0; i < TEAMS; i++) {
  const email = `leader${i}@bench.nl`;
  connector.addMember({ id: `29:leader${i}`, email });
  const { person } = await ensurePersonByEmail(deps.install, tenantId, email, 'team-leader', `Leader ${i}`);
  await deps.repos.people.update(tenantId, person.id, (p) => ({ ...p, teamsUserId: `29:leader${i}` }));
  const ref = await captureTeamInstall(
    deps.install,
    {
      tenantId,
      teamId: `19:team${i}@thread.tacv2`,
      teamName: `Team ${i}`,
      conversationId: `19:team${i}@thread.tacv2`,
      serviceUrl: connector.url,
      botId: '28:bench',
    },
    [],
  );
  await createTeam(cycle, tenantId, { id: `team-${i}`, name: `Team ${i}`, leaders: [email] });
  await linkTeam(cycle, tenantId, `team-${i}`, ref.ref);
}

let t0 = performance.now();
const first = await deps.jobs.runNow('quality-cycle.reminders');
const firstMs = ms(t0);
const quiet: number[] = [];
for (let i = 0; i < 20; i++) {
  t0 = performance.now();
  const r = await deps.jobs.runNow('quality-cycle.reminders');
  quiet.push(ms(t0));
  if (r.status !== 'ran' || (r.result as { reminded: number }).reminded !== 0) throw new Error('a quiet run sent something');
}
const posted = connector.recorded.filter((r) => r.op === 'create').length;
const firstRequests = connector.stats.requests;

// One team of 300 students (6 mentor groups of 50), 20 reflections each in the school year.
const mentors = Array.from({ length: 6 }, (_, i) => `mentor${i}@bench.nl`);
for (const m of mentors) await ensurePersonByEmail(deps.install, tenantId, m, 'mentor');
await createTeam(cycle, tenantId, { id: 'big', name: 'Big team', leaders: ['leader0@bench.nl'], mentors });
const big = (await deps.cycles.teams.get(tenantId, 'big'))!;
const mentorIds = big.mentorIds;
const studentIds: string[] = [];
for (let s = 0; s < STUDENTS; s++) {
  const { person } = await ensurePersonByEmail(deps.install, tenantId, `student${s}@bench.nl`, 'student');
  studentIds.push(person.id);
  await deps.repos.assignments.assign(tenantId, person.id, mentorIds[s % mentorIds.length]!, '2026-08-20T00:00:00Z');
  for (let r = 0; r < REFLECTIONS; r++) {
    const at = new Date(Date.UTC(2026, 7, 25) + r * 86_400_000).toISOString();
    await deps.repos.reflections.create({
      id: `r-${s}-${r}`,
      schoolId: tenantId,
      studentId: person.id,
      flowId: 'free',
      locale: 'nl',
      status: 'submitted',
      createdAt: at,
      submittedAt: at,
      answers: { happened: 'Vandaag liep ik mee op de afdeling en mocht ik zelf een klant helpen.' },
      competencies: [competencies[(s + r) % competencies.length]!],
      routing: 'routed',
    });
  }
}
const { period, year } = evidencePeriod('year', await schoolClock(cycle, tenantId));
const evidenceMs: number[] = [];
for (let i = 0; i < 10; i++) {
  t0 = performance.now();
  const e = await buildCheckEvidence(deps.evidence, {
    schoolId: tenantId,
    team: big,
    schoolYear: year.id,
    period,
    now: clock.now(),
  });
  evidenceMs.push(ms(t0));
  if (e.students !== STUDENTS) throw new Error('wrong student count');
}

// Floor of the quiet run: one commit of a document of a lease's or milestone's size, same store file.
const scratch = await store.collection<{ id: string; pk: string; version: number; body: string }>({
  name: 'bench_floor',
  indexes: [],
});
const commit = (i: number) => scratch.create({ id: `c${i}`, pk: 'floor', body: 'x'.repeat(1024) });
for (let i = 0; i < 50; i++) await commit(i);
const commitMs: number[] = [];
for (let i = 50; i < 250; i++) {
  t0 = performance.now();
  await commit(i);
  commitMs.push(ms(t0));
}
// Floor of the Check evidence: the team's reflections read straight from the store, once per student.
const readAll = async () => (await Promise.all(studentIds.map((id) => deps.repos.reflections.listByStudent(id)))).flat().length;
await readAll();
const readMs: number[] = [];
for (let i = 0; i < 10; i++) {
  t0 = performance.now();
  if ((await readAll()) !== STUDENTS * REFLECTIONS) throw new Error('wrong reflection count');
  readMs.push(ms(t0));
}

const f = (x: number) => x.toFixed(1);
process.stdout.write(
  [
    `reminder job, ${TEAMS} linked teams (${TEAMS * defaultTeamMilestones.length + defaultSchoolMilestones.length} milestones):`,
    `  everything due at once: ${f(firstMs)} ms (${first.status}; ${posted} cards posted, ${firstRequests} requests to the connector, held by the bot to the tenant limit of ${config.TEAMS_TENANT_RPS} per second)`,
    `  quiet run (nothing due), 20 runs: p50 ${f(pct(quiet, 50))} ms, max ${f(Math.max(...quiet))} ms  [target < 250 ms]`,
    `  floor: one SQLite commit of 1 KB, 200 commits: p50 ${pct(commitMs, 50).toFixed(2)} ms; the quiet run is ${(pct(quiet, 50) / pct(commitMs, 50)).toFixed(1)} commits' worth`,
    `check evidence, ${STUDENTS} students x ${REFLECTIONS} reflections, 10 runs:`,
    `  p50 ${f(pct(evidenceMs, 50))} ms, p95 ${f(pct(evidenceMs, 95))} ms  [target p95 < 1000 ms]`,
    `  floor: the same ${STUDENTS * REFLECTIONS} reflections read from the store, 10 runs: p50 ${f(pct(readMs, 50))} ms; the evidence p50 is ${(pct(evidenceMs, 50) / pct(readMs, 50)).toFixed(2)}× that`,
    `  rss ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB`,
    '',
  ].join('\n'),
);

await bot.stop();
await store.close();
await connector.close();
fs.rmSync(dir, { recursive: true, force: true });
