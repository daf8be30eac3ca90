import https from 'node:https';
import { type Container, CosmosClient, type CosmosClientOptions, type Database } from '@azure/cosmos';
import {
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
} from '../document-store.ts';
import { cosmosSql } from './cosmos-query.ts';
import { canonical, retryTransient, statusOf } from './transient.ts';

type Stored = Doc & { _etag?: string; _rid?: string; _self?: string; _ts?: number; _attachments?: string };

function strip<T extends Doc>(raw: Stored): T {
  const { _etag, _rid, _self, _ts, _attachments, ...doc } = raw;
  return doc as unknown as T;
}

/** How many documents' ETags a collection keeps (a few MB at most). */
const keptEtags = 20_000;

/**
 * One container per collection, partitioned on /pk. The ETag is the real guard; `version` mirrors it.
 * The ETag of each version read or written here is kept, so a version-checked write of a document just
 * read needs no read of its own first (a round trip and a request unit less per write).
 */
class CosmosCollection<T extends Doc> implements Collection<T> {
  private readonly container: Container;
  readonly name: string;
  private readonly etags = new Map<string, { version: number; etag: string }>();
  constructor(container: Container, name: string) {
    this.container = container;
    this.name = name;
  }

  private static key(doc: Pick<Doc, 'pk' | 'id'>): string {
    return `${doc.pk}\u0000${doc.id}`;
  }

  private remember(raw: Stored | undefined): void {
    if (!raw?._etag) return;
    const key = CosmosCollection.key(raw);
    this.etags.delete(key);
    this.etags.set(key, { version: raw.version, etag: raw._etag });
    if (this.etags.size > keptEtags) this.etags.delete(this.etags.keys().next().value!);
  }

  /** The ETag kept for exactly this version of the document, if any. */
  private known(doc: Doc): string | undefined {
    const kept = this.etags.get(CosmosCollection.key(doc));
    return kept?.version === doc.version ? kept.etag : undefined;
  }

  private read(pk: string, id: string): Promise<Stored | undefined> {
    return retryTransient(async () => {
      try {
        const res = await this.container.item(id, pk).read<Stored>();
        const raw = res.statusCode === 404 ? undefined : res.resource;
        if (raw) this.remember(raw);
        else this.etags.delete(CosmosCollection.key({ pk, id }));
        return raw;
      } catch (err) {
        if (statusOf(err) === 404) {
          this.etags.delete(CosmosCollection.key({ pk, id }));
          return undefined;
        }
        throw err;
      }
    });
  }

  /** After an attempt whose answer was lost: is this exact document what the store holds now? */
  private async holds(doc: Doc): Promise<boolean> {
    const current = await this.read(doc.pk, doc.id);
    return current !== undefined && canonical(strip(current)) === canonical(doc);
  }

  async get(pk: string, id: string): Promise<T | undefined> {
    const raw = await this.read(pk, id);
    return raw ? strip<T>(raw) : undefined;
  }

  async create(doc: NewDoc<T>): Promise<T> {
    const stored = { ...doc, version: 1 } as T;
    await retryTransient(async (retried) => {
      try {
        this.remember((await this.container.items.create(stored)).resource as Stored | undefined);
      } catch (err) {
        if (statusOf(err) !== 409) throw err;
        // A lost answer to our own create, not somebody else's document: done.
        if (retried && (await this.holds(stored))) return;
        throw new DuplicateError(this.name, doc.id);
      }
    });
    return stored;
  }

  /** Compare-and-swap: the version check picks the ETag, and If-Match makes the write fail if it moved since. */
  private async currentEtag(doc: T): Promise<string> {
    const current = await this.read(doc.pk, doc.id);
    if (!current) throw new NotFoundError(this.name, doc.id);
    if (current.version !== doc.version || !current._etag) throw new ConflictError(this.name, doc.id);
    return current._etag;
  }

  /**
   * With the ETag kept for this version, else the one the store gives now. A kept one that the store no
   * longer has (another instance wrote since, or the document was deleted and created again) is asked
   * about once more: the store's version decides whether that is a conflict.
   */
  private async withEtag<R>(doc: T, write: (etag: string) => Promise<R>): Promise<R> {
    const kept = this.known(doc);
    if (kept) {
      try {
        return await write(kept);
      } catch (err) {
        if (!(err instanceof ConflictError)) throw err;
        this.etags.delete(CosmosCollection.key(doc));
      }
    }
    return write(await this.currentEtag(doc));
  }

  async replace(doc: T): Promise<T> {
    return this.withEtag(doc, (etag) => this.replaceAt(doc, etag));
  }

  private async replaceAt(doc: T, etag: string): Promise<T> {
    const next = { ...doc, version: doc.version + 1 };
    await retryTransient(async (retried) => {
      try {
        const res = await this.container
          .item(doc.id, doc.pk)
          .replace(next, { accessCondition: { type: 'IfMatch', condition: etag } });
        this.remember(res.resource as Stored | undefined);
      } catch (err) {
        const status = statusOf(err);
        // The ETag moved: by our own earlier attempt (the store holds exactly what we wrote), or by another.
        if (status === 412 && retried && (await this.holds(next))) return;
        if (status === 412) throw new ConflictError(this.name, doc.id);
        if (status === 404) throw new NotFoundError(this.name, doc.id);
        throw err;
      }
    });
    return next;
  }

