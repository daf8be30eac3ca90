import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { parse } from 'yaml';
import { reflectionCard } from '../src/core/cards/cards.ts';
import type { Reflection } from '../src/core/entities.ts';
import { checkLibrary, loadLibrary, shippedPromptsDir } from '../src/core/flows/load-flows.ts';
import { dossierEntries } from '../src/modules/reflection/dossier.ts';
import { dossierMarkdown } from '../src/modules/reflection/dossier-markdown.ts';
import { buildOverview } from '../src/modules/reflection/overview.ts';
import { overviewCard } from '../src/modules/reflection/student-cards.ts';

// The student side's figures: loading and linting the prompt library (at every start), building the
// overview card and the dossier for a student with many entries, and the largest card sizes.
// Floors, measured in the same run after a warm-up, so the ratios hold on a noisy machine:
// - under loading the library: reading its YAML files, parsing them and writing the result as JSON,
//   which any start must do to hold the flows (the rest is the schema and the lint);
// - under the dossier: JSON of the 500 reflections it is made from (the dossier writes out every answer,
//   so it is one pass over the same text). The overview card reads the same 500 but writes 10 KB: it
//   has no honest floor of its own here, so it prints none.

let lastMs = 0;
function time<T>(label: string, runs: number, fn: () => T, floorMs?: number): T {
  let result = fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) result = fn();
  lastMs = (performance.now() - start) / runs;
  const ratio = floorMs ? `  (${(lastMs / floorMs).toFixed(1)}× its floor)` : '';
  process.stdout.write(`${label.padEnd(52)} ${lastMs.toFixed(2)} ms${ratio}\n`);
  return result;
}

// Warm-up: the YAML parser, zod and the lint compiled before anything is timed.
for (let i = 0; i < 5; i++) loadLibrary();
const yamlFiles = fs.readdirSync(shippedPromptsDir).filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'));
const readAndParse = () =>
  JSON.stringify(yamlFiles.map((f) => parse(fs.readFileSync(path.join(shippedPromptsDir, f), 'utf8')) as unknown));
// The three alternate, one run each in turn, and each prints its median: a machine whose speed drifts
// colours all three alike.
const libraryRuns = { floor: [] as number[], load: [] as number[], lint: [] as number[] };
let flows = loadLibrary();
for (let i = 0; i < 20; i++) {
  let t0 = performance.now();
  readAndParse();
  libraryRuns.floor.push(performance.now() - t0);
  t0 = performance.now();
  flows = loadLibrary();
  libraryRuns.load.push(performance.now() - t0);
  t0 = performance.now();
  checkLibrary();
  libraryRuns.lint.push(performance.now() - t0);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const parseMs = median(libraryRuns.floor);
const line = (label: string, ms: number, floorMs?: number) =>
  process.stdout.write(
    `${label.padEnd(52)} ${ms.toFixed(2)} ms${floorMs ? `  (${(ms / floorMs).toFixed(1)}× its floor)` : ''}\n`,
  );
line(`floor: read + parse + JSON the library (${yamlFiles.length} files)`, parseMs);
line(`load + lint the library (${yamlFiles.length} flows)`, median(libraryRuns.load), parseMs);
line('lint only (checkLibrary)', median(libraryRuns.lint), parseMs);

const long = 'Ik hielp een klant met een retour en legde uit hoe het werkt. '.repeat(8).slice(0, 500);
const reflections: Reflection[] = Array.from({ length: 500 }, (_, i) => {
  const flow = flows.all()[i % flows.all().length]!;
  return {
    id: `r${i}`,
    version: 1,
    schoolId: 's',
    studentId: 'p',
    flowId: flow.id,
    activityType: flow.activityType,
    locale: 'nl',
    status: 'submitted',
    createdAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    submittedAt: new Date(Date.UTC(2026, 0, 1) + i * 3_600_000).toISOString(),
    emotion: 'good',
    answers: {
      feeling: 'good',
      happened: long,
      'good-at': long.slice(0, 300),
      explore: long.slice(0, 300),
      'next-step': long.slice(0, 300),
    },
    competencies: ['qualities', 'motives', 'work-exploration', 'career-steering'],
    routing: 'routed',
  };
});

time('floor: JSON of the 500 reflections', 50, () => JSON.stringify(reflections));
const jsonMs = lastMs;
const card = time('overview card, 500 entries (page 1)', 50, () =>
  overviewCard(buildOverview(reflections, flows), 'nl', 'Europe/Amsterdam'),
);
process.stdout.write(`${'overview card size'.padEnd(52)} ${Buffer.byteLength(JSON.stringify(card))} bytes (limit 28672)\n`);
const md = time(
  'dossier Markdown, 500 entries',
  10,
  () =>
    dossierMarkdown({
      name: 'Sanne',
      entries: dossierEntries(reflections, flows, 'nl'),
      locale: 'nl',
      madeOn: 'vandaag',
      formatDate: (d) => d.slice(0, 10),
    }),
  jsonMs,
);
process.stdout.write(`${'dossier size'.padEnd(52)} ${(Buffer.byteLength(md) / 1024).toFixed(0)} KB\n`);

let largest = 0;
let which = '';
for (const flow of flows.all()) {
  for (const emotion of ['great', 'bad'] as const) {
    const values = Object.fromEntries(flow.questions.map((q) => [q.id, 'x'.repeat(q.maxLength)]));
    const bytes = Buffer.byteLength(
      JSON.stringify(reflectionCard(flow, { ...reflections[0]!, flowId: flow.id, status: 'open' }, { emotion, values })),
    );
    if (bytes > largest) [largest, which] = [bytes, `${flow.id}/${emotion}`];
  }
}
process.stdout.write(`${'largest reflection card (every answer at its limit)'.padEnd(52)} ${largest} bytes (${which})\n`);
process.stdout.write(`${'peak RSS'.padEnd(52)} ${(process.memoryUsage().rss / 1048576).toFixed(0)} MB\n`);
