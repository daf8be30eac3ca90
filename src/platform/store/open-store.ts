import { ManagedIdentityCredential } from '@azure/identity';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { CosmosStore } from './cosmos/cosmos-store.ts';
import type { DocumentStore } from './document-store.ts';
import { SqliteStore } from './sqlite/sqlite-store.ts';

/** Cosmos DB when COSMOS_ENDPOINT is set (key, or the managed identity), otherwise the embedded SQLite file. */
export async function openStore(config: Config, log: Logger): Promise<DocumentStore> {
  if (config.COSMOS_ENDPOINT) {
    const store = await CosmosStore.open({
      endpoint: config.COSMOS_ENDPOINT,
      database: config.COSMOS_DATABASE,
      ...(config.COSMOS_KEY
        ? { key: config.COSMOS_KEY }
        : {
            aadCredentials: config.MANAGED_IDENTITY_CLIENT_ID
              ? new ManagedIdentityCredential({ clientId: config.MANAGED_IDENTITY_CLIENT_ID })
              : new ManagedIdentityCredential(),
          }),
      allowSelfSigned: config.COSMOS_ALLOW_SELF_SIGNED,
    });
    log.info({ store: 'cosmos', database: config.COSMOS_DATABASE }, 'store opened');
    return store;
  }
  const store = SqliteStore.open(config.sqlitePath);
  log.info({ store: 'sqlite', file: config.sqlitePath }, 'store opened');
  return store;
}
