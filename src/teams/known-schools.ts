import type { School } from '../core/entities.ts';
import type { SchoolRepository } from '../core/ports.ts';
import type { Clock } from '../platform/clock.ts';

// Every 1:1 activity starts by finding the sender's school (the tenant). Of that record the inbound path
// uses only what does not change (its id, that it exists: schools are never deleted), the default
// locale (a fallback for an activity whose Teams locale is unreadable) and the sector (the words a turn's
// cards use: a changed sector shows within these minutes). So each process keeps the schools
// it has seen for a few minutes instead of reading one per activity: a submit then costs one store read
// less (issue 14). A school not found is not kept: the install that creates it is seen at once.

const keepMs = 5 * 60_000;

export class KnownSchools {
  private readonly schools: SchoolRepository;
  private readonly clock: Clock;
  private readonly seen = new Map<string, { school: School; until: number }>();
  constructor(schools: SchoolRepository, clock: Clock) {
    this.schools = schools;
    this.clock = clock;
  }

  async get(tenantId: string): Promise<School | undefined> {
    const now = this.clock.now().getTime();
    const kept = this.seen.get(tenantId);
    if (kept && kept.until > now) return kept.school;
    const school = await this.schools.get(tenantId);
    if (school) this.seen.set(tenantId, { school, until: now + keepMs });
    else this.seen.delete(tenantId);
    return school;
  }
}
