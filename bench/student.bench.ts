import { performance } from 'node:perf_hooks';
import { reflectionCard } from '../src/core/cards/cards.ts';
import type { Reflection } from '../src/core/entities.ts';
import { checkLibrary, loadLibrary } from '../src/core/flows/load-flows.ts';
import { dossierEntries } from '../src/modules/reflection/dossier.ts';
import { dossierMarkdown } from '../src/modules/reflection/dossier-markdown.ts';
import { buildOverview } from '../src/modules/reflection/overview.ts';
import { overviewCard } from '../src/modules/reflection/student-cards.ts';

// The student side's figures: loading and linting the prompt library (at every start), building the
// overview card and the dossier for a student with many entries, and the largest card sizes.

function time<T>(label: string, runs: number, fn: () => T): T {
  let result = fn();
  const start = performance.now();
  for (let i = 0; i < runs; i++) result = fn();
  const ms = (performance.now() - start) / runs;
  process.stdout.write(`${label.padEnd(52)} ${ms.toFixed(2)} ms\n`);
  return result;
}

const flows = time('load + lint the library (24 flows)', 20, () => loadLibrary());
time('lint only (checkLibrary)', 20, () => checkLibrary());

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

const card = time('overview card, 500 entries (page 1)', 50, () =>
  overviewCard(buildOverview(reflections, flows), 'nl', 'Europe/Amsterdam'),
);
process.stdout.write(`${'overview card size'.padEnd(52)} ${Buffer.byteLength(JSON.stringify(card))} bytes (limit 28672)\n`);
const md = time('dossier Markdown, 500 entries', 10, () =>
  dossierMarkdown({
    name: 'Sanne',
    entries: dossierEntries(reflections, flows, 'nl'),
    locale: 'nl',
    madeOn: 'vandaag',
    formatDate: (d) => d.slice(0, 10),
  }),
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
