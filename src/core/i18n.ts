import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Locale, locales } from './types.ts';

// User-facing text lives beside its feature: src/core/locales/<locale>/<namespace>.json for the shared texts
// and src/modules/<feature>/locales/<locale>/<namespace>.json; a key is "<namespace>.<path>".
// Every namespace exists in every locale with the same keys (test/i18n.test.ts).

type Tree = { [key: string]: string | Tree };
export type Params = Record<string, string | number>;

const coreDir = path.dirname(fileURLToPath(import.meta.url));
const modulesDir = path.join(coreDir, '..', 'modules');
export const localeRoots: readonly string[] = [
  path.join(coreDir, 'locales'),
  ...fs
    .readdirSync(modulesDir)
    .map((m) => path.join(modulesDir, m, 'locales'))
    .filter((d) => fs.existsSync(d)),
];

function loadLocale(locale: Locale): Tree {
  const tree: Tree = {};
  for (const root of localeRoots) {
    const dir = path.join(root, locale);
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.json'))) {
      const namespace = path.basename(file, '.json');
      if (namespace in tree) throw new Error(`text namespace ${namespace} exists twice`);
      tree[namespace] = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Tree;
    }
  }
  return tree;
}

const catalog: Record<Locale, Tree> = Object.fromEntries(locales.map((l) => [l, loadLocale(l)])) as Record<Locale, Tree>;

function lookup(tree: Tree, key: string): string | Tree | undefined {
  let node: string | Tree | undefined = tree;
  for (const part of key.split('.')) {
    if (typeof node !== 'object') return undefined;
    node = node[part];
  }
  return node;
}

function interpolate(text: string, params?: Params): string {
  if (!params) return text;
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** Translates a key; a missing key is a bug, so it throws rather than showing a key to a student. */
export function t(locale: Locale, key: string, params?: Params): string {
  const found = lookup(catalog[locale], key);
  if (typeof found !== 'string') throw new Error(`missing text ${locale}:${key}`);
  return interpolate(found, params);
}

/** A whole namespace subtree (for card templates that bind many strings at once), interpolated. */
export function texts(locale: Locale, key: string, params?: Params): Record<string, unknown> {
  const found = lookup(catalog[locale], key);
  if (typeof found !== 'object') throw new Error(`missing text group ${locale}:${key}`);
  const walk = (node: Tree): Record<string, unknown> =>
    Object.fromEntries(Object.entries(node).map(([k, v]) => [k, typeof v === 'string' ? interpolate(v, params) : walk(v)]));
  return walk(found);
}

/** Dutch first, English second: for messages shown before we know who is asking. */
export function bilingual(key: string, params?: Params): string {
  return `${t('nl', key, params)}\n\n${t('en', key, params)}`;
}

export function allKeys(locale: Locale): string[] {
  const out: string[] = [];
  const walk = (node: Tree, prefix: string) => {
    for (const [k, v] of Object.entries(node)) {
      if (typeof v === 'string') out.push(prefix + k);
      else walk(v, `${prefix}${k}.`);
    }
  };
  walk(catalog[locale], '');
  return out.sort();
}
