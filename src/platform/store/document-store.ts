// The storage seam. Both backends (embedded SQLite, Azure Cosmos DB) implement this one contract, and
// every repository is written once on top of it. The contract is deliberately small: what Cosmos DB and
// the in-process Cosmos emulator used in tests both support (no GROUP BY, DISTINCT, OFFSET, batches, TTL).
// Several writes that belong together go through `writeAll`: one transaction on SQLite, ordered writes on
// Cosmos (see there).

/** Every stored document. `pk` is the partition key (Cosmos) and part of the primary key (SQLite). */
export interface Doc {
  id: string;
  pk: string;
  /** Optimistic-concurrency version, owned by the store: 1 on create, +1 on each replace. */
  version: number;
}

export type NewDoc<T extends Doc> = Omit<T, 'version'>;

export type Scalar = string | number | boolean;
/** A condition on one top-level field. `null` matches a missing or null field. */
export type Condition =
  | Scalar
  | null
  | { in: readonly Scalar[] }
  | { ne: Scalar }
  | { lt?: Scalar; lte?: Scalar; gt?: Scalar; gte?: Scalar };

export interface Query {
  /** Restricts the query to one partition; omit for a cross-partition query. */
  pk?: string;
  where?: Record<string, Condition>;
  orderBy?: { field: string; direction?: 'asc' | 'desc' };
  limit?: number;
  /**
   * A projection: only these top-level fields of each document (plus its id and pk), which is all the
   * store reads out and sends; a field that is missing or null is missing from the row. Asked for through
   * project(), which gives the rows their type.
   */
  select?: readonly string[];
}

/** A row of a projection: the selected fields of a document, plus its id and pk (null comes back missing). */
export type Projected<T extends Doc, K extends keyof T> = {
  [P in keyof Pick<T, K | 'id' | 'pk'>]: Exclude<Pick<T, K | 'id' | 'pk'>[P], null>;
};

export interface CollectionDef {
  name: string;
  /** Top-level fields that queries filter or sort on; SQLite indexes them, Cosmos indexes everything. */
  indexes: readonly string[];
  /**
   * Top-level fields queried and sorted within one partition only. SQLite indexes them after the
   * partition key, so such a query reads its own partition's rows, already in order; an index on the
   * field alone walks every partition's rows and sorts what it keeps. Cosmos DB scopes a query by its
   * partition key anyway.
   */
  partitionIndexes?: readonly string[];
}

export interface Collection<T extends Doc> {
  readonly name: string;
  get(pk: string, id: string): Promise<T | undefined>;
  /** Throws DuplicateError when a document with this pk and id exists. */
  create(doc: NewDoc<T>): Promise<T>;
  /** Writes `doc` only if the stored version still equals `doc.version`; throws ConflictError otherwise. */
  replace(doc: T): Promise<T>;
  /** Deletes only if the stored version still equals `doc.version`; throws ConflictError otherwise. */
  delete(doc: T): Promise<void>;
  /** The documents that match; with `select`, rows of the selected fields only (use project()). */
  find(query?: Query): Promise<T[]>;
  count(query?: Query): Promise<number>;
}

/** One write of a `writeAll`, on a collection of the same store. */
export type Write =
  /** `ifAbsent`: a document with this pk and id already stored is not an error; the write then does nothing. */
  | { kind: 'create'; collection: Collection<Doc>; doc: NewDoc<Doc>; ifAbsent?: boolean }
  /**
   * Version-checked, as Collection.replace. `ifUnchanged`: a document that moved on (or is gone) is not an
   * error; the write then does nothing, as replaceIfUnchanged below.
   */
  | { kind: 'replace'; collection: Collection<Doc>; doc: Doc; ifUnchanged?: boolean };

/** Per write: the stored document, or undefined for a write that an `ifAbsent` or `ifUnchanged` skipped. */
export type Written = (Doc | undefined)[];

