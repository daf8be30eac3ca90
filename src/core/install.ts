import type { Clock } from '../platform/clock.ts';
import type { ConversationRef, Person, School } from './entities.ts';
import { IdentityConflict, matchPerson } from './identity.ts';
import type { Repositories } from './ports.ts';
import { type Locale, localeFrom, normalizeEmail } from './types.ts';

/** Who installed or wrote to the bot, as far as Teams tells us (plus the roster lookup for e-mail and name). */
export interface TeamsIdentity {
  tenantId: string;
  teamsUserId: string;
  entraObjectId?: string;
  email?: string;
  name?: string;
  teamsLocale?: string;
}

export interface ConversationInfo {
  conversationId: string;
  serviceUrl: string;
  botId: string;
}

export interface InstallDeps {
  repos: Repositories;
  clock: Clock;
  newId: () => string;
  defaults: { locale: Locale; timeZone: string };
}

/** The school (tenant) an activity belongs to, created on first contact. */
export async function ensureSchool(deps: InstallDeps, tenantId: string): Promise<School> {
  const existing = await deps.repos.schools.get(tenantId);
  if (existing) return existing;
  return deps.repos.schools.ensure({
    id: tenantId,
    name: tenantId,
    sector: 'vo',
    timeZone: deps.defaults.timeZone,
    defaultLocale: deps.defaults.locale,
    createdAt: deps.clock.now().toISOString(),
  });
}

/**
 * Finds the person behind a Teams identity (Entra object id, then Teams id, then e-mail, the key imports
 * use; see identity.ts), fills in the ids Teams knows, or creates them as a student: most people who
 * install the app are. Throws IdentityConflict when the ids lead to someone known under another id.
 */
export async function identify(deps: InstallDeps, who: TeamsIdentity): Promise<Person> {
  const { people } = deps.repos;
  const school = await ensureSchool(deps, who.tenantId);
  const email = who.email ? normalizeEmail(who.email) : undefined;
  const found = await matchPerson(deps.repos, school.id, {
    entraObjectId: who.entraObjectId,
    teamsUserId: who.teamsUserId,
    email,
  });
  const now = deps.clock.now().toISOString();
  const teamsLocale = who.teamsLocale ? localeFrom(who.teamsLocale, school.defaultLocale) : undefined;
  if (!found) {
    try {
      return await people.create({
        id: deps.newId(),
        schoolId: school.id,
        name: who.name?.trim() || email || 'Onbekend',
        ...(email ? { email } : {}),
        ...(who.entraObjectId ? { entraObjectId: who.entraObjectId } : {}),
        teamsUserId: who.teamsUserId,
        locale: teamsLocale ?? school.defaultLocale,
        localeSource: teamsLocale ? 'teams' : 'default',
        roles: ['student'],
        reachability: { state: 'reachable' },
        createdAt: now,
        updatedAt: now,
      });
    } catch (err) {
      // Two first activities from one new user at once: the other one created the person.
      const again = await people.findByTeamsUserId(school.id, who.teamsUserId);
      if (again) return again;
      throw err;
    }
  }
  return refreshPerson(deps, found, who, school.defaultLocale);
}

/** Brings a known person up to date with what Teams tells us now; writes only when something changed. */
export async function refreshPerson(deps: InstallDeps, found: Person, who: TeamsIdentity, fallback: Locale): Promise<Person> {
  const email = who.email ? normalizeEmail(who.email) : undefined;
  const teamsLocale = who.teamsLocale ? localeFrom(who.teamsLocale, fallback) : undefined;
  const name = who.name?.trim();
  const wanted: Partial<Person> = {};
  if (who.teamsUserId !== found.teamsUserId) wanted.teamsUserId = who.teamsUserId;
  // A recorded Entra id is never replaced (matchPerson refuses such a newcomer); a missing one is linked.
  if (who.entraObjectId && !found.entraObjectId) wanted.entraObjectId = who.entraObjectId;
  // An address someone else has stays theirs.
  if (!found.email && email && !(await deps.repos.people.findByEmail(found.schoolId, email))) wanted.email = email;
  if (name && name !== found.name && (found.name === found.email || found.name === 'Onbekend')) wanted.name = name;
  if (teamsLocale && found.localeSource !== 'chosen' && (teamsLocale !== found.locale || found.localeSource !== 'teams')) {
    wanted.locale = teamsLocale;
    wanted.localeSource = 'teams';
  }
  if (Object.keys(wanted).length === 0) return found;
  const now = deps.clock.now().toISOString();
  return deps.repos.people.update(found.schoolId, found.id, (p) => ({ ...p, ...wanted, updatedAt: now }));
}

