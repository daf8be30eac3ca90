import { shippedHolidays } from './calendar/load-holidays.ts';
import type { Clock } from './clock.ts';
import { type SendPolicy, sendPolicy } from './domain/calendar.ts';
import { CampaignPlanner } from './domain/campaign-planner.ts';
import type { CampaignRepositories, LeasePort } from './domain/campaign-ports.ts';
import { CampaignService } from './domain/campaign-service.ts';
import type { FlowCatalog } from './domain/flows.ts';
import type { Repositories } from './domain/ports.ts';
import type { Logger } from './log.ts';
import { openCampaignRepositories } from './store/campaign-repositories.ts';
import type { DocumentStore } from './store/document-store.ts';

// The campaign engine's core, put together once for the bot (src/teams/campaign-engine.ts adds the
// sender and the status cards) and once for the command line: repositories, the school calendar,
// the planner and the service coordinators use.

export interface CampaignCore {
  camp: CampaignRepositories;
  planner: CampaignPlanner;
  service: CampaignService;
  policyFor(schoolId: string): Promise<SendPolicy>;
}

export async function buildCampaignCore(input: {
  store: DocumentStore;
  repos: Repositories;
  flows: FlowCatalog;
  clock: Clock;
  leases: LeasePort;
  owner: string;
  defaultTimeZone: string;
  log: Logger;
}): Promise<CampaignCore> {
  const camp = await openCampaignRepositories(input.store);
  const holidays = shippedHolidays();
  const policyFor = async (schoolId: string) => {
    const [school, calendar] = await Promise.all([input.repos.schools.get(schoolId), camp.calendars.get(schoolId)]);
    return sendPolicy(calendar, school?.timeZone ?? input.defaultTimeZone, holidays);
  };
  const planner = new CampaignPlanner({
    repos: input.repos,
    camp,
    clock: input.clock,
    leases: input.leases,
    owner: input.owner,
    policyFor,
    log: input.log.child({ component: 'campaign-planner' }),
  });
  const service = new CampaignService({
    repos: input.repos,
    camp,
    flows: input.flows,
    clock: input.clock,
    planner,
    policyFor,
    hasPreparation: (flow) => flow.preparation !== undefined,
  });
  return { camp, planner, service, policyFor };
}
