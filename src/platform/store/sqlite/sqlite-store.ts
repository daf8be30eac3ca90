import { DatabaseSync, type StatementSync } from 'node:sqlite';
import {
  assertFieldName,
  type Collection,
  type CollectionDef,
  ConflictError,
  type Doc,
  type DocumentStore,
  DuplicateError,
  type NewDoc,
  NotFoundError,
  type Query,
  selectedFields,
  type Write,
  type Written,
} from '../document-store.ts';
import { applyMigrations } from './migrations.ts';
import { checkpoint, ownerOnly, scrubFreeSpaceOnce } from './sqlite-files.ts';
import { condition, fieldExpr, type Param } from './sqlite-query.ts';

/** One table per collection: the document as JSON plus the keys, with expression indexes on queried fields. */
class SqliteCollection<T extends Doc> implements Collection<T> {
  private readonly statements = new Map<string, StatementSync>();
  private readonly db: DatabaseSync;
  readonly name: string;
  private readonly table: string;
  constructor(db: DatabaseSync, name: string, table: string) {
    this.db = db;
    this.name = name;
    this.table = table;
  }

  private stmt(sql: string): StatementSync {
    let s = this.statements.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.statements.set(sql, s);
    }
    return s;
  }

  async get(pk: string, id: string): Promise<T | undefined> {
    const row = this.stmt(`SELECT doc, version FROM ${this.table} WHERE pk = ? AND id = ?`).get(pk, id) as
      | { doc: string; version: number }
      | undefined;
    return row ? this.decode(row) : undefined;
  }

  async create(doc: NewDoc<T>): Promise<T> {
    return this.createNow(doc);
  }

  async replace(doc: T): Promise<T> {
    return this.replaceNow(doc);
  }

  /** Synchronous, so that a transaction (SqliteStore.writeAll) holds no await between BEGIN and COMMIT. */
  createNow(doc: NewDoc<T>): T {
    const stored = { ...doc, version: 1 } as T;
    try {
      this.stmt(`INSERT INTO ${this.table} (pk, id, version, doc) VALUES (?, ?, 1, ?)`).run(
        doc.pk,
        doc.id,
        JSON.stringify(stored),
      );
    } catch (err) {
      if (String((err as Error).message).includes('UNIQUE')) throw new DuplicateError(this.name, doc.id);
      throw err;
    }
    return stored;
  }

  replaceNow(doc: T): T {
    const next = { ...doc, version: doc.version + 1 };
    const result = this.stmt(`UPDATE ${this.table} SET doc = ?, version = ? WHERE pk = ? AND id = ? AND version = ?`).run(
      JSON.stringify(next),
      next.version,
      doc.pk,
      doc.id,
      doc.version,
    );
    if (result.changes === 0) throw this.missOrConflict(doc);
    return next;
  }

  async delete(doc: T): Promise<void> {
    const result = this.stmt(`DELETE FROM ${this.table} WHERE pk = ? AND id = ? AND version = ?`).run(
      doc.pk,
      doc.id,
      doc.version,
    );
    if (result.changes === 0) throw this.missOrConflict(doc);
  }

  async find(query: Query = {}): Promise<T[]> {
    if (query.select) return this.project(query.select, query) as unknown as T[];
    const { sql, params } = this.select('doc, version', query);
    return (this.stmt(sql).all(...params) as { doc: string; version: number }[]).map((r) => this.decode(r));
  }

  /**
   * The selected fields only: SQLite takes them out of the document (one parse per row, in C) and hands
   * over one small JSON array per row instead of the whole document. For small documents that costs
   * about as much CPU as reading them whole; it pays off for large ones (answers) and on Cosmos DB.
   */
  private project(select: readonly string[], query: Query): Record<string, unknown>[] {
    const fields = selectedFields(select);
    // json_extract with several paths gives a JSON array of their values (true stays true; a missing
    // field is null); with one path it would give that value as SQL, hence json_array for one field.
    const paths = fields.map((f) => `'$.${f}'`).join(', ');
    const values =
      fields.length > 1 ? `, json_extract(doc, ${paths}) AS v` : fields.length ? `, json_array(doc -> ${paths}) AS v` : '';
    const { sql, params } = this.select(`id, pk${values}`, query);
    // Rows as arrays: no object with named columns is built for a row that is taken apart at once.
    const stmt = this.stmt(sql);
    stmt.setReturnArrays(true);
    return (stmt.all(...params) as unknown as [string, string, string?][]).map(([id, pk, values]) => {
      const row: Record<string, unknown> = { id, pk };
      if (values === undefined) return row;
      const v = JSON.parse(values) as unknown[];
      for (let i = 0; i < fields.length; i++) if (v[i] !== null) row[fields[i]!] = v[i];
      return row;
    });
  }

  /** SQLite's plan for find(query), one line per step: tests hold hot queries to their indexes with it. */
  plan(query: Query): string[] {
    const { sql, params } = this.select('doc, version', query);
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { detail: string }[]).map((r) => r.detail);
  }

  async count(query: Query = {}): Promise<number> {
    const { sql, params } = this.select('COUNT(*) AS n', { ...query, orderBy: undefined, limit: undefined });
    return Number((this.stmt(sql).get(...params) as { n: number }).n);
  }

  private missOrConflict(doc: T): Error {
    const exists = this.stmt(`SELECT 1 FROM ${this.table} WHERE pk = ? AND id = ?`).get(doc.pk, doc.id);
    return exists ? new ConflictError(this.name, doc.id) : new NotFoundError(this.name, doc.id);
  }

  private decode(row: { doc: string; version: number }): T {
    const doc = JSON.parse(row.doc) as T;
    doc.version = row.version;
    return doc;
  }

  private select(columns: string, query: Query): { sql: string; params: Param[] } {
    const clauses: string[] = [];
    const params: Param[] = [];
    if (query.pk !== undefined) {
      clauses.push('pk = ?');
      params.push(query.pk);
    }
    for (const [field, cond] of Object.entries(query.where ?? {})) {
      clauses.push(condition(field, cond, params));
    }
    let sql = `SELECT ${columns} FROM ${this.table}`;
    if (clauses.length) sql += ` WHERE ${clauses.join(' AND ')}`;
    if (query.orderBy) {
      assertFieldName(query.orderBy.field);
      sql += ` ORDER BY ${fieldExpr(query.orderBy.field)} ${query.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}, id ASC`;
    }
    if (query.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(query.limit)));
    }
    return { sql, params };
  }
}

