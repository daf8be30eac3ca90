import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type Collection,
  ConflictError,
  createOrGet,
  type Doc,
  type DocumentStore,
  DuplicateError,
  deleteCurrent,
  deleteIfUnchanged,
  inChunks,
  NotFoundError,
  project,
  replaceIfUnchanged,
  update,
  writeAll,
} from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';

interface Item extends Doc {
  kind: string;
  n: number;
  flag?: boolean;
  tag?: string | null;
  list?: string[];
  nested?: { a: number; b?: string };
}

describe('inChunks', () => {
  it('asks for a long IN list in bounded parts, in order, and for an empty list not at all', () => {
    const ids = Array.from({ length: 250 }, (_, i) => `s${i}`);
    const parts = inChunks(ids);
    expect(parts.map((p) => p.length)).toEqual([100, 100, 50]);
    expect(parts.flat()).toEqual(ids);
    expect(inChunks(ids, 500)).toEqual([ids]);
    expect(inChunks([])).toEqual([]);
  });
});

describe.each(backends)('document store contract: $name', (backend) => {
  let store: DocumentStore;
  let items: Collection<Item>;

  beforeEach(async () => {
    store = await backend.open();
    items = await store.collection<Item>({ name: 'items', indexes: ['kind', 'n', 'flag', 'tag'] });
  });
  afterEach(async () => {
    await store.close();
  });

  // Refusing a ping when the store does not answer is tested for Cosmos DB behind a faulty proxy
  // (test/integration/cosmos-faults.test.ts).
  it('answers a ping', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
  });

  it('creates, reads and refuses a second create with the same pk and id', async () => {
    const created = await items.create({ id: 'a', pk: 'p1', kind: 'x', n: 1 });
    expect(created.version).toBe(1);
    expect(await items.get('p1', 'a')).toEqual({ id: 'a', pk: 'p1', kind: 'x', n: 1, version: 1 });
    expect(await items.get('p2', 'a')).toBeUndefined();
    await expect(items.create({ id: 'a', pk: 'p1', kind: 'y', n: 2 })).rejects.toBeInstanceOf(DuplicateError);
    expect((await items.get('p1', 'a'))?.kind).toBe('x');
    // the same id in another partition is another document
    await items.create({ id: 'a', pk: 'p2', kind: 'z', n: 3 });
    expect((await items.get('p2', 'a'))?.kind).toBe('z');
  });

  it('replaces only the version it read, and never silently overwrites', async () => {
    const v1 = await items.create({ id: 'a', pk: 'p', kind: 'x', n: 1 });
    const v2 = await items.replace({ ...v1, n: 2 });
    expect(v2.version).toBe(2);
    await expect(items.replace({ ...v1, n: 99 })).rejects.toBeInstanceOf(ConflictError);
    expect((await items.get('p', 'a'))?.n).toBe(2);
    await expect(items.replace({ ...v1, id: 'missing' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('writes several documents in one call: creates, creates if absent, and a version-checked replace', async () => {
    const others = await store.collection<Item>({ name: 'others', indexes: [] });
    const v1 = await items.create({ id: 'r', pk: 'p', kind: 'x', n: 1 });
    await others.create({ id: 'o1', pk: 'q', kind: 'old', n: 0 });
    const c = (x: Collection<Item>) => x as unknown as Collection<Doc>;
    const written = await writeAll(store, [
      { kind: 'create', collection: c(others), doc: { id: 'o1', pk: 'q', kind: 'new', n: 1 } as Item, ifAbsent: true },
      { kind: 'create', collection: c(others), doc: { id: 'o2', pk: 'q', kind: 'new', n: 2 } as Item, ifAbsent: true },
      { kind: 'replace', collection: c(items), doc: { ...v1, n: 2 } as Doc },
    ]);
    expect(written.map((d) => d?.version)).toEqual([undefined, 1, 2]);
    expect((await others.get('q', 'o1'))?.kind).toBe('old'); // there already: left as it was
    expect((await others.get('q', 'o2'))?.kind).toBe('new');
    expect((await items.get('p', 'r'))?.n).toBe(2);

    // The replace of a version no longer stored fails the call. SQLite: none of its writes are stored;
    // without transactions (Cosmos DB) the writes before it are, which is why callers put idempotent ones first.
    await expect(
      writeAll(store, [
        { kind: 'create', collection: c(others), doc: { id: 'o3', pk: 'q', kind: 'new', n: 3 } as Item },
        { kind: 'replace', collection: c(items), doc: { ...v1, n: 99 } as Doc },
      ]),
    ).rejects.toBeInstanceOf(ConflictError);
    expect((await items.get('p', 'r'))?.n).toBe(2);
    expect(await others.get('q', 'o3')).toEqual(
      backend.name === 'sqlite' ? undefined : { id: 'o3', pk: 'q', kind: 'new', n: 3, version: 1 },
    );
  });

  it('writeAll() skips an ifUnchanged replace of a version no longer stored, and does the other writes', async () => {
    const others = await store.collection<Item>({ name: 'others', indexes: [] });
    const c = (x: Collection<Item>) => x as unknown as Collection<Doc>;
    const v1 = await items.create({ id: 'r', pk: 'p', kind: 'x', n: 1 });
    await items.replace({ ...v1, n: 2 }); // another writer moved it on
    const written = await writeAll(store, [
      { kind: 'create', collection: c(others), doc: { id: 'o1', pk: 'q', kind: 'new', n: 1 } as Item },
      { kind: 'replace', collection: c(items), doc: { ...v1, n: 99 } as Doc, ifUnchanged: true },
      { kind: 'replace', collection: c(items), doc: { ...v1, id: 'gone', n: 99 } as Doc, ifUnchanged: true },
    ]);
    expect(written.map((d) => d?.version)).toEqual([1, undefined, undefined]);
    expect((await items.get('p', 'r'))?.n).toBe(2);
    expect(await items.get('p', 'gone')).toBeUndefined();
    expect((await others.get('q', 'o1'))?.kind).toBe('new');

    // Of the version still stored, it is an ordinary replace.
    const current = (await items.get('p', 'r'))!;
    const [replaced] = await writeAll(store, [
      { kind: 'replace', collection: c(items), doc: { ...current, n: 3 } as Doc, ifUnchanged: true },
    ]);
    expect(replaced?.version).toBe(current.version + 1);
    expect((await items.get('p', 'r'))?.n).toBe(3);
  });

  it('deletes only the version it read', async () => {
    const v1 = await items.create({ id: 'a', pk: 'p', kind: 'x', n: 1 });
    const v2 = await items.replace({ ...v1, n: 2 });
    await expect(items.delete(v1)).rejects.toBeInstanceOf(ConflictError);
    await items.delete(v2);
    expect(await items.get('p', 'a')).toBeUndefined();
  });

  it('purgeErased() finishes on an idle store and leaves the remaining documents as they were', async () => {
    const kept = await items.create({ id: 'a', pk: 'p', kind: 'x', n: 1 });
    await items.delete(await items.create({ id: 'b', pk: 'p', kind: 'y', n: 2 }));
    expect(await store.purgeErased()).toBe(true);
    expect(await items.find({ pk: 'p' })).toEqual([kept]);
  });

  it('update() retries a lost race and applies both writers', async () => {
    await items.create({ id: 'c', pk: 'p', kind: 'counter', n: 0 });
    await Promise.all(Array.from({ length: 8 }, () => update(items, 'p', 'c', (d) => ({ ...d, n: d.n + 1 }), 50)));
    expect((await items.get('p', 'c'))?.n).toBe(8);
  });

  it('update() with a known version writes over it without reading, and reads when it is stale or says nothing changes', async () => {
    const v1 = await items.create({ id: 'k', pk: 'p', kind: 'x', n: 1 });
    let reads = 0;
    const counted: Collection<Item> = {
      name: items.name,
      get: (pk, id) => {
        reads++;
        return items.get(pk, id);
      },
      create: (d) => items.create(d),
      replace: (d) => items.replace(d),
      delete: (d) => items.delete(d),
      find: (q) => items.find(q),
      count: (q) => items.count(q),
    };
    const v2 = await update(counted, 'p', 'k', (d) => ({ ...d, n: d.n + 1 }), 5, v1);
    expect(v2).toMatchObject({ n: 2, version: 2 });
    expect(reads).toBe(0);
    // v1 is stale now: its replace conflicts, and the stored version is read and changed instead.
    const v3 = await update(counted, 'p', 'k', (d) => ({ ...d, n: d.n + 10 }), 5, v1);
    expect(v3).toMatchObject({ n: 12, version: 3 });
    expect(reads).toBe(1);
    // Whether to leave the document as it is, is decided on the stored version, not on the known one.
    const kept = await update(counted, 'p', 'k', (d) => (d.n === 1 ? undefined : { ...d, kind: 'moved' }), 5, v1);
    expect(kept).toMatchObject({ n: 12, kind: 'moved', version: 4 });
    expect(reads).toBe(2);
    // The known document given is not changed by a mutation that changes its argument.
    await update(counted, 'p', 'k', (d) => Object.assign(d, { n: 99 }), 5, kept);
    expect(kept.n).toBe(12);
    expect((await items.get('p', 'k'))?.n).toBe(99);
  });

  it('update() reports a race it keeps losing, and the other writer keeps its writes', async () => {
    await items.create({ id: 'c', pk: 'p', kind: 'counter', n: 0 });
    // A collection whose every replace is beaten by a competing writer.
    const racing: Collection<Item> = {
      name: items.name,
      get: (pk, id) => items.get(pk, id),
      create: (d) => items.create(d),
      delete: (d) => items.delete(d),
      find: (q) => items.find(q),
      count: (q) => items.count(q),
      replace: async (doc) => {
        const current = await items.get(doc.pk, doc.id);
        await items.replace({ ...current!, n: current!.n + 100 });
        return items.replace(doc);
      },
    };
    await expect(update(racing, 'p', 'c', (d) => ({ ...d, n: d.n + 1 }), 3)).rejects.toBeInstanceOf(ConflictError);
    expect((await items.get('p', 'c'))?.n).toBe(300);
  });

  it('replaceIfUnchanged and deleteIfUnchanged write only the version they read, and say so instead of throwing', async () => {
    const v1 = await items.create({ id: 'a', pk: 'p', kind: 'x', n: 1 });
    const v2 = await replaceIfUnchanged(items, { ...v1, n: 2 });
    expect(v2?.n).toBe(2);
    expect(await replaceIfUnchanged(items, { ...v1, n: 99 })).toBeUndefined();
    expect(await replaceIfUnchanged(items, { ...v1, id: 'missing' })).toBeUndefined();
    expect(await deleteIfUnchanged(items, v1)).toBe(false);
    expect((await items.get('p', 'a'))?.n).toBe(2);
    expect(await deleteIfUnchanged(items, v2!)).toBe(true);
    expect(await deleteIfUnchanged(items, v2!)).toBe(false);
    expect(await items.get('p', 'a')).toBeUndefined();
  });

  it('deleteCurrent deletes whatever version is stored, once', async () => {
    const v1 = await items.create({ id: 'a', pk: 'p', kind: 'x', n: 1 });
    await items.replace({ ...v1, n: 2 });
    expect(await deleteCurrent(items, 'p', 'a')).toBe(true);
    expect(await items.get('p', 'a')).toBeUndefined();
    expect(await deleteCurrent(items, 'p', 'a')).toBe(false);
  });

  it('createOrGet is idempotent', async () => {
    const first = await createOrGet(items, { id: 'k', pk: 'p', kind: 'x', n: 1 });
    const second = await createOrGet(items, { id: 'k', pk: 'p', kind: 'y', n: 2 });
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.doc.kind).toBe('x');
  });

  it('finds by partition, equality, ranges, sets, null and booleans, with order and limit', async () => {
    for (let i = 0; i < 10; i++) {
      await items.create({
        id: `i${i}`,
        pk: i % 2 ? 'odd' : 'even',
        kind: i < 5 ? 'low' : 'high',
        n: i,
        flag: i % 3 === 0,
        ...(i === 7 ? { tag: 'seven' } : i === 8 ? { tag: null } : {}),
      });
    }
    const ns = (docs: Item[]) => docs.map((d) => d.n).sort((a, b) => a - b);
    expect(ns(await items.find({ pk: 'odd' }))).toEqual([1, 3, 5, 7, 9]);
    expect(ns(await items.find({ where: { kind: 'low' } }))).toEqual([0, 1, 2, 3, 4]);
    expect(ns(await items.find({ pk: 'even', where: { kind: 'high' } }))).toEqual([6, 8]);
    expect(ns(await items.find({ where: { n: { gte: 3, lt: 6 } } }))).toEqual([3, 4, 5]);
    expect(ns(await items.find({ where: { n: { in: [2, 9, 42] } } }))).toEqual([2, 9]);
    expect(ns(await items.find({ where: { flag: true } }))).toEqual([0, 3, 6, 9]);
    expect(ns(await items.find({ where: { flag: false } }))).toEqual([1, 2, 4, 5, 7, 8]);
    expect(ns(await items.find({ where: { tag: 'seven' } }))).toEqual([7]);
    expect(ns(await items.find({ where: { tag: null } }))).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    expect(ns(await items.find({ where: { tag: { ne: 'seven' } } }))).toEqual([0, 1, 2, 3, 4, 5, 6, 8, 9]);
    expect((await items.find({ orderBy: { field: 'n', direction: 'desc' }, limit: 3 })).map((d) => d.n)).toEqual([9, 8, 7]);
    expect((await items.find({ pk: 'odd', orderBy: { field: 'n' }, limit: 2 })).map((d) => d.n)).toEqual([1, 3]);
    expect(await items.count({ where: { kind: 'high' } })).toBe(5);
    expect(await items.count({ pk: 'even', where: { flag: true } })).toBe(2);
    expect(await items.count()).toBe(10);
    expect(await items.find({ where: { n: { in: [] } } })).toEqual([]);
  });

  it('projects: only the selected fields (with id and pk), under the same conditions, order and limit', async () => {
    for (let i = 0; i < 6; i++) {
      await items.create({
        id: `i${i}`,
        pk: i % 2 ? 'odd' : 'even',
        kind: i < 3 ? 'low' : 'high',
        n: i,
        flag: i % 3 === 0,
        ...(i === 4 ? { tag: 'four', list: ['a', 'b'], nested: { a: 1, b: 'x' } } : i === 5 ? { tag: null } : {}),
      });
    }
    const rows = await project(items, ['n', 'flag', 'tag', 'list', 'nested'], { where: { kind: 'high' } });
    const byId = new Map(rows.map((r) => [r.id, r]));
    // Whole values of every type; a missing or null field is missing from the row; nothing else comes along.
    expect(byId.get('i3')).toEqual({ id: 'i3', pk: 'odd', n: 3, flag: true });
    expect(byId.get('i4')).toEqual({
      id: 'i4',
      pk: 'even',
      n: 4,
      flag: false,
      tag: 'four',
      list: ['a', 'b'],
      nested: { a: 1, b: 'x' },
    });
    expect(byId.get('i5')).toEqual({ id: 'i5', pk: 'odd', n: 5, flag: false });
    expect(rows).toHaveLength(3);
    // Partition, range, order and limit as for whole documents.
    expect(
      await project(items, ['n'], { pk: 'odd', where: { n: { gte: 1 } }, orderBy: { field: 'n', direction: 'desc' }, limit: 2 }),
    ).toEqual([
      { id: 'i5', pk: 'odd', n: 5 },
      { id: 'i3', pk: 'odd', n: 3 },
    ]);
    expect(await project(items, ['id', 'pk'], { where: { n: { in: [0, 1] } }, orderBy: { field: 'n' } })).toEqual([
      { id: 'i0', pk: 'even' },
      { id: 'i1', pk: 'odd' },
    ]);
    expect(await project(items, ['n', 'n'], { where: { n: 2 } })).toEqual([{ id: 'i2', pk: 'even', n: 2 }]);
    expect(await project(items, ['n'], { where: { n: { in: [] } } })).toEqual([]);
    // A projection leaves the documents as they are.
    expect(await items.get('even', 'i4')).toMatchObject({ tag: 'four', version: 1 });
  });

  it('projects text exactly as stored: quotes, backslashes, control characters, emoji, and text that looks like JSON', async () => {
    const texts = [
      'plain',
      '',
      'say "hi" \\ there',
      'line\nbreak\ttab \u0000 nul',
      'ü – “curly” 👍🏽',
      '"quoted"',
      'null',
      'true',
      '12',
      '["a"]',
      '\\',
    ];
    for (const [i, tag] of texts.entries()) await items.create({ id: `t${i}`, pk: 'texts', kind: 'text', n: i, tag });
    const rows = await project(items, ['tag', 'kind'], { pk: 'texts', orderBy: { field: 'n' } });
    expect(rows.map((r) => r.tag)).toEqual(texts);
    expect(rows.every((r) => r.kind === 'text')).toBe(true);
  });

  it('refuses field names that are not plain identifiers', async () => {
    await expect(project(items, ["n') AS v FROM c_items --" as 'n'])).rejects.toThrow(/invalid field name/);
    await expect(project(items, ['n', 'c.n, c._rid' as 'n'])).rejects.toThrow(/invalid field name/);
    await expect(items.find({ where: { "n') OR 1=1 --": 1 } })).rejects.toThrow(/invalid field name/);
    await expect(items.find({ orderBy: { field: 'n; DROP TABLE x' } })).rejects.toThrow(/invalid field name/);
    // A word of Cosmos DB's query language works on SQLite alone: refused on both, so no query depends on it.
    await expect(items.find({ where: { value: 3 } })).rejects.toThrow(/invalid field name/);
    await expect(items.find({ orderBy: { field: 'Order' } })).rejects.toThrow(/invalid field name/);
    await expect(project(items, ['top' as 'n'])).rejects.toThrow(/invalid field name/);
  });
});
