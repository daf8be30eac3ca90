import type { Person } from './entities.ts';
import type { Repositories } from './ports.ts';
import { normalizeEmail } from './types.ts';

// Who is who. A person's Entra object id, once known, is their identity: Teams ids and e-mail addresses
// only lead to a person who has none yet. Schools reuse addresses (a leaver's for a new pupil), so an
// address that leads to someone known under another Entra id is a conflict, never a match: the caller
// refuses it and IT sorts it out.

export interface PersonIds {
  entraObjectId?: string | undefined;
  teamsUserId?: string | undefined;
  email?: string | undefined;
}

/** The ids point at a person already known under another Entra (or Teams) id. Carries ids only, never text. */
export class IdentityConflict extends Error {
  readonly personId: string;
  /** Which recorded id the newcomer's differs from. */
  readonly recorded: 'entra-object-id' | 'teams-user-id';
  /** How the newcomer led to that person. */
  readonly via: 'teams-user-id' | 'email';
  constructor(personId: string, recorded: IdentityConflict['recorded'], via: IdentityConflict['via']) {
    super(`identity conflict: person ${personId} has another ${recorded} (matched by ${via})`);
    this.personId = personId;
    this.recorded = recorded;
    this.via = via;
  }
}

/**
 * The person behind these ids (Entra id first, then Teams id, then e-mail), or undefined for someone new.
 * Throws IdentityConflict when a Teams id or e-mail leads to a person whose recorded ids say it is someone else.
 */
export async function matchPerson(repos: Repositories, schoolId: string, ids: PersonIds): Promise<Person | undefined> {
  const { people } = repos;
  if (ids.entraObjectId) {
    const byEntra = await people.findByEntraObjectId(schoolId, ids.entraObjectId);
    if (byEntra) return byEntra;
  }
  if (ids.teamsUserId) {
    const byTeams = await people.findByTeamsUserId(schoolId, ids.teamsUserId);
    if (byTeams) {
      // Found by Entra id above otherwise: a recorded one is another account's.
      if (ids.entraObjectId && byTeams.entraObjectId) throw new IdentityConflict(byTeams.id, 'entra-object-id', 'teams-user-id');
      return byTeams;
    }
  }
  if (ids.email) {
    const byEmail = await people.findByEmail(schoolId, normalizeEmail(ids.email));
    if (byEmail) {
      if (byEmail.entraObjectId) throw new IdentityConflict(byEmail.id, 'entra-object-id', 'email');
      if (byEmail.teamsUserId && ids.teamsUserId) throw new IdentityConflict(byEmail.id, 'teams-user-id', 'email');
      return byEmail;
    }
  }
  return undefined;
}
