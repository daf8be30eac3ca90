import { type Collection, createOrGet, type Stored, stored, update } from './document-store.ts';

// What nearly every repository does with one of its collections, written once: a document of an entity
// lives in its owner's partition (the entity says which field names the owner), is created once by id,
// read by owner and id, and changed only with a version-checked update.

export class Partitioned<T extends { id: string; version: number }> {
  readonly collection: Collection<Stored<T>>;
  private readonly ownerOf: (doc: Omit<T, 'version'>) => string;
  constructor(collection: Collection<Stored<T>>, ownerOf: (doc: Omit<T, 'version'>) => string) {
    this.collection = collection;
    this.ownerOf = ownerOf;
  }

  get(owner: string, id: string): Promise<T | undefined> {
    return this.collection.get(owner, id);
  }

  /** Creates the document, or returns the one already stored under its id (then `created` is false). */
  ensure(doc: Omit<T, 'version'>): Promise<{ doc: T; created: boolean }> {
    return createOrGet(this.collection, { ...doc, pk: this.ownerOf(doc) } as Omit<Stored<T>, 'version'>);
  }

  create(doc: Omit<T, 'version'>): Promise<T> {
    return this.collection.create({ ...doc, pk: this.ownerOf(doc) } as Omit<Stored<T>, 'version'>);
  }

  /**
   * Read-modify-write with a version check; `mutate` returns undefined to leave the document as it is.
   * `known`: the document as last read or written, tried first without reading it (document-store.ts).
   */
  update(owner: string, id: string, mutate: (current: T) => T | undefined, known?: T): Promise<T> {
    return update(this.collection, owner, id, stored(mutate), 5, known as Stored<T> | undefined);
  }
}
