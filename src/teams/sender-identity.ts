import type { Person } from '../core/entities.ts';
import { withSector } from '../core/i18n.ts';
import { matchPerson } from '../core/identity.ts';
import { capturePersonalInstall, identify, refreshPerson, type TeamsIdentity } from '../core/install.ts';
import { sectorFor } from '../core/levels.ts';
import { conversationInfo, type Envelope, isPersonal, tenantOf } from './activity.ts';
import { KnownSchools } from './known-schools.ts';
import type { BotDeps } from './turn.ts';

// Who sent an activity: the Teams ids it carries, the person they are in the store, and their roles.

export interface SenderIdentity {
  /** The sender's Teams identity; with `lookupProfile` also their e-mail from the conversation's roster. */
  identity(a: Envelope, lookupProfile: boolean): Promise<TeamsIdentity>;
  /** The sender with their effective roles (stored plus Entra group roles). */
  actorOf(a: Envelope): Promise<Person>;
  /** Runs a turn's work with its texts naming students and mentors as the person's sector does (src/core/i18n.ts). */
  inSectorOf<T>(person: Person, run: () => Promise<T>): Promise<T>;
}

export function senderIdentity(deps: BotDeps): SenderIdentity {
  const { log } = deps;

  const identity = async (a: Envelope, lookupProfile: boolean): Promise<TeamsIdentity> => {
    const who: TeamsIdentity = {
      tenantId: tenantOf(a)!,
      teamsUserId: a.from.id,
      ...(a.from.aadObjectId ? { entraObjectId: a.from.aadObjectId } : {}),
      ...(a.from.name ? { name: a.from.name } : {}),
      ...(a.locale ? { teamsLocale: a.locale } : {}),
    };
    if (!lookupProfile) return who;
    try {
      // Activities carry no e-mail: the roster does, and e-mail is how imports and the CLI name people.
      const member = await deps.connector.getMember(a.serviceUrl, a.conversation.id, a.from.id);
      return {
        ...who,
        ...(member.email || member.userPrincipalName ? { email: member.email ?? member.userPrincipalName } : {}),
        ...(member.name ? { name: member.name } : {}),
        ...(member.aadObjectId && !who.entraObjectId ? { entraObjectId: member.aadObjectId } : {}),
      };
    } catch (err) {
      log.warn({ err: String(err) }, 'could not look up the member profile; continuing without e-mail');
      return who;
    }
  };

  /** Identifies the sender; in a 1:1 chat also (re)captures the conversation, in case the install event was missed. */
  const schools = new KnownSchools(deps.repos.schools, deps.clock);
  const personOf = async (a: Envelope): Promise<Person> => {
    if (!isPersonal(a)) return identify(deps.install, await identity(a, false));
    const school = await schools.get(tenantOf(a)!);
    const known = school
      ? await matchPerson(deps.repos, school.id, { entraObjectId: a.from.aadObjectId, teamsUserId: a.from.id })
      : undefined;
    const ref = known ? await deps.repos.conversations.personal(known.schoolId, known.id) : undefined;
    if (known && ref?.installed && ref.conversationId === a.conversation.id) {
      return refreshPerson(deps.install, known, await identity(a, false), school!.defaultLocale);
    }
    const { person } = await capturePersonalInstall(deps.install, await identity(a, !known?.email), conversationInfo(a));
    return person;
  };

  return {
    identity,
    actorOf: async (a) => deps.roles.resolve(await personOf(a), tenantOf(a)!),
    inSectorOf: async (person, run) => withSector(sectorFor(person, await schools.get(person.schoolId)), run),
  };
}
