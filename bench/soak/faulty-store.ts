import type { Collection, CollectionDef, Doc, DocumentStore, NewDoc, Query } from '../../src/platform/store/document-store.ts';

// A store in front of the real one that can fail the way a machine fails: a full disk (every write
// refused with SQLITE_FULL / ENOSPC for a stretch, reads still work) and a kill (from that moment every
// call of this instance fails, as if the process were gone; whatever it had in flight is left half done).
// The soak gives each bot instance its own wrapper over the one shared store.

export class DiskFullError extends Error {
  readonly code: string;
  constructor(code: 'SQLITE_FULL' | 'ENOSPC') {
    super(code === 'SQLITE_FULL' ? 'database or disk is full' : 'ENOSPC: no space left on device, write');
    this.name = 'DiskFullError';
    this.code = code;
  }
}

export class KilledError extends Error {
  constructor() {
    super('this instance was killed');
    this.name = 'KilledError';
  }
}

/** Shared by every instance: the disk is one. */
export class Disk {
  full = false;
  refusedWrites = 0;
}

export class FaultyStore implements DocumentStore {
  readonly kind: DocumentStore['kind'];
  private killed = false;
  private readonly inner: DocumentStore;
  private readonly disk: Disk;
  constructor(inner: DocumentStore, disk: Disk) {
    this.inner = inner;
    this.disk = disk;
    this.kind = inner.kind;
  }

  kill(): void {
    this.killed = true;
  }

  private alive(): void {
    if (this.killed) throw new KilledError();
  }

  private writable(): void {
    this.alive();
    if (this.disk.full) {
      this.disk.refusedWrites++;
      throw new DiskFullError(this.disk.refusedWrites % 2 ? 'SQLITE_FULL' : 'ENOSPC');
    }
  }

  async collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>> {
    this.alive();
    const c = await this.inner.collection<T>(def);
    const self = this;
    return {
      name: c.name,
      async get(pk: string, id: string) {
        self.alive();
        return c.get(pk, id);
      },
      async create(doc: NewDoc<T>) {
        self.writable();
        return c.create(doc);
      },
      async replace(doc: T) {
        self.writable();
        return c.replace(doc);
      },
      async delete(doc: T) {
        self.writable();
        return c.delete(doc);
      },
      async find(query?: Query) {
        self.alive();
        return c.find(query);
      },
      async count(query?: Query) {
        self.alive();
        return c.count(query);
      },
    };
  }

  async ping(): Promise<void> {
    this.alive();
    return this.inner.ping();
  }

  async purgeErased(): Promise<boolean> {
    this.writable();
    return this.inner.purgeErased();
  }

  /** The shared store stays open: the next instance opens on it, as a restarted process opens the file. */
  async close(): Promise<void> {}
}
