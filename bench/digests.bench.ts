import fs from 'node:fs';
import inspector from 'node:inspector/promises';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import type { Person, Reflection } from '../src/core/entities.ts';
import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from '../src/core/flows/load-flows.ts';
import { mentorMode } from '../src/core/mentor-routing.ts';
import { openRepositories } from '../src/core/repositories.ts';
import { openSendPolicies } from '../src/core/send-policy/send-policies.ts';
import { DeliveryEngine } from '../src/delivery/engine.ts';
import { cardByteLimit, cardBytes } from '../src/modules/mentoring/cards.ts';
import { digestCard } from '../src/modules/mentoring/digest-card.ts';
import { createMentoring } from '../src/modules/mentoring/mentoring.ts';
import { MentorMessages } from '../src/modules/mentoring/messages.ts';
import { openMentoringRepositories } from '../src/modules/mentoring/repositories.ts';
import { ManualClock } from '../src/platform/clock.ts';
import { createLogger } from '../src/platform/log.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { ConnectorClient } from '../src/teams/connector.ts';
import { Reach } from '../src/teams/reach.ts';
import { CountingStore } from '../test/helpers/counting-store.ts';

// `npm run bench -- digests`: the Friday digest for 1,000 mentors with 30 students each, every student
// with 10 new entries that week, on the embedded store (a SQLite file). Measures the whole scheduled run
// (queries, sections, cards, sending to a connector that answers at once), peak RSS, and the largest
// card, including every "show more" card. Targets: under 2 s (issue 14; under 5 s before), every card
// under 28 KB, at most 40 whole documents read per mentor.

const mentors = Number(process.env.BENCH_MENTORS ?? 1000);
const studentsPerMentor = 30;
const entriesPerStudent = 10;
const school = 'bench-school';
const tz = 'Europe/Amsterdam';

const words = [
  'Ik mocht vandaag zelf een klant helpen bij de kassa en dat ging beter dan ik dacht.',
  'Een collega legde uit hoe de planning werkt; ik vond het ingewikkeld maar wel interessant.',
  'Bij de open dag sprak ik een student die vertelde over de praktijkvakken, dat trok me wel.',
  'Ik stond de hele dag in het magazijn en merkte dat ik liever met mensen werk.',
  'Mijn begeleider gaf me een compliment over hoe rustig ik bleef toen het druk werd.',
];
const steps = [
  'Vragen of ik een keer mee mag naar een klantgesprek.',
  'Opzoeken welke opleidingen er zijn in de zorg.',
  'Mijn stagebegeleider om feedback vragen.',
  'Een meeloopdag plannen bij een ander bedrijf.',
];
const emotions = ['great', 'good', 'mixed', 'bad', 'awful'] as const;

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-bench-digests-'));
const file = path.join(dir, 'store.db');
const store = SqliteStore.open(file);
// What the run reads: whole documents (every document a get or a query returns) and projected rows (a few
// fields of a document, Query.select), apart, and per collection (the counting layer of the tests).
const countedStore = new CountingStore(store);
const repos = await openRepositories(countedStore);
const mentoringRepos = await openMentoringRepositories(countedStore, repos);
const flows = createFlowCatalog(loadFlowFiles(shippedPromptsDir));
const clock = new ManualClock('2026-11-02T07:00:00Z');

// --- the school (not timed) ----------------------------------------------------------------------------
// Seeded in the store's own table layout, in large transactions: through the store API every write is
// its own commit, which takes minutes for 600,000 documents. The run below uses the store API only.
const seedStart = performance.now();
const created = '2026-09-01T08:00:00.000Z';
await repos.schools.ensure({ id: school, name: 'Bench', sector: 'mbo', timeZone: tz, defaultLocale: 'nl', createdAt: created });
const raw = new DatabaseSync(file);
raw.exec('PRAGMA busy_timeout = 5000');
const insert = (table: string) => raw.prepare(`INSERT INTO c_${table} (pk, id, version, doc) VALUES (?, ?, 1, ?)`);
const put = <T extends { id: string }>(stmt: ReturnType<typeof insert>, pk: string, doc: T) =>
  stmt.run(pk, doc.id, JSON.stringify({ ...doc, pk, version: 1 }));
