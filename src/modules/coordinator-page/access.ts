import type { Request } from 'express';
import { z } from 'zod';
import { decide } from '../../core/authorization.ts';
import type { Person } from '../../core/entities.ts';
import { IdentityConflict, matchPerson } from '../../core/identity.ts';
import { normalizeEmail } from '../../core/types.ts';
import type { TabTokenVerifier } from '../../teams/tab-auth.ts';
import type { BotDeps } from '../../teams/turn.ts';
import type { EducationTeam } from '../quality-cycle/quality-cycle.ts';
import type { OverviewScope } from './overview.ts';

// Who is asking for the coordinator page, and what they may see: in Teams the tab's SSO token
// (tab-auth.ts), locally a developer's DEV_PAGE_LOGIN header; then the whole school for coordinators and
// admins, their own education teams for team leaders, and "no access" for everyone else.

type Denied = 'sign-in' | 'unknown' | 'role' | 'no-teams' | 'conflict';
export type Access = { ok: true; actor: Person; scope: OverviewScope; teams: EducationTeam[] } | { ok: false; reason: Denied };

const devLogin = z
  .string()
  .trim()
  .min(3)
  .max(320)
  .regex(/^[^\s@]+@[^\s@]+$/);

async function identify(deps: BotDeps, req: Request, verifier: TabTokenVerifier | undefined): Promise<Person | Denied> {
  const { repos, config, log } = deps;
  const dev = req.get('x-dev-login');
  if (dev !== undefined && config.DEV_PAGE_LOGIN) {
    const email = devLogin.safeParse(dev);
    if (!email.success) return 'sign-in';
    const schools = await repos.schools.list();
    const school = config.TENANT_ID
      ? schools.find((s) => s.id === config.TENANT_ID)
      : schools.length === 1
        ? schools[0]
        : undefined;
    const person = school ? await repos.people.findByEmail(school.id, normalizeEmail(email.data)) : undefined;
    return person ?? 'unknown';
  }
  if (!verifier) return 'sign-in';
  const verified = await verifier.verify(req.get('authorization'));
  if (!verified.ok) {
    log.warn({ reason: verified.reason }, 'coordinator page: token refused');
    return 'sign-in';
  }
  const { tenantId, objectId, email } = verified.user;
  if (!(await repos.schools.get(tenantId))) return 'unknown';
  let person: Person | undefined;
  try {
    person = await matchPerson(repos, tenantId, { entraObjectId: objectId, email });
  } catch (err) {
    if (!(err instanceof IdentityConflict)) throw err;
    log.warn(
      { personId: err.personId, recorded: err.recorded, via: err.via, entraObjectId: objectId },
      'coordinator page: identity conflict refused (the sign-in name belongs to a person with another Entra id); IT must check',
    );
    return 'conflict';
  }
  if (!person) return 'unknown';
  if (person.entraObjectId) return person;
  // Found by sign-in name, not linked yet: from now on this Entra id is who they are.
  const now = deps.clock.now().toISOString();
  const linked = await repos.people.update(tenantId, person.id, (p) =>
    p.entraObjectId ? undefined : { ...p, entraObjectId: objectId, updatedAt: now },
  );
  // Another sign-in linked another Entra id at the same moment: that one is who they are.
  return linked.entraObjectId === objectId ? linked : 'conflict';
}

export async function access(deps: BotDeps, req: Request, verifier: TabTokenVerifier | undefined): Promise<Access> {
  const who = await identify(deps, req, verifier);
  if (typeof who === 'string') return { ok: false, reason: who };
  const actor = await deps.roles.resolve(who, who.schoolId);
  if (!decide(actor, 'aggregates.read', { kind: 'school', schoolId: actor.schoolId }).allowed)
    return { ok: false, reason: 'role' };
  const allTeams = await deps.cycles.teams.list(actor.schoolId);
  const teams = allTeams.filter(
    (team) =>
      decide(actor, 'aggregates.read', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds }).allowed,
  );
  if (actor.roles.includes('coordinator') || actor.roles.includes('admin'))
    return { ok: true, actor, scope: { kind: 'school' }, teams };
  if (!teams.length) return { ok: false, reason: 'no-teams' };
  return { ok: true, actor, scope: { kind: 'teams', teams }, teams };
}
