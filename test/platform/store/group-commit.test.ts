import { afterEach, describe, expect, it } from 'vitest';
import { ConflictError, type Doc, type DocumentStore, replaceIfUnchanged } from '../../../src/platform/store/document-store.ts';
import { groupCommits } from '../../../src/platform/store/group-commit.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { CountingStore } from '../../helpers/counting-store.ts';

// The deliveries in flight write their claims and outcomes in shared commits on SQLite: replaces asked for
// in the same turn are one transaction, each resolved only once it is committed, and a stale one among
// them still gets its own ConflictError while the others are stored.

interface Item extends Doc {
  n: number;
}

const stores: SqliteStore[] = [];
afterEach(async () => {
  for (const s of stores.splice(0)) await s.close();
});

async function setUp(n: number) {
  const sqlite = SqliteStore.open(':memory:');
  stores.push(sqlite);
  const store = new CountingStore(sqlite);
  const raw = await store.collection<Item>({ name: 'items', indexes: ['n'] });
  const items: Item[] = [];
  for (let i = 0; i < n; i++) items.push(await raw.create({ id: `i${i}`, pk: 'p', n: i }));
  store.calls.length = 0;
  return { store, raw, items, grouped: groupCommits(store, raw) };
}

const commits = (store: CountingStore) => new Set(store.calls.filter((c) => c.op === 'replace').map((c) => c.commit)).size;

describe('group commits', () => {
  it('writes the replaces asked for together in one commit, each resolved with its stored version', async () => {
    const { store, raw, items, grouped } = await setUp(16);
    const written = await Promise.all(items.map((d) => grouped.replace({ ...d, n: d.n + 100 })));
    expect(written.map((d) => [d.id, d.n, d.version])).toEqual(items.map((d) => [d.id, d.n + 100, 2]));
    expect(store.calls.filter((c) => c.op === 'replace')).toHaveLength(16);
    expect(commits(store)).toBe(1);
    for (const d of items) expect((await raw.get('p', d.id))?.n).toBe(d.n + 100);
  });

  it('gives a stale document its conflict and stores the others', async () => {
    const { raw, items, grouped } = await setUp(8);
    // Another writer moved item 3 after it was read.
    await raw.replace({ ...items[3]!, n: -1 });
    const results = await Promise.all(items.map((d) => replaceIfUnchanged(grouped, { ...d, n: d.n + 100 })));
    expect(results.map((r) => r?.n)).toEqual([100, 101, 102, undefined, 104, 105, 106, 107]);
    await expect(grouped.replace({ ...items[3]!, n: 5 })).rejects.toBeInstanceOf(ConflictError);
    expect((await raw.get('p', 'i3'))?.n).toBe(-1);
    expect((await raw.get('p', 'i7'))?.n).toBe(107);
  });

  it('does not hold a write back: one alone is committed in its own turn', async () => {
    const { store, items, grouped } = await setUp(3);
    for (const d of items) await grouped.replace({ ...d, n: 7 });
    expect(commits(store)).toBe(3);
  });

  it('leaves a store without transactions as it is', async () => {
    const { store, raw } = await setUp(1);
    const withoutTransactions: DocumentStore = {
      kind: 'sqlite',
      collection: (def) => store.collection(def),
      ping: () => store.ping(),
      purgeErased: () => store.purgeErased(),
      close: () => store.close(),
    };
    expect(groupCommits(withoutTransactions, raw)).toBe(raw);
  });
});