const people = insert('people');
const assignments = insert('assignments');
const conversations = insert('conversations');
const reflections = insert('reflections');
const items = insert('mentor_items');
const person = (id: string, name: string, role: Person['roles'][number]): Omit<Person, 'version'> => ({
  id,
  schoolId: school,
  name,
  email: `${id}@bench.nl`,
  teamsUserId: `29:${id}`,
  locale: 'nl',
  localeSource: 'default',
  roles: [role],
  reachability: { state: 'reachable' },
  createdAt: created,
  updatedAt: created,
});
let n = 0;
raw.exec('BEGIN');
for (let m = 0; m < mentors; m++) {
  const mentorId = `m${m}`;
  put(people, school, person(mentorId, `Mentor ${m}`, 'mentor'));
  put(conversations, school, {
    id: `personal:${mentorId}`,
    schoolId: school,
    kind: 'personal',
    tenantId: school,
    conversationId: `a:conv-${mentorId}`,
    serviceUrl: 'https://connector.bench',
    botId: '28:bench-bot',
    personId: mentorId,
    installed: true,
    updatedAt: created,
  });
  for (let s = 0; s < studentsPerMentor; s++) {
    const studentId = `s${m}-${s}`;
    put(people, school, person(studentId, `Student ${m}-${s} de Vries`, 'student'));
    put(assignments, school, {
      id: `${studentId}:${mentorId}`,
      schoolId: school,
      studentId,
      mentorId,
      active: true,
      since: created,
    });
    for (let e = 0; e < entriesPerStudent; e++) {
      n++;
      // Monday to Thursday of the week, in the afternoon.
      const at = new Date(Date.UTC(2026, 10, 2 + (e % 4), 13, (s * 7 + e) % 60)).toISOString();
      const emotion = emotions[n % 7 === 0 ? 4 : n % 4]!;
      const reflection: Omit<Reflection, 'version'> = {
        id: `r${n}`,
        schoolId: school,
        studentId,
        flowId: 'free',
        activityType: 'free',
        source: { kind: 'student' },
        locale: 'nl',
        status: 'submitted',
        createdAt: at,
        submittedAt: at,
        emotion,
        answers: { feeling: emotion, happened: words[n % words.length]!, 'next-step': steps[n % steps.length]! },
        competencies: ['motives', 'work-exploration', 'qualities', 'career-steering'],
        wantsToTalk: n % 19 === 0,
        signals: emotion === 'awful' ? ['very-negative'] : [],
        routing: 'routed',
      };
      put(reflections, studentId, reflection);
      const mode = mentorMode(reflection);
      put(items, mentorId, {
        id: `${reflection.id}:${mentorId}`,
        schoolId: school,
        mentorId,
        studentId,
        reflectionId: reflection.id,
        createdAt: at,
        mode,
        // As the router records them (src/modules/mentoring/routing.ts).
        priority: reflection.wantsToTalk ? 'talk' : reflection.signals?.length ? 'signal' : 'other',
        submittedAt: at,
        state: mode === 'now' ? 'sent' : 'pending',
        attempts: 0,
      });
    }
  }
  if (m % 100 === 99) {
    raw.exec('COMMIT');
    raw.exec('BEGIN');
  }
}
raw.exec('COMMIT');
raw.close();
const seedMs = performance.now() - seedStart;

// BENCH_PROFILE=<file>: a CPU profile of the timed run alone (the seeding and the checks left out).
async function startProfile(): Promise<{ stop(): Promise<void> } | undefined> {
  const out = process.env.BENCH_PROFILE;
  if (!out) return undefined;
  const session = new inspector.Session();
  session.connect();
  await session.post('Profiler.enable');
  await session.post('Profiler.setSamplingInterval', { interval: 100 });
  await session.post('Profiler.start');
  return {
    stop: async () => {
      const { profile } = await session.post('Profiler.stop');
      fs.writeFileSync(out, JSON.stringify(profile));
      session.disconnect();
    },
  };
}

