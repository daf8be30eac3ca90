import type { Clock } from './clock.ts';
import { CampaignPlanner } from './domain/campaign-planner.ts';
import type { CampaignRepositories, LeasePort } from './domain/campaign-ports.ts';
import { CampaignService } from './domain/campaign-service.ts';
import type { FlowCatalog } from './domain/flows.ts';
import type { Repositories } from './domain/ports.ts';
import type { SendPolicies } from './domain/quiet-hours.ts';
import type { Logger } from './log.ts';
import { openCampaignRepositories } from './store/campaign-repositories.ts';
import type { DocumentStore } from './store/document-store.ts';

// The campaign engine's core, put together once for the bot (src/teams/campaign-engine.ts adds the
// sender and the status cards) and once for the command line: repositories, the planner and the
// service coordinators use. When prompts may go out is the schools' send policy (domain/quiet-hours.ts).

export interface CampaignCore {
  camp: CampaignRepositories;
  planner: CampaignPlanner;
  service: CampaignService;
  policyFor: SendPolicies;
}

export async function buildCampaignCore(input: {
  store: DocumentStore;
  repos: Repositories;
  flows: FlowCatalog;
  clock: Clock;
  leases: LeasePort;
  owner: string;
  sendPolicy: SendPolicies;
  log: Logger;
}): Promise<CampaignCore> {
  const camp = await openCampaignRepositories(input.store);
  const policyFor = input.sendPolicy;
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
