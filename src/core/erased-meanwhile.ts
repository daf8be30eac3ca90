import type { Repositories } from './ports.ts';

// Something written about a student by someone else (a supervisor's answer, a teacher's signal, a mentor's
// note) can land just after an erasure has passed that collection. The erasure deletes the person before it
// goes through the student's partition, so a read of the person after the write decides: still there (the
// erasure, if any, comes later and clears the write) or gone (nothing else would ever remove it).

export interface ErasedMeanwhileDeps {
  repos: Pick<Repositories, 'people'>;
  /** Makes deleted documents unreadable in the store's own files now (DocumentStore.purgeErased). */
  purgeErased?: () => Promise<boolean>;
  log: { warn(obj: object, msg: string): void };
}

/** True when the student was erased while `written` was stored; it is then deleted again (`remove`). */
export async function undoIfErased(
  deps: ErasedMeanwhileDeps,
  written: { schoolId: string; studentId: string },
  remove: () => Promise<unknown>,
  what: { name: string; ids: Record<string, string> },
): Promise<boolean> {
  const person = await deps.repos.people.get(written.schoolId, written.studentId);
  if (person && !person.erasedAt) return false;
  await remove();
  // The erasure has already truncated the store's log: without this the text stays in it.
  if (deps.purgeErased && !(await deps.purgeErased()))
    deps.log.warn(what.ids, `a deleted ${what.name} stays in the store journal until the other process closes the store`);
  return true;
}