export interface DocumentStore {
  readonly kind: 'sqlite' | 'cosmos';
  collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>>;
  /**
   * The writes in one transaction: all or none (SQLite). A store without transactions leaves it out, and
   * `writeAll` below does the writes one by one, in order.
   */
  writeAll?(writes: readonly Write[]): Promise<Written>;
  /** One cheap round trip to the store; rejects when it does not answer (the health endpoint asks it). */
  ping(): Promise<void>;
  /**
   * Makes deleted and overwritten documents unreadable in the store's own files now, not only once the
   * store closes (after an erasure). False when that could not be finished now (another process was
   * reading); it then happens at the next purge or close. Cosmos DB owns its storage: nothing to do.
   */
  purgeErased(): Promise<boolean>;
  close(): Promise<void>;
}

export class DuplicateError extends Error {
  constructor(collection: string, id: string) {
    super(`${collection}: a document with id ${id} already exists`);
    this.name = 'DuplicateError';
  }
}

export class ConflictError extends Error {
  constructor(collection: string, id: string) {
    super(`${collection}: document ${id} was changed by someone else`);
    this.name = 'ConflictError';
  }
}

export class NotFoundError extends Error {
  constructor(collection: string, id: string) {
    super(`${collection}: document ${id} not found`);
    this.name = 'NotFoundError';
  }
}

const fieldName = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;

// Words of Cosmos DB's query language: `c.value` or `c.order` does not parse there, while SQLite takes
// them, so a field with such a name would work on one backend only. Refused on both.
const queryWords = new Set(
  (
    'and array as asc between by case cast convert cross desc distinct else end escape exists false for from ' +
    'group having in inner insert into is join left like limit not null offset on or order outer over right ' +
    'select set then top true udf undefined update value when where with'
  ).split(' '),
);

/** Field names end up inside query text on both backends, so only plain identifiers are allowed. */
export function assertFieldName(field: string): void {
  if (!fieldName.test(field) || queryWords.has(field.toLowerCase()))
    throw new Error(`invalid field name in query: ${JSON.stringify(field)}`);
}

/** The fields of a projection, checked, without duplicates, and without id and pk (every row has them). */
export function selectedFields(select: readonly string[]): string[] {
  for (const field of select) assertFieldName(field);
  return [...new Set(select)].filter((f) => f !== 'id' && f !== 'pk');
}

/**
 * A few fields of each document that matches instead of the whole document: for reads that rank or
 * filter many documents and need the whole document of a few of them only.
 */
export async function project<T extends Doc, K extends keyof T & string>(
  collection: Collection<T>,
  select: readonly K[],
  query: Omit<Query, 'select'> = {},
): Promise<Projected<T, K>[]> {
  // The one place a projection's rows get their type: find() returns them, typed as whole documents.
  return (await collection.find({ ...query, select })) as unknown as Projected<T, K>[];
}

export function isRange(c: Condition): c is { lt?: Scalar; lte?: Scalar; gt?: Scalar; gte?: Scalar } {
  return (
    typeof c === 'object' && c !== null && !('in' in c) && !('ne' in c) && ('lt' in c || 'lte' in c || 'gt' in c || 'gte' in c)
  );
}

/** An entity as stored: with its partition key and version. */
export type Stored<T> = T & Doc;

/** A domain mutation (on the entity) as a mutation of the stored document. */
export function stored<T>(mutate: (current: T) => T | undefined): (current: Stored<T>) => Stored<T> | undefined {
  return (current) => mutate(current) as Stored<T> | undefined;
}

/** An entity with its partition key, ready to store (the store adds the version). */
export function withPk<T extends { id: string }>(entity: T, pk: string): Stored<T> {
  return { ...entity, pk } as Stored<T>;
}

/**
 * Read-modify-write with optimistic concurrency: re-reads and re-applies `mutate` when another writer got
 * there first, and reports (throws ConflictError) when it keeps losing. `mutate` returns undefined to
 * leave the document unchanged. Each attempt gets a freshly read document, so `mutate` may modify it.
 * `known`: the document as the caller last read or wrote it, tried first without reading it again (the
 * version check catches a stale one, and the next attempt reads); `mutate` gets a shallow copy of it.
 */
