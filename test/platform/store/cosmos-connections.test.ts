import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CosmosStore } from '../../../src/platform/store/cosmos/cosmos-store.ts';
import type { Collection, Doc } from '../../../src/platform/store/document-store.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';

// The store's calls to the emulator (the https agent it makes for a self-signed certificate) reuse their
// connections, as the SDK's own agent does against Cosmos DB: a new TLS handshake per call cost the
// two-instance benches 8–10 ms of CPU per campaign prompt and made their figures the handshake's.

interface Item extends Doc {
  n: number;
}

describe('Cosmos DB store against the emulator: connections', () => {
  let emulator: Awaited<ReturnType<typeof startCosmosEmulator>>;
  let store: CosmosStore;
  let items: Collection<Item>;
  beforeAll(async () => {
    emulator = await startCosmosEmulator();
    store = await openEmulatedCosmosStore(emulator.endpoint, 'connections');
    items = await store.collection<Item>({ name: 'items', indexes: [] });
    await items.create({ id: 'one', pk: 'p', n: 1 });
  });
  afterAll(async () => {
    await store?.close();
    await emulator?.close();
  });

  it('keeps its connection across store calls', async () => {
    const before = emulator.connections();
    for (let i = 0; i < 30; i++) expect((await items.get('p', 'one'))?.n).toBe(1);
    expect(emulator.connections() - before).toBeLessThanOrEqual(1);
  });
});
