import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosmosStore } from '../../../src/platform/store/cosmos/cosmos-store.ts';
import { type Collection, ConflictError, type Doc, update } from '../../../src/platform/store/document-store.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';

// The Cosmos store keeps the ETag of each version it read or wrote, so a version-checked write of a
// document just read is one request, not a read and a write. Two instances on one database: a kept ETag
// that another instance made stale is never trusted over the store's version.

interface Item extends Doc {
  n: number;
}

describe('Cosmos DB store: the ETags it keeps', () => {
  let emulator: Awaited<ReturnType<typeof startCosmosEmulator>>;
  let a: CosmosStore;
  let b: CosmosStore;
  let onA: Collection<Item>;
  let onB: Collection<Item>;
  beforeAll(async () => {
    emulator = await startCosmosEmulator();
    a = await openEmulatedCosmosStore(emulator.endpoint, 'etags');
    b = await openEmulatedCosmosStore(emulator.endpoint, 'etags');
    onA = await a.collection<Item>({ name: 'items', indexes: [] });
    onB = await b.collection<Item>({ name: 'items', indexes: [] });
  });
  afterAll(async () => {
    await a?.close();
    await b?.close();
    await emulator?.close();
  });

  it('writes a document it just read with one request', async () => {
    await onA.create({ id: 'one', pk: 'p', n: 1 });
    const before = { ...emulator.requests };
    await update(onA, 'p', 'one', (d) => ({ ...d, n: 2 }));
    expect({ reads: emulator.requests.reads - before.reads, writes: emulator.requests.writes - before.writes }).toEqual({
      reads: 1,
      writes: 1,
    });
    expect((await onB.get('p', 'one'))?.n).toBe(2);
  });

  it('refuses a version another instance replaced, though it kept that version’s ETag', async () => {
    const v1 = await onA.create({ id: 'two', pk: 'p', n: 1 });
    await onB.replace({ ...(await onB.get('p', 'two'))!, n: 5 });
    await expect(onA.replace({ ...v1, n: 9 })).rejects.toBeInstanceOf(ConflictError);
    await expect(onA.delete(v1)).rejects.toBeInstanceOf(ConflictError);
    expect((await onB.get('p', 'two'))?.n).toBe(5);
  });

  it('writes a version that another instance deleted and created again (same version, new ETag)', async () => {
    const v1 = await onA.create({ id: 'three', pk: 'p', n: 1 });
    await onB.delete((await onB.get('p', 'three'))!);
    await onB.create({ id: 'three', pk: 'p', n: 7 });
    // A's kept ETag is of the deleted document; the store holds version 1 again, so the write stands.
    expect((await onA.replace({ ...v1, n: 8 })).version).toBe(2);
    expect((await onB.get('p', 'three'))?.n).toBe(8);
  });
});
