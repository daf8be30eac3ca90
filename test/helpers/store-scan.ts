import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Doc, DocumentStore } from '../../src/platform/store/document-store.ts';

// Every document of every collection the app may open (infra/cosmos-containers.json, which a deploy test
// keeps complete), read through the store contract, so it works on both backends.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export function collectionNames(): string[] {
  return JSON.parse(fs.readFileSync(path.join(root, 'infra/cosmos-containers.json'), 'utf8')) as string[];
}

export async function scanStore(store: DocumentStore): Promise<{ collection: string; doc: Doc; text: string }[]> {
  const out: { collection: string; doc: Doc; text: string }[] = [];
  for (const name of collectionNames()) {
    const c = await store.collection<Doc>({ name, indexes: [] });
    for (const doc of await c.find()) out.push({ collection: name, doc, text: JSON.stringify(doc) });
  }
  return out;
}

/** The documents in which any of these strings occurs (case-insensitive), named by collection and id. */
export async function docsMentioning(store: DocumentStore, needles: string[]): Promise<string[]> {
  const lower = needles.filter(Boolean).map((n) => n.toLowerCase());
  return (await scanStore(store))
    .filter((d) => lower.some((n) => d.text.toLowerCase().includes(n)))
    .map((d) => `${d.collection}/${d.doc.id}: ${lower.filter((n) => d.text.toLowerCase().includes(n)).join(', ')}`);
}