// --- the run: the scheduled job on Friday 15:05 -------------------------------------------------------
let sent = 0;
let largestSent = 0;
// BENCH_DUMP=<file>: every activity sent and every card of the card check, one a line (to compare the cards
// of two versions).
const dumpSent = process.env.BENCH_DUMP;
const connector = new ConnectorClient({
  token: async () => undefined,
  transport: async ({ body }) => {
    sent++;
    if (dumpSent) fs.appendFileSync(dumpSent, `${body ?? ''}\n`);
    largestSent = Math.max(largestSent, Buffer.byteLength(body ?? ''));
    return { status: 201, retryAfter: undefined, text: JSON.stringify({ id: `act-${sent}` }) };
  },
});
const reach = new Reach({ repos, connector, clock, defaultServiceUrl: 'https://connector.bench' });
const sendPolicy = await openSendPolicies(store, repos, tz);
const mentoring = createMentoring({
  repos,
  mentoring: mentoringRepos,
  flows,
  clock,
  compose: new MentorMessages({ clock, flows }),
  delivery: new DeliveryEngine({ sender: reach, sendPolicy, log: createLogger('warn') }),
  log: createLogger('warn'),
  sendPolicy,
  newId: () => String(Math.random()),
});
clock.set('2026-11-06T14:05:00Z');
(globalThis as { gc?: () => void }).gc?.();
const rssBefore = process.memoryUsage().rss;
const cpuBefore = process.cpuUsage();
const started = performance.now();
const readMark = countedStore.mark();
const profiler = await startProfile();
const summary = await mentoring.digests.runDue();
await profiler?.stop();
const runReads = countedStore.since(readMark);
countedStore.forget(); // the card check below reads much more; its calls need not be kept
const runMs = performance.now() - started;
const cpu = process.cpuUsage(cpuBefore);
const cpuMs = (cpu.user + cpu.system) / 1000;
const peakRss = process.resourceUsage().maxRSS * 1024;
const onFirstCard = summary.mentors.reduce((n, r) => n + r.onFirstCard, 0) / Math.max(1, summary.mentors.length);

// For comparison: the store reading (and decoding) every document the digests could show, all pages (the
// run itself reads the answers of the first card's students only), with nothing else.
const readsStarted = performance.now();
for (let m = 0; m < mentors; m++) {
  const students = (await repos.assignments.activeStudentsOf(school, `m${m}`)).map((a) => a.studentId);
  await repos.mentorItems.listCreatedBetween(`m${m}`, undefined, '2026-11-06T14:04:00.000Z');
  await repos.reflections.listByStudents(students);
  await repos.people.getMany(school, students);
}
const readsMs = performance.now() - readsStarted;

// A card action naming a reflection outside the actor's partition (forwarded or tampered card data): the
// lookup that tells "not yours" from "not found", against its floor, a point read of a reflection.
const timedMs = async (times: number, read: (i: number) => Promise<unknown>) => {
  for (let i = 0; i < 20; i++) await read(i); // warm-up
  const t = performance.now();
  for (let i = 0; i < times; i++) await read(i);
  return (performance.now() - t) / times;
};
const lookupMs = await timedMs(200, (i) => repos.reflections.findAnywhere(`no-such-reflection-${i}`));
const pointReadMs = await timedMs(200, (i) =>
  repos.reflections.get(`s${i % mentors}-0`, `r${(i % mentors) * studentsPerMentor * entriesPerStudent + 1}`),
);