export async function update<T extends Doc>(
  collection: Collection<T>,
  pk: string,
  id: string,
  mutate: (current: T) => T | undefined,
  attempts = 5,
  known?: T,
): Promise<T> {
  // The known version first, once: written over without a read; a stale one, or one that needs no
  // change (decided on the stored document only), goes on to the ordinary read below.
  if (known) {
    const next = mutate({ ...known });
    if (next) {
      try {
        return await collection.replace({ ...next, id: known.id, pk: known.pk, version: known.version });
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
      }
    }
  }
  for (let attempt = 1; ; attempt++) {
    const current = await collection.get(pk, id);
    if (!current) throw new NotFoundError(collection.name, id);
    const next = mutate(current);
    if (!next) return current;
    try {
      return await collection.replace({ ...next, id: current.id, pk: current.pk, version: current.version });
    } catch (err) {
      if (!(err instanceof ConflictError) || attempt >= attempts) throw err;
      await new Promise((r) => setTimeout(r, Math.random() * 5 * attempt));
    }
  }
}

/** Creates the document, or returns the existing one with the same pk and id (idempotent create). */
export async function createOrGet<T extends Doc>(
  collection: Collection<T>,
  doc: NewDoc<T>,
): Promise<{ doc: T; created: boolean }> {
  try {
    return { doc: await collection.create(doc), created: true };
  } catch (err) {
    if (!(err instanceof DuplicateError)) throw err;
    const existing = await collection.get(doc.pk, doc.id);
    if (!existing) throw err;
    return { doc: existing, created: false };
  }
}

/** Replaces `doc` only if it is still the stored version; undefined when it changed meanwhile or is gone. */
export async function replaceIfUnchanged<T extends Doc>(collection: Collection<T>, doc: T): Promise<T | undefined> {
  try {
    return await collection.replace(doc);
  } catch (err) {
    if (err instanceof ConflictError || err instanceof NotFoundError) return undefined;
    throw err;
  }
}

/** Deletes `doc` only if it is still the stored version; false when it changed meanwhile or is gone. */
export async function deleteIfUnchanged<T extends Doc>(collection: Collection<T>, doc: T): Promise<boolean> {
  try {
    await collection.delete(doc);
    return true;
  } catch (err) {
    if (err instanceof ConflictError || err instanceof NotFoundError) return false;
    throw err;
  }
}

/** Deletes the current version of a document, whatever happened to it meanwhile; false when it is gone. */
export async function deleteCurrent<T extends Doc>(collection: Collection<T>, pk: string, id: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const doc = await collection.get(pk, id);
    if (!doc) return false;
    try {
      await collection.delete(doc);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      if (!(err instanceof ConflictError) || attempt >= 5) throw err;
    }
  }
}

/** Bounded IN lists: Cosmos DB limits the size of a query, so a long list is asked for in parts. */
export function inChunks<T>(list: readonly T[], size = 100): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/**
 * Writes that belong together, as one commit where the store has transactions (SQLite) and otherwise in
 * the given order, each on its own (Cosmos DB: its batches are per partition and the emulator has none).
 * Without a transaction a failure can leave the earlier writes done: the caller puts idempotent writes
 * (creates of ids derived from the last document, `ifAbsent`) first and the version-checked write that
 * decides last, so a retry completes what was left and a lost race adds nothing the winner did not write.
 */
export function writeAll(store: DocumentStore, writes: readonly Write[]): Promise<Written> {
  return store.writeAll ? store.writeAll(writes) : writeInOrder(writes);
}

/** The writes one by one, in order; a write its `ifAbsent` or `ifUnchanged` skips goes on with the next. */
export async function writeInOrder(writes: readonly Write[]): Promise<Written> {
  const written: Written = [];
  for (const w of writes) {
    if (w.kind === 'replace') {
      written.push(w.ifUnchanged ? await replaceIfUnchanged(w.collection, w.doc) : await w.collection.replace(w.doc));
      continue;
    }
    try {
      written.push(await w.collection.create(w.doc));
    } catch (err) {
      if (!(err instanceof DuplicateError) || !w.ifAbsent) throw err;
      written.push(undefined);
    }
  }
  return written;
}
