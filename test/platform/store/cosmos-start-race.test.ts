import { afterAll, beforeAll, expect, it } from 'vitest';
import type { Doc } from '../../../src/platform/store/document-store.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../helpers/cosmos-emulator.ts';

// Several instances start at once against a database that has no containers yet (a new deployment, or the
// campaign bench's two instances): each asks for the same containers at the same moment. None may fail.

let emulator: Awaited<ReturnType<typeof startCosmosEmulator>>;

beforeAll(async () => {
  emulator = await startCosmosEmulator();
});
afterAll(async () => {
  await emulator.close();
});

it('opens the same database and containers from four instances at once', { timeout: 60_000 }, async () => {
  const database = `race${Date.now()}`;
  const names = Array.from({ length: 8 }, (_, i) => `c${i}`);
  const stores = await Promise.all(Array.from({ length: 4 }, () => openEmulatedCosmosStore(emulator.endpoint, database)));
  try {
    const opened = await Promise.all(
      stores.flatMap((store) => names.map((name) => store.collection<Doc & { n: number }>({ name, indexes: [] }))),
    );
    expect(opened).toHaveLength(32);
    // They are the same containers: what one instance writes, another reads.
    await opened[0]!.create({ id: 'x', pk: 'p', n: 1 });
    expect((await opened[names.length]!.get('p', 'x'))?.n).toBe(1);
  } finally {
    await Promise.all(stores.map((s) => s.close()));
  }
});
