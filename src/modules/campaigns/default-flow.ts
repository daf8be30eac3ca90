import type { Person, School } from '../../core/entities.ts';
import { type Flow, type FlowCatalog, flowFitsLevel } from '../../core/flows/flows.ts';
import { plainest } from '../../core/levels.ts';
import { type Level, levelSector, type Sector } from '../../core/types.ts';
import type { GroupRepository } from './ports.ts';

// The flow a campaign gets when the coordinator did not pick one. The Teams form and `campaign create`
// both ask here, so a vo school gets the vo flow whichever way the campaign was made, and a havo class
// the havo/vwo flow where the library has one per level (a vmbo class the vmbo one).

/** The sector a campaign is made for: the coordinator's own (combined schools), else the school's. */
export function campaignSector(school: Pick<School, 'sector'> | undefined, person?: Pick<Person, 'sector'>): Sector {
  return person?.sector ?? school?.sector ?? 'vo';
}

/**
 * The level a campaign's students read at, as far as the default flow goes: the level set on its classes
 * (the plainest when they differ, as for a student in several classes), else the school's; only within
 * the sector. Undefined when none is set: the sector's flows are then offered in their plainest wording.
 */
export async function campaignLevel(
  groups: Pick<GroupRepository, 'get'>,
  school: Pick<School, 'id' | 'level'> | undefined,
  groupIds: readonly string[],
  sector: Sector,
): Promise<Level | undefined> {
  if (!school) return undefined;
  const found = await Promise.all(groupIds.map((id) => groups.get(school.id, id)));
  const fits = (l: Level | undefined): l is Level => l !== undefined && levelSector[l] === sector;
  return plainest(found.map((g) => g?.level).filter(fits)) ?? (fits(school.level) ? school.level : undefined);
}

/**
 * The sector's flow for the first of `kinds` it has, for the level when one is known (a flow made for
 * that level first, never one made for other levels only); else one made for the first kind that has any
 * (of another sector, still never of another level); else the library's default. A kind only one sector has (mbo's weekly BPV check-in) is thus skipped for
 * the others.
 */
export function defaultFlowFor(flows: FlowCatalog, kinds: readonly string[], sector: Sector, level?: Level): Flow {
  for (const kind of kinds) {
    const own = flows.forActivity(kind, sector, level);
    if (own) return own;
  }
  for (const kind of kinds) {
    const matching = flows.all().filter((f) => f.activityType === kind && (!level || flowFitsLevel(f, level)));
    const found = matching.find((f) => f.sectors.includes(sector)) ?? matching[0];
    if (found) return found;
  }
  return flows.defaultFlow();
}