/** The app was installed in (or first used from) a 1:1 chat: remember how to reach this person. */
export async function capturePersonalInstall(
  deps: InstallDeps,
  who: TeamsIdentity,
  conversation: ConversationInfo,
): Promise<{ person: Person; ref: ConversationRef; firstTime: boolean }> {
  const person = await identify(deps, who);
  const existing = await deps.repos.conversations.personal(person.schoolId, person.id);
  const now = deps.clock.now().toISOString();
  const ref = await deps.repos.conversations.save({
    schoolId: person.schoolId,
    kind: 'personal',
    tenantId: who.tenantId,
    conversationId: conversation.conversationId,
    serviceUrl: conversation.serviceUrl,
    botId: conversation.botId,
    personId: person.id,
    teamsUserId: who.teamsUserId,
    ...(who.entraObjectId ? { entraObjectId: who.entraObjectId } : {}),
    installed: true,
    updatedAt: now,
  });
  const reachable =
    person.reachability.state === 'reachable'
      ? person
      : await deps.repos.people.update(person.schoolId, person.id, (p) => ({
          ...p,
          reachability: { state: 'reachable' },
          updatedAt: now,
        }));
  await rememberServiceUrl(deps, person.schoolId, conversation);
  return { person: reachable, ref, firstTime: !existing?.installed };
}

async function rememberServiceUrl(deps: InstallDeps, schoolId: string, conversation: ConversationInfo): Promise<void> {
  await deps.repos.schools.update(schoolId, (s) =>
    s.serviceUrl === conversation.serviceUrl && s.botId === conversation.botId
      ? undefined
      : { ...s, serviceUrl: conversation.serviceUrl, botId: conversation.botId },
  );
}

/** The app was removed from the 1:1 chat: the person becomes unreachable, with the date. Nothing is deleted. */
export async function capturePersonalUninstall(deps: InstallDeps, who: TeamsIdentity): Promise<Person | undefined> {
  const school = await deps.repos.schools.get(who.tenantId);
  if (!school) return undefined;
  const person = await matchPerson(deps.repos, school.id, { entraObjectId: who.entraObjectId, teamsUserId: who.teamsUserId });
  if (!person) return undefined;
  const now = deps.clock.now().toISOString();
  const ref = await deps.repos.conversations.personal(school.id, person.id);
  if (ref?.installed) {
    await deps.repos.conversations.update(school.id, ref.id, (r) => ({
      ...r,
      installed: false,
      uninstalledAt: now,
      updatedAt: now,
    }));
  }
  return deps.repos.people.update(school.id, person.id, (p) =>
    p.reachability.state === 'unreachable' && p.reachability.reason === 'uninstalled'
      ? undefined
      : { ...p, reachability: { state: 'unreachable', since: now, reason: 'uninstalled' }, updatedAt: now },
  );
}

/** Team members as the roster returns them. */
export interface RosterMember {
  teamsUserId: string;
  entraObjectId?: string;
  email?: string;
  name?: string;
}

/**
 * The app was added to a team: remember the team, and learn the Teams ids of members we already know
 * (by e-mail or Entra id), so that their mentor cards and prompts can open a 1:1 chat with them.
 */
export async function captureTeamInstall(
  deps: InstallDeps,
  team: { tenantId: string; teamId: string; teamName?: string } & ConversationInfo,
  roster: RosterMember[],
): Promise<{ ref: ConversationRef; matched: number; conflicts: IdentityConflict[] }> {
  const school = await ensureSchool(deps, team.tenantId);
  const now = deps.clock.now().toISOString();
  const ref = await deps.repos.conversations.save({
    schoolId: school.id,
    kind: 'team',
    tenantId: team.tenantId,
    conversationId: team.conversationId,
    serviceUrl: team.serviceUrl,
    botId: team.botId,
    teamId: team.teamId,
    ...(team.teamName ? { teamName: team.teamName } : {}),
    installed: true,
    updatedAt: now,
  });
  await rememberServiceUrl(deps, school.id, team);
  let matched = 0;
  const conflicts: IdentityConflict[] = [];
  for (const member of roster) {
    let person: Person | undefined;
    try {
      person = await matchPerson(deps.repos, school.id, {
        entraObjectId: member.entraObjectId,
        teamsUserId: member.teamsUserId,
        email: member.email,
      });
    } catch (err) {
      // One member who is someone else by e-mail does not stop the others; the caller logs it for IT.
      if (!(err instanceof IdentityConflict)) throw err;
      conflicts.push(err);
      continue;
    }
    if (!person) continue;
    matched++;
    const linkEntra = member.entraObjectId && !person.entraObjectId;
    if (person.teamsUserId === member.teamsUserId && !linkEntra) continue;
    await deps.repos.people.update(school.id, person.id, (p) => ({
      ...p,
      teamsUserId: member.teamsUserId,
      ...(member.entraObjectId && !p.entraObjectId ? { entraObjectId: member.entraObjectId } : {}),
      updatedAt: now,
    }));
  }
  return { ref, matched, conflicts };
}

export async function captureTeamUninstall(deps: InstallDeps, tenantId: string, teamId: string): Promise<void> {
  const ref = await deps.repos.conversations.team(tenantId, teamId);
  if (!ref?.installed) return;
  const now = deps.clock.now().toISOString();
  await deps.repos.conversations.update(tenantId, ref.id, (r) => ({
    ...r,
    installed: false,
    uninstalledAt: now,
    updatedAt: now,
  }));
}
