import type { AddressInfo } from 'node:net';
import { createHttpsServer } from '@vercel/cosmosdb-server';
import { CosmosStore } from '../../src/platform/store/cosmos/cosmos-store.ts';

/** Starts the in-process Cosmos DB emulator on a free port; every call gets an empty account. */
export async function startCosmosEmulator(): Promise<{ endpoint: string; close(): Promise<void> }> {
  const server = createHttpsServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `https://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections?.();
        server.close(() => resolve());
      }),
  };
}

export async function openEmulatedCosmosStore(endpoint: string, database = `db${Date.now()}${Math.floor(Math.random() * 1e6)}`) {
  return CosmosStore.open({ endpoint, database, key: 'emulator-key', allowSelfSigned: true });
}
