import type { Collection, CollectionDef, Doc, DocumentStore, Query } from '../../src/platform/store/document-store.ts';

/**
 * The real store, with every find() that reaches it written down per collection: tests read the exact
 * queries the product makes (and ask SQLite how it runs them) without rebuilding them by hand.
 */
export function seeingQueries(store: DocumentStore): { store: DocumentStore; queries: { collection: string; query: Query }[] } {
  const queries: { collection: string; query: Query }[] = [];
  const seeing: DocumentStore = Object.assign(Object.create(store) as DocumentStore, {
    collection: async <T extends Doc>(def: CollectionDef) => {
      const c = await store.collection<T>(def);
      return Object.assign(Object.create(c) as Collection<T>, {
        find: (q?: Query) => {
          queries.push({ collection: def.name, query: q ?? {} });
          return c.find(q);
        },
      });
    },
  });
  return { store: seeing, queries };
}
