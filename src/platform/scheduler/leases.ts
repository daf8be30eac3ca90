import { type Collection, ConflictError, type Doc, type DocumentStore, DuplicateError } from '../store/document-store.ts';

// Leases make sure that, with several bot instances on one store, a piece of work (a scheduled job run,
// a campaign occurrence, a batch of sends) is done by one instance at a time. A lease expires, so work
// held by an instance that died is taken over by another after the lease time.

interface LeaseDoc extends Doc {
  owner: string;
  expiresAt: string;
  acquiredAt: string;
}

export class Leases {
  private readonly c: Collection<LeaseDoc>;
  private constructor(c: Collection<LeaseDoc>) {
    this.c = c;
  }

  static async open(store: DocumentStore): Promise<Leases> {
    return new Leases(await store.collection<LeaseDoc>({ name: 'leases', indexes: [] }));
  }

  /** True when `owner` now holds the lease `name` until now + ttlMs (acquired, renewed or taken over). */
  async acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean> {
    const expiresAt = new Date(now.getTime() + ttlMs).toISOString();
    const current = await this.c.get(name, name);
    try {
      if (!current) {
        await this.c.create({ id: name, pk: name, owner, expiresAt, acquiredAt: now.toISOString() });
        return true;
      }
      if (current.owner !== owner && current.expiresAt > now.toISOString()) return false;
      await this.c.replace({
        ...current,
        owner,
        expiresAt,
        acquiredAt: current.owner === owner ? current.acquiredAt : now.toISOString(),
      });
      return true;
    } catch (err) {
      if (err instanceof DuplicateError || err instanceof ConflictError) return false; // another instance got there first
      throw err;
    }
  }

  /** Gives the lease up early, if `owner` still holds it. */
  async release(name: string, owner: string): Promise<void> {
    const current = await this.c.get(name, name);
    if (!current || current.owner !== owner) return;
    try {
      await this.c.replace({ ...current, expiresAt: new Date(0).toISOString() });
    } catch (err) {
      if (!(err instanceof ConflictError)) throw err;
    }
  }

  async holder(name: string): Promise<{ owner: string; expiresAt: string } | undefined> {
    const current = await this.c.get(name, name);
    return current ? { owner: current.owner, expiresAt: current.expiresAt } : undefined;
  }
}