// Every card a mentor can get: the one sent, and each "show more" card after it (not timed).
let largest = 0;
let cards = 0;
// BENCH_PAGES=0 leaves this out (for profiling the run alone).
for (const run of process.env.BENCH_PAGES === '0' ? [] : summary.mentors) {
  const mentor = (await repos.people.get(school, run.mentorId))!;
  const digestId = `digest:${run.mentorId}:2026-11-06T14:00:00.000Z`;
  for (let page = 0; ; page++) {
    const drawn = await mentoring.digests.page(mentor, digestId, page);
    if (!drawn) break;
    const { card, shown } = digestCard(drawn.view, { today: '2026-11-06', fit: !drawn.known });
    if (!drawn.known) await mentoring.digests.recordPage(mentor, digestId, page, shown);
    if (dumpSent) fs.appendFileSync(dumpSent, `${JSON.stringify(card)}\n`);
    largest = Math.max(largest, cardBytes(card));
    cards++;
  }
}
await store.close();
fs.rmSync(dir, { recursive: true, force: true });

const mb = (b: number) => `${(b / 1024 / 1024).toFixed(0)} MB`;
const result = {
  mentors,
  students: mentors * studentsPerMentor,
  entries: n,
  digestsSent: summary.sent,
  failed: summary.failed,
  totalMs: Math.round(runMs),
  cpuMs: Math.round(cpuMs),
  storeReadsAloneMs: Math.round(readsMs),
  otherReflectionLookupMs: Number(lookupMs.toFixed(3)),
  pointReadMs: Number(pointReadMs.toFixed(3)),
  // The floor of the same run: the store reading everything the digests could show, with nothing else.
  runRatioToStoreReads: Number((runMs / readsMs).toFixed(2)),
  perMentorMs: Number((runMs / mentors).toFixed(2)),
  docsReadPerMentor: Number((runReads.documents / mentors).toFixed(1)),
  projectedRowsPerMentor: Number((runReads.projectedRows / mentors).toFixed(1)),
  studentsOnFirstCard: Number(onFirstCard.toFixed(1)),
  peakRss: mb(peakRss),
  rssBeforeRun: mb(rssBefore),
  cards,
  largestCardBytes: largest,
  largestSentActivityBytes: largestSent,
  seedSeconds: Math.round(seedMs / 1000),
  loadAverage: Number(os.loadavg()[0]!.toFixed(1)),
};
console.log(JSON.stringify(result));
console.log(
  `digests: ${summary.sent} of ${mentors} mentors in ${(runMs / 1000).toFixed(2)} s (target < 2 s), CPU ${(cpuMs / 1000).toFixed(2)} s, load average ${os.loadavg()[0]!.toFixed(1)} on ${os.cpus().length} cores`,
);
console.log(
  `reading every document the digests could show (all pages) takes about ${(readsMs / 1000).toFixed(2)} s on its own (the run reads only the first cards' answers): the run is ${(runMs / readsMs).toFixed(2)}× that floor`,
);
console.log(
  `read per mentor: ${(runReads.documents / mentors).toFixed(1)} whole documents (target <= 40) and ${(runReads.projectedRows / mentors).toFixed(1)} projected rows (every get and query result, settings to sent)`,
);
console.log(
  `a card action naming a reflection that is not the actor's: looking it up among ${n} reflections takes ${lookupMs.toFixed(3)} ms (a point read ${pointReadMs.toFixed(3)} ms: ${(lookupMs / pointReadMs).toFixed(1)}×)`,
);
const perMentor = (n: number) => (n / mentors).toFixed(1);
console.log(
  `  by collection (whole / projected): ${Object.entries(runReads.byCollection)
    .map(([name, r]) => `${name} ${perMentor(r.documents)} / ${perMentor(r.projectedRows)}`)
    .join(', ')}`,
);
console.log(`peak RSS ${mb(peakRss)} (before the run ${mb(rssBefore)}, with ${n} entries seeded)`);
console.log(
  `largest card ${largest} bytes of ${cards} cards (limit ${cardByteLimit}); largest activity sent ${largestSent} bytes`,
);
if (summary.sent !== mentors || summary.failed) {
  console.error('not every mentor got a digest');
  process.exit(1);
}
if (largest >= cardByteLimit) {
  console.error('a card is over the Teams limit');
  process.exit(1);
}