  async delete(doc: T): Promise<void> {
    await this.withEtag(doc, (etag) => this.deleteAt(doc, etag));
    this.etags.delete(CosmosCollection.key(doc));
  }

  private async deleteAt(doc: T, etag: string): Promise<void> {
    await retryTransient(async (retried) => {
      try {
        await this.container.item(doc.id, doc.pk).delete({ accessCondition: { type: 'IfMatch', condition: etag } });
      } catch (err) {
        const status = statusOf(err);
        if (status === 412) throw new ConflictError(this.name, doc.id);
        // Gone after an attempt whose answer was lost: that attempt deleted it.
        if (status === 404 && retried) return;
        if (status === 404) throw new NotFoundError(this.name, doc.id);
        throw err;
      }
    });
  }

  async find(query: Query = {}): Promise<T[]> {
    // A projection: Cosmos DB sends back the selected fields only.
    const fields = query.select ? selectedFields(query.select) : undefined;
    const select = fields ? ['c.id', 'c.pk', ...fields.map((f) => `c.${f}`)].join(', ') : '*';
    const { text, parameters } = cosmosSql(select, query);
    const res = await retryTransient(() =>
      this.container.items
        .query<Stored>({ query: text, parameters }, query.pk === undefined ? {} : { partitionKey: query.pk })
        .fetchAll(),
    );
    if (!fields) {
      for (const r of res.resources) this.remember(r);
      return res.resources.map((r) => strip<T>(r));
    }
    return res.resources.map((r) => {
      const row: Record<string, unknown> = { id: r.id, pk: r.pk };
      for (const f of fields) {
        const v = (r as unknown as Record<string, unknown>)[f];
        if (v !== null && v !== undefined) row[f] = v;
      }
      return row;
    }) as unknown as T[];
  }

  async count(query: Query = {}): Promise<number> {
    // COUNT is done client-side over ids: aggregate queries across partitions need a query plan that the
    // emulator used in tests does not serve, and ids are small.
    const { text, parameters } = cosmosSql('c.id', { ...query, orderBy: undefined, limit: undefined });
    const res = await retryTransient(() =>
      this.container.items
        .query({ query: text, parameters }, query.pk === undefined ? {} : { partitionKey: query.pk })
        .fetchAll(),
    );
    return res.resources.length;
  }
}

export interface CosmosStoreOptions {
  endpoint: string;
  database: string;
  key?: string;
  /** Entra credential (managed identity) used when no key is given. */
  aadCredentials?: CosmosClientOptions['aadCredentials'];
  /** Only for the local emulator, which serves a self-signed certificate. */
  allowSelfSigned?: boolean;
}

/**
 * createIfNotExists reads, then creates: two instances starting at once can both miss the read, and the
 * loser's create answers 409. The container (or database) exists then, so asking again finds it.
 */
async function whenRacing<T>(ensure: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await ensure();
    } catch (err) {
      if ((err as { code?: unknown }).code !== 409 || attempt >= attempts) throw err;
    }
  }
}

export class CosmosStore implements DocumentStore {
  readonly kind = 'cosmos' as const;
  private readonly collections = new Map<string, Promise<CosmosCollection<Doc>>>();
  private readonly client: CosmosClient;
  private readonly database: Database;
  private constructor(client: CosmosClient, database: Database) {
    this.client = client;
    this.database = database;
  }

  static async open(options: CosmosStoreOptions): Promise<CosmosStore> {
    const clientOptions: CosmosClientOptions = { endpoint: options.endpoint };
    if (options.key) clientOptions.key = options.key;
    else if (options.aadCredentials) clientOptions.aadCredentials = options.aadCredentials;
    // An agent of our own must keep its connections (a new https.Agent does not by default): without it
    // every call to the emulator was a new TLS handshake, 8–10 ms of CPU per campaign prompt.
    if (options.allowSelfSigned) clientOptions.agent = new https.Agent({ rejectUnauthorized: false, keepAlive: true });
    const client = new CosmosClient(clientOptions);
    const { database } = await whenRacing(() => client.databases.createIfNotExists({ id: options.database }));
    return new CosmosStore(client, database);
  }

  collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>> {
    let pending = this.collections.get(def.name);
    if (!pending) {
      pending = whenRacing(() =>
        this.database.containers.createIfNotExists({ id: def.name, partitionKey: { paths: ['/pk'] } }),
      ).then(({ container }) => new CosmosCollection<Doc>(container, def.name));
      // A failure is not kept: the next call asks again.
      pending.catch(() => this.collections.delete(def.name));
      this.collections.set(def.name, pending);
    }
    return pending as unknown as Promise<Collection<T>>;
  }

  async ping(): Promise<void> {
    // The SDK would retry a throttled or failing read for up to half a minute; a health probe wants the
    // store's state now, so it asks once with a short deadline.
    await this.database.read({ abortSignal: AbortSignal.timeout(3000) });
  }

  async purgeErased(): Promise<boolean> {
    return true;
  }

  async close(): Promise<void> {
    this.client.dispose();
  }
}
