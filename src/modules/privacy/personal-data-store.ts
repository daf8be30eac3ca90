import type { DocumentStore } from '../../platform/store/document-store.ts';
import type { PersonalDataPort } from './personal-data.ts';
import { collectPersonalData } from './personal-data-collect.ts';
import { openPersonalDataCollections } from './personal-data-collections.ts';
import { erasePersonalData } from './personal-data-erasure.ts';
import { endAnonymousRelations, retentionFacts } from './retention-store.ts';

/** The personal-data adapter of a store (the privacy module's setup opens it once). */
export async function openPersonalDataStore(store: DocumentStore): Promise<PersonalDataPort> {
  const c = await openPersonalDataCollections(store);
  return {
    collect: (schoolId, personId) => collectPersonalData(c, schoolId, personId),
    anonymise: (input) => erasePersonalData(c, input),
    retentionFacts: (schoolId) => retentionFacts(c, schoolId),
    endAnonymousRelations: (schoolId, before, at) => endAnonymousRelations(c, schoolId, before, at),
  };
}
