import type { Person, School } from '../../core/entities.ts';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import type { Sector } from '../../core/types.ts';

// The flow a campaign gets when the coordinator did not pick one. The Teams form and `campaign create`
// both ask here, so a vo school gets the vo flow whichever way the campaign was made.

/** The sector a campaign is made for: the coordinator's own (combined schools), else the school's. */
export function campaignSector(school: Pick<School, 'sector'> | undefined, person?: Pick<Person, 'sector'>): Sector {
  return person?.sector ?? school?.sector ?? 'vo';
}

/** One made for the first of `kinds` that has one (preferring the sector's), else the library's default. */
export function defaultFlowFor(flows: FlowCatalog, kinds: readonly string[], sector: Sector): Flow {
  for (const kind of kinds) {
    const matching = flows.all().filter((f) => f.activityType === kind);
    const found = matching.find((f) => f.sectors.includes(sector)) ?? matching[0];
    if (found) return found;
  }
  return flows.defaultFlow();
}
