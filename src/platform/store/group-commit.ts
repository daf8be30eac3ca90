import type { Collection, Doc, DocumentStore } from './document-store.ts';

// Replaces of one collection that are asked for in the same turn of the event loop share one commit.
// The campaign sender has a few dozen deliveries in flight, and each takes two version-checked writes (its
// claim, its outcome); on SQLite a commit of its own costs a prompt about as much CPU as the rest of its
// store work, while a commit shared by the writes in flight costs each a fraction (bench/README.md,
// campaigns). Nothing is acknowledged early: each replace resolves only once the commit that holds it is
// done, so a claim is still durable before its send and an outcome before the next item (docs/delivery.md).
// A stale document in a batch makes the transaction fail as a whole; the batch's writes are then done one
// by one, so every write gets its own answer (the stale one its ConflictError) as before.

interface Pending<T> {
  doc: T;
  resolve: (written: T) => void;
  reject: (err: unknown) => void;
}

class GroupedReplaces<T extends Doc> implements Collection<T> {
  private readonly store: DocumentStore & Required<Pick<DocumentStore, 'writeAll'>>;
  private readonly inner: Collection<T>;
  private pending: Pending<T>[] = [];
  readonly name: string;

  constructor(store: DocumentStore & Required<Pick<DocumentStore, 'writeAll'>>, inner: Collection<T>) {
    this.store = store;
    this.inner = inner;
    this.name = inner.name;
  }

  get(pk: string, id: string) {
    return this.inner.get(pk, id);
  }
  create(doc: Parameters<Collection<T>['create']>[0]) {
    return this.inner.create(doc);
  }
  delete(doc: T) {
    return this.inner.delete(doc);
  }
  find(query?: Parameters<Collection<T>['find']>[0]) {
    return this.inner.find(query);
  }
  count(query?: Parameters<Collection<T>['count']>[0]) {
    return this.inner.count(query);
  }

  replace(doc: T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.pending.push({ doc, resolve, reject });
      // After the I/O of this turn: the answers that arrived together are written together.
      if (this.pending.length === 1) setImmediate(() => void this.flush());
    });
  }

  private async flush(): Promise<void> {
    const batch = this.pending;
    this.pending = [];
    if (batch.length > 1) {
      let written: (Doc | undefined)[] | undefined;
      try {
        written = await this.store.writeAll(
          batch.map((p) => ({ kind: 'replace' as const, collection: this.inner as unknown as Collection<Doc>, doc: p.doc })),
        );
      } catch {
        written = undefined;
      }
      if (written) {
        for (const [i, p] of batch.entries()) p.resolve(written[i] as T);
        return;
      }
    }
    for (const p of batch) {
      try {
        p.resolve(await this.inner.replace(p.doc));
      } catch (err) {
        p.reject(err);
      }
    }
  }
}

/**
 * The collection with its replaces grouped into shared commits, on a store with transactions (SQLite);
 * the collection itself on one without (Cosmos DB writes each document on its own anyway).
 */
export function groupCommits<T extends Doc>(store: DocumentStore, collection: Collection<T>): Collection<T> {
  if (store.kind !== 'sqlite' || !store.writeAll) return collection;
  return new GroupedReplaces(store as DocumentStore & Required<Pick<DocumentStore, 'writeAll'>>, collection);
}
