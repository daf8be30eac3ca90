import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore, Stored } from '../../../src/platform/store/document-store.ts';
import { Partitioned } from '../../../src/platform/store/partitioned.ts';
import { backends } from '../../helpers/backends.ts';

type Note = { id: string; version: number; ownerId: string; text: string };

describe.each(backends)('a partitioned collection: $name', (backend) => {
  let store: DocumentStore;
  let notes: Partitioned<Note>;
  beforeEach(async () => {
    store = await backend.open();
    notes = new Partitioned(await store.collection<Stored<Note>>({ name: 'partitioned_notes', indexes: [] }), (n) => n.ownerId);
  });
  afterEach(async () => {
    await store.close();
  });

  it("keeps a document in its owner's partition, creates it once and changes it only with a version check", async () => {
    expect((await notes.ensure({ id: 'n1', ownerId: 'p1', text: 'first' })).created).toBe(true);
    const again = await notes.ensure({ id: 'n1', ownerId: 'p1', text: 'second' });
    expect(again).toMatchObject({ created: false, doc: { text: 'first', version: 1 } });
    expect(await notes.get('p2', 'n1')).toBeUndefined();
    expect((await notes.collection.find({ pk: 'p1' })).map((n) => n.id)).toEqual(['n1']);
    // Two writers at once: both changes land, one after the other.
    await Promise.all([
      notes.update('p1', 'n1', (n) => ({ ...n, text: `${n.text}+a` })),
      notes.update('p1', 'n1', (n) => ({ ...n, text: `${n.text}+b` })),
    ]);
    const both = await notes.get('p1', 'n1');
    expect(both?.version).toBe(3);
    expect(both?.text.split('+').sort()).toEqual(['a', 'b', 'first']);
    expect(await notes.update('p1', 'n1', () => undefined)).toMatchObject({ version: 3 });
    await expect(notes.create({ id: 'n1', ownerId: 'p1', text: 'dup' })).rejects.toThrow();
  });
});
