import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { expand } from './template.ts';

// The card templates (JSON) and filling them with data; the builders that decide what goes on a card
// are in cards.ts and reflection-cards.ts.

export type AdaptiveCard = Record<string, unknown> & { type: 'AdaptiveCard'; version: string };

// Card templates live beside the code that fills them: src/core/cards/templates/ for the shared ones and
// src/modules/<feature>/templates/ for each feature's. A template's name is its file name, unique across all.
const srcDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const templateDirs: readonly string[] = [
  path.join(srcDir, 'core', 'cards', 'templates'),
  ...fs
    .readdirSync(path.join(srcDir, 'modules'))
    .map((m) => path.join(srcDir, 'modules', m, 'templates'))
    .filter((d) => fs.existsSync(d)),
];
let templateIndex: Map<string, string> | undefined;

/** Every card template by name, with the file it is read from. */
export function templateFiles(): ReadonlyMap<string, string> {
  if (!templateIndex) {
    templateIndex = new Map();
    for (const dir of templateDirs) {
      for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
        const name = path.basename(file, '.json');
        if (templateIndex.has(name)) throw new Error(`card template ${name} exists twice`);
        templateIndex.set(name, path.join(dir, file));
      }
    }
  }
  return templateIndex;
}

const templates = new Map<string, unknown>();

export function template(name: string): unknown {
  let tpl = templates.get(name);
  if (!tpl) {
    const file = templateFiles().get(name);
    if (!file) throw new Error(`no card template ${name}`);
    tpl = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
    templates.set(name, tpl);
  }
  return tpl;
}

export function render(name: string, data: Record<string, unknown>): AdaptiveCard {
  return expand(template(name), data) as AdaptiveCard;
}
