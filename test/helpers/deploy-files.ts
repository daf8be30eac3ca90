import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { AnySchemaObject, ValidateFunction } from 'ajv';

// Shared by the app package and deployment tests: reading the Agents Toolkit's env files, filling in
// ${{PLACEHOLDERS}} as the toolkit does, and JSON Schema validation set up as the toolkit sets it up.

export const root = path.resolve(import.meta.dirname, '../..');
export const schemasDir = path.join(root, 'test/schemas');

export const readText = (file: string) => fs.readFileSync(path.join(root, file), 'utf8');
export const readJson = <T = unknown>(file: string) => JSON.parse(readText(file)) as T;

/** KEY=VALUE lines of an Agents Toolkit env file (comments and blank lines skipped). */
export function readEnvFile(file: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of readText(file).split(/\r?\n/)) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*=(.*)$/.exec(line);
    if (m) out.set(m[1]!, m[2]!.trim());
  }
  return out;
}

const placeholder = /\$\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

export const placeholdersIn = (text: string) => [...new Set([...text.matchAll(placeholder)].map((m) => m[1]!))].sort();

/** Replaces every ${{NAME}} with values[NAME]; throws naming any placeholder without a value. */
export function fillPlaceholders(text: string, values: Record<string, string>): string {
  const missing = placeholdersIn(text).filter((name) => values[name] === undefined);
  if (missing.length) throw new Error(`no sample value for ${missing.join(', ')}`);
  return text.replace(placeholder, (_, name: string) => values[name]!);
}

// The toolkit validates manifests with ajv-draft-04 and these formats (@microsoft/app-manifest); we do the same.
const require = createRequire(import.meta.url);
type AjvClass = new (
  options: Record<string, unknown>,
) => {
  compile(schema: AnySchemaObject): ValidateFunction;
};
const AjvDraft04 = require('ajv-draft-04') as AjvClass;
const AjvDraft07 = require('ajv') as AjvClass;
const addFormats = require('ajv-formats') as (ajv: unknown, formats: string[]) => void;

/** A validator for a bundled schema file (draft-04 or draft-07, as its $schema says). */
export function schemaValidator(schemaFile: string): ValidateFunction {
  const schema = JSON.parse(fs.readFileSync(path.join(schemasDir, schemaFile), 'utf8')) as AnySchemaObject;
  const Ajv = String(schema.$schema).includes('draft-04') ? AjvDraft04 : AjvDraft07;
  // unicodeRegExp off: the localization schema has patterns (a lone `]`) that only non-unicode RegExps accept.
  const ajv = new Ajv({ allErrors: true, strictTypes: false, unicodeRegExp: false });
  addFormats(ajv, ['uri', 'email', 'regex']);
  return ajv.compile(schema);
}

/** The validator's errors as readable lines, for expect messages. */
export function errorsOf(validate: ValidateFunction): string[] {
  return (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
}

/** What provision would fill into the app package's placeholders: ids from the toolkit and the Bicep outputs, URLs a school enters. */
export const manifestSamples: Record<string, string> = {
  TEAMS_APP_ID: '3f1c6a52-8e0b-4d7a-9c1e-2b5f4a6d8e90',
  BOT_ID: '7d2e9b14-5a3c-4f6e-8b1d-0c9a2e4f6b81',
  SCHOOL_WEBSITE_URL: 'https://www.voorbeeldcollege.nl',
  SCHOOL_PRIVACY_URL: 'https://www.voorbeeldcollege.nl/privacy',
  SCHOOL_TERMS_URL: 'https://www.voorbeeldcollege.nl/gebruiksvoorwaarden',
  BOT_DOMAIN: 'lobrefl1a2b3c.azurewebsites.net',
  AAD_APP_CLIENT_ID: '5f0c2d3e-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  AAD_APP_OBJECT_ID: '9a8b7c6d-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  AAD_APP_ACCESS_AS_USER_PERMISSION_ID: '0d1e2f3a-1a2b-4c3d-8e9f-0a1b2c3d4e5f',
  APP_NAME_SUFFIX: '-dev',
};
