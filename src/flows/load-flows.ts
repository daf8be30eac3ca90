import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { type Flow, type FlowCatalog, flowSchema } from '../domain/flows.ts';

export const shippedPromptsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../prompts');

export class FlowLoadError extends Error {}

/** Reads every *.yaml flow in a folder; a file that does not fit the schema stops the load with its name. */
export function loadFlowFiles(dir: string): Flow[] {
  const files = fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  return files.map((file) => {
    const full = path.join(dir, file);
    let raw: unknown;
    try {
      raw = parse(fs.readFileSync(full, 'utf8'));
    } catch (err) {
      throw new FlowLoadError(`${file}: not valid YAML: ${(err as Error).message}`);
    }
    const parsed = flowSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new FlowLoadError(`${file}: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
    }
    return parsed.data;
  });
}

export function createFlowCatalog(flows: Flow[], defaultId = 'free'): FlowCatalog {
  const byId = new Map<string, Flow>();
  for (const flow of flows) {
    if (byId.has(flow.id)) throw new FlowLoadError(`duplicate flow id ${flow.id}`);
    byId.set(flow.id, flow);
  }
  const fallback = byId.get(defaultId);
  if (!fallback) throw new FlowLoadError(`the default flow "${defaultId}" is missing`);
  return {
    get: (id) => byId.get(id),
    defaultFlow: () => fallback,
    all: () => [...byId.values()],
  };
}
