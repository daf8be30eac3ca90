import {
  type Collection,
  ConflictError,
  type Doc,
  type DocumentStore,
  DuplicateError,
  NotFoundError,
} from '../store/document-store.ts';

// Leases make sure that, with several bot instances on one store, a piece of work (a scheduled job run,
// a campaign occurrence, a batch of sends) is done by one instance at a time. A lease expires, so work
// held by an instance that died is taken over by another after the lease time.
//
// A lease is renewed and released far more often than it changes hands, so each Leases keeps the version
// of every lease it wrote last: while nobody else has written that lease since, renewing or releasing it
// is one version-checked write without a read (on Cosmos DB the store keeps the ETag of what it wrote).
// When the write finds another version, the lease is read and decided as for a stranger.

interface LeaseDoc extends Doc {
  owner: string;
  expiresAt: string;
  acquiredAt: string;
  /** Set by a holder giving the lease up: until when what it did under the lease still has effect. */
  handoverUntil?: string;
}

/** A lease taken; from another holder who gave it up, with until when that holder's work has effect. */
export interface Taken {
  handoverUntil?: string;
}

/** How many leases' last versions are kept (a lease not among them is read before it is written). */
const keptLeases = 1000;

export class Leases {
  private readonly c: Collection<LeaseDoc>;
  /** The lease as this object last wrote it, per name: exactly what the store holds unless someone wrote since. */
  private readonly written = new Map<string, LeaseDoc>();
  private constructor(c: Collection<LeaseDoc>) {
    this.c = c;
  }

  static async open(store: DocumentStore): Promise<Leases> {
    return new Leases(await store.collection<LeaseDoc>({ name: 'leases', indexes: [] }));
  }

  /** True when `owner` now holds the lease `name` until now + ttlMs (acquired, renewed or taken over). */
  async acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    return (await this.take(name, owner, ttlMs, now)) !== undefined;
  }

  /**
   * As acquire; when the lease comes from another holder that gave it up (release), also the moment that
   * holder said its work under the lease stops having effect (say, its requests counting in a rate window).
   */
  async take(name: string, owner: string, ttlMs: number, now: Date): Promise<Taken | undefined> {
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const mine = this.written.get(name);
    // Our own last write, still in place: whatever it says, the lease is ours to renew.
    if (mine?.owner === owner && (await this.write({ ...mine, expiresAt, handoverUntil: undefined }))) return {};
    const current = await this.c.get(name, name);
    try {
      if (!current) {
        this.keep(await this.c.create({ id: name, pk: name, owner, expiresAt, acquiredAt: now.toISOString() }));
        return {};
      }
      if (current.owner !== owner && current.expiresAt > now.toISOString()) return undefined;
      const { handoverUntil, ...rest } = current;
      this.keep(
        await this.c.replace({
          ...rest,
          owner,
          expiresAt,
          acquiredAt: current.owner === owner ? current.acquiredAt : now.toISOString(),
        }),
      );
      return current.owner !== owner && handoverUntil ? { handoverUntil } : {};
    } catch (err) {
      if (err instanceof DuplicateError || err instanceof ConflictError) return undefined; // another instance got there first
      throw err;
    }
  }

  /**
   * Gives the lease up early, if `owner` still holds it; `handoverUntil`: until when what the owner did
   * under it still has effect (the next holder learns it from take()).
   */
  async release(name: string, owner: string, handoverUntil?: Date): Promise<void> {
    const ended = { expiresAt: new Date(0).toISOString(), handoverUntil: handoverUntil?.toISOString() };
    const mine = this.written.get(name);
    if (mine?.owner === owner && (await this.write({ ...mine, ...ended }))) return;
    const current = await this.c.get(name, name);
    if (!current || current.owner !== owner) return;
    try {
      this.keep(await this.c.replace({ ...current, ...ended }));
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }

  async holder(name: string): Promise<{ owner: string; expiresAt: string } | undefined> {
    const current = await this.c.get(name, name);
    return current ? { owner: current.owner, expiresAt: current.expiresAt } : undefined;
  }

  /** Writes over our own last version; false (and forgotten) when someone else wrote the lease since. */
  private async write(next: LeaseDoc): Promise<boolean> {
    try {
      this.keep(await this.c.replace(next));
      return true;
    } catch (err) {
      if (!(err instanceof ConflictError || err instanceof NotFoundError)) throw err;
      this.written.delete(next.id);
      return false;
    }
  }

  private keep(doc: LeaseDoc): void {
    this.written.delete(doc.id);
    this.written.set(doc.id, doc);
    // Leases per occurrence or per school come and go: keep the most recently written only.
    if (this.written.size > keptLeases) this.written.delete(this.written.keys().next().value!);
  }
}
