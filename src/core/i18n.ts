import { AsyncLocalStorage } from 'node:async_hooks';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Locale, locales, type Sector, sectors } from './types.ts';

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

// The catalog does not change once loaded: each key found is looked up in the tree once (only keys that
// exist are kept, so the map holds at most the catalog's own keys).
const found = Object.fromEntries(locales.map((l) => [l, new Map<string, string | Tree>()])) as Record<
  Locale,
  Map<string, string | Tree>
>;

function textAt(locale: Locale, key: string): string | Tree | undefined {
  const seen = found[locale]?.get(key);
  if (seen !== undefined) return seen;
  const node = lookup(catalog[locale], key);
  if (node !== undefined) found[locale]?.set(key, node);
  return node;
}

// Words that differ per sector: *leerling* and *mentor* in vo, *student* and *loopbaanbegeleider* in mbo,
// *student* and *SLB'er* in hbo. A text names them as {@student}, {@students}, {@mentor}, {@mentors} (and
// capitalised, {@Student} …); the words themselves live in one place, the `words` namespace
// (src/core/locales/<locale>/words.json), one set per sector. Which set: the `sector` parameter when a
// caller passes one, else the sector of whoever the current turn or message is for (withSector: the bot
// sets it per turn from the actor, the delivery engine per recipient), else vo, the product's default
// sector (sectorFor in src/core/levels.ts).
const audience = new AsyncLocalStorage<Sector>();

/** Runs `fn` with texts worded for this sector (students and mentors named as that sector names them). */
export function withSector<T>(sector: Sector | undefined, fn: () => T): T {
  return sector ? audience.run(sector, fn) : fn();
}

/** The sector texts are worded for right now. */
export function currentSector(): Sector {
  return audience.getStore() ?? 'vo';
}

function isSector(value: unknown): value is Sector {
  return typeof value === 'string' && (sectors as readonly string[]).includes(value);
}

const sectorWord = /\{@(\w+)\}/g;

function fillWords(text: string, locale: Locale, params: Params | undefined): string {
  if (!text.includes('{@')) return text;
  const sector = isSector(params?.['sector']) ? params['sector'] : currentSector();
  const words = textAt(locale, `words.${sector}`);
  return text.replace(sectorWord, (_whole, name: string) => {
    const word = typeof words === 'object' ? words[name] : undefined;
    if (typeof word !== 'string') throw new Error(`missing word ${locale}:words.${sector}.${name}`);
    return word;
  });
}

// Counts use ICU-style plural messages, so no text says "1 leerlingen" or "antwoord(en)":
//   "{count, plural, one {# leerling} other {# leerlingen}}"
// An option is =<n> (that exact number) or a CLDR category of the locale (Intl.PluralRules: one, other, ...);
// # is the number. Options hold plain text and {name} placeholders, no nested plurals.
const pluralMessage = /\{(\w+),\s*plural,((?:\s*(?:=\d+|zero|one|two|few|many|other)\s*\{[^{}]*(?:\{\w+\}[^{}]*)*\})+)\s*\}/g;
const pluralOption = /(=\d+|zero|one|two|few|many|other)\s*\{([^{}]*(?:\{\w+\}[^{}]*)*)\}/g;
const pluralRules = new Map<Locale, Intl.PluralRules>();
// A plural message's forms, parsed once per message text rather than on every count shown.
const pluralForms = new Map<string, Map<string, string>>();

function plural(locale: Locale, options: string, value: string | number): string {
  let forms = pluralForms.get(options);
  if (!forms) {
    forms = new Map([...options.matchAll(pluralOption)].map((m) => [m[1]!, m[2]!]));
    pluralForms.set(options, forms);
  }
  const n = typeof value === 'number' ? value : Number(value);
  let rules = pluralRules.get(locale);
  if (!rules) {
    rules = new Intl.PluralRules(locale);
    pluralRules.set(locale, rules);
  }
  const form = forms.get(`=${n}`) ?? (Number.isFinite(n) ? forms.get(rules.select(n)) : undefined) ?? forms.get('other') ?? '';
  return form.replaceAll('#', String(value));
}

function interpolate(raw: string, params: Params | undefined, locale: Locale): string {
  const text = fillWords(raw, locale, params);
  if (!params) return text;
  return text
    .replace(pluralMessage, (whole, name: string, options: string) =>
      name in params ? plural(locale, options, params[name]!) : whole,
    )
    .replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}

/** The parameters a text uses: plain {name}s and the counts of its plural messages. */
export function placeholderNames(text: string): string[] {
  const names: string[] = [];
  const rest = text.replace(pluralMessage, (_whole, name: string, options: string) => {
    names.push(name);
    for (const m of options.matchAll(pluralOption)) for (const p of m[2]!.matchAll(/\{(\w+)\}/g)) names.push(p[1]!);
    return '';
  });
  for (const m of rest.matchAll(/\{(\w+)\}/g)) names.push(m[1]!);
  return [...new Set(names)].sort();
}

/** Whether a text is well formed: every plural message has an `other` form (test/i18n.test.ts). */
export function pluralProblems(text: string): string[] {
  const problems: string[] = [];
  const matched = [...text.matchAll(pluralMessage)];
  for (const m of matched) if (!/(^|\s)other\s*\{/.test(m[2]!)) problems.push(`plural of {${m[1]}} has no "other" form`);
  const rest = text.replace(pluralMessage, '');
  if (/\{\w+,\s*plural/.test(rest)) problems.push('a plural message does not parse');
  return problems;
}

/** Translates a key; a missing key is a bug, so it throws rather than showing a key to a student. */
export function t(locale: Locale, key: string, params?: Params): string {
  const text = textAt(locale, key);
  if (typeof text !== 'string') throw new Error(`missing text ${locale}:${key}`);
  return interpolate(text, params, locale);
}

/** A whole namespace subtree (for card templates that bind many strings at once), interpolated. */
export function texts(locale: Locale, key: string, params?: Params): Record<string, unknown> {
  const group = textAt(locale, key);
  if (typeof group !== 'object') throw new Error(`missing text group ${locale}:${key}`);
  const walk = (node: Tree): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(node).map(([k, v]) => [k, typeof v === 'string' ? interpolate(v, params, locale) : walk(v)]),
    );
  return walk(group);
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
