import type { Clock } from '../platform/clock.ts';
import type { Person } from './entities.ts';
import { type Role, roles } from './types.ts';

// A person's roles come from two places: what is stored (imports, the `role add` CLI, first contact as a
// student) and, where a school configures it, membership of an Entra group per role. Group roles are
// added at the moment of each request and never stored, so taking someone out of the group takes the
// role away within the cache period. A directory that cannot be asked grants nothing extra.

/** The directory port: which of these groups a user is a member of (transitively). */
export interface GroupDirectory {
  memberGroups(tenantId: string, entraObjectId: string, groupIds: readonly string[]): Promise<string[]>;
}

export type RoleGroups = Partial<Record<Role, readonly string[]>>;

export interface RoleResolverDeps {
  directory?: GroupDirectory;
  groups: RoleGroups;
  clock: Clock;
  cacheMs: number;
  log: { warn(obj: object, msg: string): void };
  /** Most entries kept in the membership cache. */
  maxEntries?: number;
}

export class RoleResolver {
  private readonly deps: RoleResolverDeps;
  private readonly cache = new Map<string, { roles: Role[]; until: number }>();
  private readonly allGroups: string[];

  constructor(deps: RoleResolverDeps) {
    this.deps = deps;
    this.allGroups = [...new Set(Object.values(deps.groups).flat())];
  }

  /** True when at least one role is granted through a group. */
  get usesGroups(): boolean {
    return this.allGroups.length > 0 && this.deps.directory !== undefined;
  }

  /** The person with their effective roles: stored roles plus the roles of the groups they are in. */
  async resolve(person: Person, tenantId: string = person.schoolId): Promise<Person> {
    if (!this.usesGroups || !person.entraObjectId) return person;
    const fromGroups = await this.groupRoles(tenantId, person.entraObjectId);
    const extra = fromGroups.filter((r) => !person.roles.includes(r));
    return extra.length ? { ...person, roles: [...person.roles, ...extra] } : person;
  }

  private async groupRoles(tenantId: string, entraObjectId: string): Promise<Role[]> {
    const key = `${tenantId}/${entraObjectId}`;
    const now = this.deps.clock.now().getTime();
    const cached = this.cache.get(key);
    if (cached && cached.until > now) return cached.roles;
    let member: string[];
    try {
      member = await this.deps.directory!.memberGroups(tenantId, entraObjectId, this.allGroups);
    } catch (err) {
      // Fail closed for the extra roles; try again on the next request rather than caching the failure.
      this.deps.log.warn({ err: String(err) }, 'could not check group membership; stored roles only');
      return [];
    }
    const found = roles.filter((r) => (this.deps.groups[r] ?? []).some((g) => member.includes(g)));
    this.cache.delete(key);
    this.cache.set(key, { roles: found, until: now + this.deps.cacheMs });
    const max = this.deps.maxEntries ?? 10_000;
    if (this.cache.size > max) this.cache.delete(this.cache.keys().next().value!);
    return found;
  }
}
