import type { Person, School } from '../../core/entities.ts';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import type { Sector } from '../../core/types.ts';

// The flow a campaign gets when the coordinator did not pick one. The Teams form and `campaign create`
// both ask here, so a vo school gets the vo flow whichever way the campaign was made.

/** The sector a campaign is made for: the coordinator's own (combined schools), else the school's. */
export function campaignSector(school: Pick<School, 'sector'> | undefined, person?: Pick<Person, 'sector'>): Sector {
  return person?.sector ?? school?.sector ?? 'vo';
}

/**
 * The sector's flow for the first of `kinds` it has; else one made for the first kind that has any; else the
 * library's default. A kind only one sector has (mbo's weekly BPV check-in) is thus skipped for the others.
 */
export function defaultFlowFor(flows: FlowCatalog, kinds: readonly string[], sector: Sector): Flow {
  for (const kind of kinds) {
    const own = flows.all().find((f) => f.activityType === kind && f.sectors.includes(sector));
    if (own) return own;
  }
  for (const kind of kinds) {
    const matching = flows.all().filter((f) => f.activityType === kind);
    const found = matching.find((f) => f.sectors.includes(sector)) ?? matching[0];
    if (found) return found;
  }
  return flows.defaultFlow();
}
