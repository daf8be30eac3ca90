import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import type { z } from 'zod';
import { competencies, type Level, type Sector } from '../types.ts';
import { formatProblem, type LibraryEntry, type LintProblem, lintLibrary } from './flow-lint.ts';
import { type Flow, type FlowCatalog, flowFitsLevel, flowSchema } from './flows.ts';

export const shippedPromptsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../prompts');

export class FlowLoadError extends Error {}

/** Turns a schema issue into a line that names the question, as the lint does. */
function schemaProblem(file: string, raw: unknown, issue: z.core.$ZodIssue | undefined): LintProblem {
  const where = issue?.path ?? [];
  let question: string | undefined;
  if (where[0] === 'questions' && typeof where[1] === 'number') {
    const q = (raw as { questions?: { id?: unknown }[] })?.questions?.[where[1]];
    question = typeof q?.id === 'string' ? q.id : `#${where[1] + 1}`;
  } else if (where[0] === 'preparation') question = 'preparation';
  const field = (question ? where.slice(where[0] === 'questions' ? 2 : 1) : where).join('.') || '(root)';
  const last = where.at(-1);
  let message = `${field}: ${issue?.message ?? 'invalid'}`;
  if ((last === 'nl' || last === 'en') && issue?.code === 'invalid_type')
    message = `${where.slice(-2, -1)}: missing language ${last}`;
  else if (where.includes('competencies') && issue?.code === 'invalid_value') {
    const value = where.reduce<unknown>((node, key) => (node as Record<string | number, unknown>)?.[key as string], raw);
    message = `unknown competency tag "${String(value)}" (known: ${competencies.join(', ')})`;
  }
  return { file, rule: 'schema', message, ...(question ? { question } : {}) };
}

export type LoadResult = { entries: LibraryEntry[]; problems: LintProblem[] };

/** Reads every *.yaml flow in a folder and checks it against the schema; problems name file and question. */
export function readFlowFolder(dir: string, source: LibraryEntry['source'], label = dir): LoadResult {
  const entries: LibraryEntry[] = [];
  const problems: LintProblem[] = [];
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  for (const name of files) {
    const file = path.join(label, name);
    let raw: unknown;
    try {
      raw = parse(fs.readFileSync(path.join(dir, name), 'utf8'));
    } catch (err) {
      problems.push({ file, rule: 'yaml', message: `not valid YAML: ${(err as Error).message.split('\n')[0]}` });
      continue;
    }
    const parsed = flowSchema.safeParse(raw);
    if (!parsed.success) {
      problems.push(schemaProblem(file, raw, parsed.error.issues[0]));
      continue;
    }
    entries.push({ flow: parsed.data, file, source });
  }
  return { entries, problems };
}

/** Schema and lint over the shipped library plus, when given, a school's own folder. */
export function checkLibrary(options: { schoolDir?: string | undefined } = {}): LoadResult {
  const shipped = readFlowFolder(shippedPromptsDir, 'shipped', 'prompts');
  const school = options.schoolDir ? readSchoolFolder(options.schoolDir) : { entries: [], problems: [] };
  const entries = [...shipped.entries, ...school.entries];
  return { entries, problems: [...shipped.problems, ...school.problems, ...lintLibrary(entries)] };
}

function readSchoolFolder(dir: string): LoadResult {
  if (!fs.existsSync(dir) || !fs.statSync(dir).isDirectory()) {
    return { entries: [], problems: [{ file: dir, rule: 'folder', message: 'the school flows folder does not exist' }] };
  }
  return readFlowFolder(dir, 'school');
}

/** Loads the library for the bot; any problem stops the start with one line naming file and question. */
export function loadLibrary(options: { schoolDir?: string | undefined } = {}): FlowCatalog {
  const { entries, problems } = checkLibrary(options);
  if (problems.length) {
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more; run: npm run cli -- flows lint)` : '';
    throw new FlowLoadError(`${formatProblem(problems[0]!)}${more}`);
  }
  return createFlowCatalog(entries);
}

/** Reads flows without the lint (tests of deliberately small libraries). */
export function loadFlowFiles(dir: string): Flow[] {
  const { entries, problems } = readFlowFolder(dir, 'shipped');
  if (problems.length) throw new FlowLoadError(formatProblem(problems[0]!));
  return entries.map((e) => e.flow);
}

export function createFlowCatalog(input: (Flow | LibraryEntry)[], defaultId = 'free'): FlowCatalog {
  const entries: LibraryEntry[] = input.map((e) => ('flow' in e ? e : { flow: e, file: e.id, source: 'shipped' }));
  const byId = new Map<string, Flow>();
  for (const { flow } of entries) {
    if (byId.has(flow.id)) throw new FlowLoadError(`duplicate flow id ${flow.id}`);
    byId.set(flow.id, flow);
  }
  const fallback = byId.get(defaultId);
  if (!fallback) throw new FlowLoadError(`the default flow "${defaultId}" is missing`);
  // A school's own flow for an activity type and sector replaces the shipped one.
  const ranked = [...entries.filter((e) => e.source === 'school'), ...entries.filter((e) => e.source === 'shipped')];
  // A flow that names the student's level comes before one for the whole sector; a flow that names other
  // levels (a havo/vwo profielwerkstuk) is not offered to this student. Without a known level every flow
  // of the sector is.
  const forActivity = (activityType: string, sector: Sector, level?: Level) => {
    const matching = ranked.filter(
      (e) => e.flow.activityType === activityType && e.flow.sectors.includes(sector) && (!level || flowFitsLevel(e.flow, level)),
    );
    return (matching.find((e) => level && e.flow.levels?.includes(level)) ?? matching[0])?.flow;
  };
  return {
    get: (id) => byId.get(id),
    defaultFlow: () => fallback,
    all: () => [...byId.values()],
    forActivity,
    forSector: (sector, level) => {
      const types = [...new Set(entries.map((e) => e.flow.activityType))];
      // The library's order (files sorted by name) with the free flow last.
      const flows = types.map((t) => forActivity(t, sector, level)).filter((f): f is Flow => Boolean(f));
      return [...flows.filter((f) => f.activityType !== 'free'), ...flows.filter((f) => f.activityType === 'free')];
    },
  };
}
