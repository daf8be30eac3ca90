import { afterAll } from 'vitest';
import type { DocumentStore } from '../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from './cosmos-emulator.ts';

export interface Backend {
  name: 'sqlite' | 'cosmos';
  /** A fresh, empty store. */
  open(): Promise<DocumentStore>;
}

let emulator: Awaited<ReturnType<typeof startCosmosEmulator>> | undefined;

/** The two backends every contract test runs against: embedded SQLite and Cosmos DB through the emulator. */
export const backends: Backend[] = [
  { name: 'sqlite', open: async () => SqliteStore.open(':memory:') },
  {
    name: 'cosmos',
    open: async () => {
      emulator ??= await startCosmosEmulator();
      return openEmulatedCosmosStore(emulator.endpoint);
    },
  },
];

afterAll(async () => {
  await emulator?.close();
  emulator = undefined;
});
