import { ManualClock } from '../src/platform/clock.ts';
import { SqliteStore } from '../src/platform/store/sqlite/sqlite-store.ts';
import { actionData, classWith, engineOf, execute, promptsTo, runJob, shadowDayCampaignFor } from '../test/helpers/campaigns.ts';
import { CountingStore, type StoreWork } from '../test/helpers/counting-store.ts';
import { startTestBot } from '../test/helpers/test-bot.ts';

// What the store does per operation, counted, and what a school year of it would cost on Azure Cosmos DB
// serverless (issue 14). The counts are measured here on the real bot over HTTP (the SQLite store behind a
// counting layer; the Cosmos store makes the same calls, see test/modules/reflection/submit-store-work.test.ts):
// one campaign prompt, one answer to it, and one idle run of every scheduled job. Request units are NOT
// measured: the Cosmos emulator in the tests answers every request with a charge of 1. They are estimated
// per call from the sizes of our documents (most under 1 KB; a reflection with answers 1-3 KB) and the
// published rules of thumb below; read the yearly figure as an order of magnitude, and check it against
// the `x-ms-request-charge` of a real account before relying on it.

/** Estimated request units per store call, for documents of about 1 KB with the default indexing. */
const ru = {
  get: 1, // a point read of a 1 KB item is 1 RU (Microsoft's definition of the unit)
  find: 3, // a query answering a few small documents from the index: about 2.5-3 RU
  count: 3,
  create: 6, // an insert of a 1 KB item with every path indexed: about 5-6 RU
  replace: 10, // a replace re-indexes the old and the new version: about twice an insert
  delete: 6,
} as const;
/** Serverless list prices in USD (at the time of writing; check the Azure pricing page for the region). */
const usdPerMillionRu = 0.25;

/** A school year of one school of 2,000 students (assumptions, printed with the result). */
const school = {
  students: 2_000,
  mentors: 67, // 30 students each
  promptsPerStudent: 12, // six campaigns a year, half of them with a reminder
  answersPerStudent: 8,
  digestWeeks: 40,
  instances: 2, // jobs marked per instance run on each
};

function ruOf(work: StoreWork): number {
  return work.calls.reduce((sum, c) => sum + ru[c.op], 0);
}

/** How often a node-cron expression fires in a year: the forms the product's jobs use. */
function runsPerYear(schedule: string): number {
  const f = schedule.trim().split(/\s+/);
  const withSeconds = f.length === 6;
  const [sec, min, hour] = withSeconds ? f : ['0', ...f];
  const minutesPerYear = 365 * 24 * 60;
  const every = (field: string | undefined, unit: number) =>
    field === '*' ? unit : field?.startsWith('*/') ? unit / Number(field.slice(2)) : 1;
  if (withSeconds && sec !== '0') return minutesPerYear * every(sec, 60) * (min === '*' ? 1 : 1 / 60);
  if (hour === '*') return minutesPerYear * (every(min, 60) / 60);
  return 365 * every(hour, 24) * (min === '*' ? 60 : 1);
}

const clock = new ManualClock('2026-11-25T13:00:00Z');
const store = new CountingStore(SqliteStore.open(':memory:'));
const t = await startTestBot({ clock, store });
const engine = await engineOf(t);
const { users, groupId } = await classWith(t, '4H', 20);
const created = await shadowDayCampaignFor(engine, groupId, clock.now().toISOString(), { activityKey: 'store-cost' });
if (!created.ok) throw new Error('campaign refused');
await runJob(t, 'campaigns.plan');

let mark = store.mark();
const sent = (await runJob(t, 'campaigns.send')) as { sent: number };
const prompts = store.since(mark);
if (sent.sent !== users.length) throw new Error(`sent ${sent.sent} of ${users.length}`);

// One student answers the prompt (the submit of the reflection, stored and routed, and its delivery answered).
const { reflectionId } = actionData(promptsTo(t, users[0]!)[0], 'reflection.feel') as { reflectionId: string };
const answer = {
  feeling: 'good',
  happened: 'Ik liep mee op de afdeling.',
  'good-at': 'Vragen stellen.',
  'next-step': 'Een stage zoeken.',
};
mark = store.mark();
await execute(t, users[0]!, 'reflection.submit', { reflectionId, ...answer });
await t.bot.router.idle();
const submit = store.since(mark);

// Every job once more with nothing left to do: what the schedule costs when the school is quiet. A job
// that ticks more than once a minute is measured over a minute of its ticks (the clock moved on between
// them) and counted per tick: a tick may read nothing while another looks (the campaign sender).
clock.advance(60 * 60_000);
const jobs = t.bot.deps.jobs.schedules();
const idle: { name: string; schedule: string; perInstance: boolean; ticks: number; work: StoreWork }[] = [];
// As the schedule runs them (tick): a lease that ends before the job's next tick is left to end.
for (const job of jobs) {
  await t.bot.deps.jobs.tick(job.name);
  await t.bot.deps.jobs.tick(job.name);
  const ticks = Math.max(1, Math.round(runsPerYear(job.schedule) / (365 * 24 * 60)));
  mark = store.mark();
  for (let i = 0; i < ticks; i++) {
    if (ticks > 1) clock.advance(60_000 / ticks);
    await t.bot.deps.jobs.tick(job.name);
  }
  idle.push({ ...job, ticks, work: store.since(mark) });
}
await t.stop();

const per = (w: StoreWork, n: number) => ({
  reads: +(w.reads / n).toFixed(2),
  writes: +(w.writes / n).toFixed(2),
  // A writeAll is one call (one commit on SQLite) however many writes it holds.
  write_calls: +(w.transactions / n).toFixed(2),
  ru_estimate: +(ruOf(w) / n).toFixed(1),
});
const promptRu = ruOf(prompts) / sent.sent;
const submitRu = ruOf(submit);
// The digest bench counts 12 whole documents and 441 projected rows per mentor (30 students x 10 entries);
// as RU: the point-read equivalent of the whole ones, about 10 queries, and a tenth of a unit per small row.
const digestRu = 12 * ru.get + 10 * ru.find + 441 * 0.1;
const idleRows = idle.map((j) => {
  const runs = runsPerYear(j.schedule) * (j.perInstance ? school.instances : 1);
  return { job: j.name, schedule: j.schedule, ...per(j.work, j.ticks), ru_per_year: Math.round((ruOf(j.work) / j.ticks) * runs) };
});
const yearly = {
  prompts: school.students * school.promptsPerStudent * promptRu,
  answers: school.students * school.answersPerStudent * submitRu,
  digests: school.mentors * school.digestWeeks * digestRu,
  idleJobs: idleRows.reduce((s, r) => s + r.ru_per_year, 0),
};
const totalRu = Object.values(yearly).reduce((a, b) => a + b, 0);

console.log(JSON.stringify({ per_prompt: per(prompts, sent.sent), per_submit: per(submit, 1), digest_ru_per_mentor: digestRu }));
console.table(idleRows);
console.log(
  JSON.stringify({
    assumptions: { ...school, ru_per_call: ru, usd_per_million_ru: usdPerMillionRu },
    ru_per_year: Object.fromEntries(Object.entries(yearly).map(([k, v]) => [k, Math.round(v)])),
    total_ru_per_year: Math.round(totalRu),
    usd_per_year_requests: +((totalRu / 1e6) * usdPerMillionRu).toFixed(2),
  }),
);