export class SqliteStore implements DocumentStore {
  readonly kind = 'sqlite' as const;
  private readonly collections = new Map<string, SqliteCollection<Doc>>();
  private readonly db: DatabaseSync;
  private constructor(db: DatabaseSync) {
    this.db = db;
  }

  /** Opens (and creates, on first run) the store file; `:memory:` gives a private in-memory store. */
  static open(file: string): SqliteStore {
    if (file !== ':memory:') ownerOnly(file);
    const db = new DatabaseSync(file);
    // busy_timeout first: switching to WAL needs a lock, and the bot may hold one while the CLI opens the file.
    // secure_delete: a deleted or rewritten document's bytes are overwritten with zeros, not left in free
    // space where anyone copying the file could read an erased student's answers (docs/security.md).
    db.exec('PRAGMA busy_timeout = 5000; PRAGMA secure_delete = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
    // Reads straight from the OS page cache instead of copying pages through SQLite's small page cache:
    // digests and evidence read hundreds of thousands of documents (bench/README.md).
    db.exec('PRAGMA mmap_size = 268435456;');
    applyMigrations(db);
    scrubFreeSpaceOnce(db);
    return new SqliteStore(db);
  }

  async collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>> {
    const existing = this.collections.get(def.name);
    if (existing) return existing as unknown as Collection<T>;
    if (!/^[a-z][a-z0-9_]{0,40}$/.test(def.name)) throw new Error(`invalid collection name ${def.name}`);
    const table = `c_${def.name}`;
    this.db.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (pk TEXT NOT NULL, id TEXT NOT NULL, version INTEGER NOT NULL, doc TEXT NOT NULL, PRIMARY KEY (pk, id)) WITHOUT ROWID`,
    );
    for (const field of def.indexes) {
      assertFieldName(field);
      this.db.exec(`CREATE INDEX IF NOT EXISTS ix_${def.name}_${field} ON ${table} (${fieldExpr(field)})`);
    }
    for (const field of def.partitionIndexes ?? []) {
      assertFieldName(field);
      this.db.exec(`CREATE INDEX IF NOT EXISTS ix_${def.name}_pk_${field} ON ${table} (pk, ${fieldExpr(field)})`);
    }
    const created = new SqliteCollection<T>(this.db, def.name, table);
    this.collections.set(def.name, created as unknown as SqliteCollection<Doc>);
    return created;
  }

  /**
   * One transaction. node:sqlite runs each statement synchronously, so nothing else runs on this
   * connection between BEGIN and COMMIT; a failed write rolls all of them back.
   */
  async writeAll(writes: readonly Write[]): Promise<Written> {
    const own = writes.map((w) => {
      const c = this.collections.get(w.collection.name);
      if (!c || c !== (w.collection as unknown))
        throw new Error(`writeAll: ${w.collection.name} is not a collection of this store`);
      return c;
    });
    this.db.exec('BEGIN IMMEDIATE');
    try {
      const written = writes.map((w, i): Doc | undefined => {
        const c = own[i]!;
        if (w.kind === 'replace') {
          try {
            return c.replaceNow(w.doc);
          } catch (err) {
            if (w.ifUnchanged && (err instanceof ConflictError || err instanceof NotFoundError)) return undefined;
            throw err;
          }
        }
        try {
          return c.createNow(w.doc);
        } catch (err) {
          if (w.ifAbsent && err instanceof DuplicateError) return undefined;
          throw err;
        }
      });
      this.db.exec('COMMIT');
      return written;
    } catch (err) {
      this.db.exec('ROLLBACK');
      throw err;
    }
  }

  /** SQLite's plan for a find() on an open collection (see SqliteCollection.plan). */
  queryPlan(collection: string, query: Query): string[] {
    const c = this.collections.get(collection);
    if (!c) throw new Error(`queryPlan: ${collection} is not open`);
    return c.plan(query);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async purgeErased(): Promise<boolean> {
    if (!this.db.isOpen) return false;
    return checkpoint(this.db);
  }

  async close(): Promise<void> {
    if (!this.db.isOpen) return;
    // SQLite checkpoints when the last connection closes, but not while the bot or the CLI still has
    // the file open: the WAL would keep old page images (an erased student's) until some later close.
    try {
      checkpoint(this.db);
    } catch {
      // Closing must not fail on it; the next close or purge truncates the WAL.
    }
    this.db.close();
  }
}
