import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// Teams activities as Teams sends them (test/fixtures/activities/*.json), filled in per test.

const dir = path.join(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/activities');

export const tenantId = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const botAppId = '00000000-0000-0000-0000-0000000b0715';

export interface TestUser {
  userId: string;
  aadObjectId: string;
  name: string;
  email: string;
  locale: string;
  conversationId: string;
}

let counter = 0;
export function testUser(name: string, email: string, locale = 'nl-NL'): TestUser {
  counter++;
  const n = String(counter).padStart(4, '0');
  return {
    userId: `29:1${n}abcdefGHIJKLmnopQRSTuvwxyz-${n}`,
    aadObjectId: `6c3c2b1a-0000-4000-8000-00000000${n}`,
    name,
    email,
    locale,
    conversationId: `a:1${n}Xy9ZpQ-personal-chat-${n}`,
  };
}

type Fill = Record<string, unknown>;

function fill(node: unknown, values: Fill): unknown {
  if (typeof node === 'string') {
    const whole = /^\{\{(\w+)\}\}$/.exec(node);
    if (whole) return values[whole[1]!] ?? node;
    return node.replace(/\{\{(\w+)\}\}/g, (all, key: string) => (key in values ? String(values[key]) : all));
  }
  if (Array.isArray(node)) return node.map((n) => fill(n, values));
  if (node && typeof node === 'object') return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, fill(v, values)]));
  return node;
}

export function activity(fixture: string, user: TestUser, serviceUrl: string, extra: Fill = {}): Record<string, unknown> {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, `${fixture}.json`), 'utf8'));
  return fill(raw, {
    serviceUrl,
    tenantId,
    botAppId,
    userId: user.userId,
    aadObjectId: user.aadObjectId,
    userName: user.name,
    conversationId: user.conversationId,
    locale: user.locale,
    activityId: `1${Date.now()}${counter++}`,
    ...extra,
  }) as Record<string, unknown>;
}
