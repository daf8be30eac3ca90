import {
  type Collection,
  type CollectionDef,
  type Doc,
  type DocumentStore,
  type NewDoc,
  type Query,
  type Write,
  type Written,
  writeInOrder,
} from '../../src/platform/store/document-store.ts';

// A DocumentStore that counts what is asked of the store underneath, per collection: reads (get, find,
// count) and writes (create, replace, delete). Every write outside a transaction is its own commit; a
// `writeAll` is one commit of several writes. Tests and benches wrap the real store in it to check how much
// store work one operation costs; with `trace` on, each operation also records the product code that asked.

export type StoreOp = 'get' | 'find' | 'count' | 'create' | 'replace' | 'delete';

export interface StoreCall {
  collection: string;
  op: StoreOp;
  /** The id of the document, for a point operation. */
  id?: string;
  /** Which commit of the store a write belongs to (every write outside a transaction has its own). */
  commit?: number;
  /** Which write call it belongs to: one writeAll is one, whether or not the store makes it one commit. */
  unit?: number;
  /** The first frames of product code (src/) that led to this call, when tracing. */
  from?: string;
  /** For a get or a find, once answered: how many documents (or projected rows) it returned. */
  returned?: number;
  /** A find that asked for a few fields (Query.select): its results are projected rows, not documents. */
  projected?: boolean;
}

export interface StoreWork {
  reads: number;
  writes: number;
  /** Write calls: a writeAll counts one, every other write one each. */
  transactions: number;
  /** Commits of the store: as `transactions` on SQLite; on a store without transactions, one per write. */
  commits: number;
  byCollection: Record<string, { reads: number; writes: number; documents: number; projectedRows: number }>;
  /** Whole documents the reads returned, and rows of projections (a few fields each), apart. */
  documents: number;
  projectedRows: number;
  calls: StoreCall[];
}

const reads: ReadonlySet<StoreOp> = new Set(['get', 'find', 'count']);

/** Where in src/ (outside the store itself) a call came from: the innermost few frames. */
function origin(): string {
  const frames = (new Error().stack ?? '').split('\n').slice(1);
  const ours = frames
    .map((f) => /\/src\/(.+?):(\d+):\d+\)?$/.exec(f.trim()))
    .filter((m): m is RegExpExecArray => m !== null && !m[1]!.startsWith('platform/store/'))
    .map((m) => `${m[1]}:${m[2]}`);
  return ours.slice(0, 3).join(' < ');
}

export class CountingStore implements DocumentStore {
  readonly inner: DocumentStore;
  readonly calls: StoreCall[] = [];
  /** Record where each call came from (slower: a stack per call). */
  trace = false;
  private commits = 0;
  private units = 0;
  private inWriteAll: { unit: number; commit: number | undefined } | undefined;
  private readonly inners = new WeakMap<object, Collection<Doc>>();

  constructor(inner: DocumentStore) {
    this.inner = inner;
  }

  get kind() {
    return this.inner.kind;
  }

  private record(collection: string, op: StoreOp, id?: string): StoreCall {
    const call: StoreCall = { collection, op };
    if (id !== undefined) call.id = id;
    if (!reads.has(op)) {
      call.unit = this.inWriteAll?.unit ?? ++this.units;
      call.commit = this.inWriteAll?.commit ?? ++this.commits;
    }
    if (this.trace) call.from = origin();
    this.calls.push(call);
    return call;
  }

  async collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>> {
    const inner = await this.inner.collection<T>(def);
    const record = (op: StoreOp, id?: string) => this.record(def.name, op, id);
    const counted: Collection<T> = {
      name: inner.name,
      get: async (pk: string, id: string) => {
        const call = record('get', id);
        const doc = await inner.get(pk, id);
        call.returned = doc ? 1 : 0;
        return doc;
      },
      create: (doc: NewDoc<T>) => {
        record('create', doc.id);
        return inner.create(doc);
      },
      replace: (doc: T) => {
        record('replace', doc.id);
        return inner.replace(doc);
      },
      delete: (doc: T) => {
        record('delete', doc.id);
        return inner.delete(doc);
      },
      find: async (query?: Query) => {
        const call = record('find');
        if (query?.select !== undefined) call.projected = true;
        const found = await inner.find(query);
        call.returned = found.length;
        return found;
      },
      count: (query?: Query) => {
        record('count');
        return inner.count(query);
      },
    };
    this.inners.set(counted, inner as unknown as Collection<Doc>);
    return counted;
  }

  /** One commit on a store with transactions; on one without, the store's writes one by one (a commit each). */
  async writeAll(writes: readonly Write[]): Promise<Written> {
    const inner = writes.map((w) => ({ ...w, collection: this.inners.get(w.collection) ?? w.collection }) as Write);
    const transactional = this.inner.writeAll !== undefined;
    this.inWriteAll = { unit: ++this.units, commit: transactional ? ++this.commits : undefined };
    try {
      for (const w of writes) this.record(w.collection.name, w.kind, w.doc.id);
    } finally {
      this.inWriteAll = undefined;
    }
    return this.inner.writeAll ? this.inner.writeAll(inner) : writeInOrder(inner);
  }

  /** Drops what was recorded so far (e.g. a bench's seeding), so the record holds only what follows. */
  forget(): void {
    this.calls.length = 0;
  }

  /** A position in the record, to count what happened after it. */
  mark(): number {
    return this.calls.length;
  }

  /** The store work since `mark` (everything without one). */
  since(mark = 0): StoreWork {
    const calls = this.calls.slice(mark);
    const byCollection: StoreWork['byCollection'] = {};
    let documents = 0;
    let projectedRows = 0;
    for (const c of calls) {
      byCollection[c.collection] ??= { reads: 0, writes: 0, documents: 0, projectedRows: 0 };
      const entry = byCollection[c.collection]!;
      if (reads.has(c.op)) entry.reads++;
      else entry.writes++;
      const n = c.returned ?? 0;
      if (c.projected) {
        entry.projectedRows += n;
        projectedRows += n;
      } else {
        entry.documents += n;
        documents += n;
      }
    }
    const writes = calls.filter((c) => !reads.has(c.op));
    return {
      reads: calls.length - writes.length,
      writes: writes.length,
      transactions: new Set(writes.map((c) => c.unit)).size,
      commits: new Set(writes.map((c) => c.commit)).size,
      byCollection,
      documents,
      projectedRows,
      calls,
    };
  }

  ping(): Promise<void> {
    return this.inner.ping();
  }

  purgeErased(): Promise<boolean> {
    return this.inner.purgeErased();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}

/** One line per call, for a failing assertion's message or a trace printout. */
export function describeWork(work: StoreWork): string {
  return work.calls
    .map(
      (c) =>
        `${c.op.padEnd(7)} ${c.collection}${c.id ? `/${c.id}` : ''}${c.commit ? ` #${c.commit}` : ''}${c.from ? `  ← ${c.from}` : ''}`,
    )
    .join('\n');
}
