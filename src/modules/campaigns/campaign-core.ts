import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import type { DocumentStore } from '../../platform/store/document-store.ts';
import { CampaignPlanner } from './planner.ts';
import type { CampaignRepositories, LeasePort } from './ports.ts';
import { openCampaignRepositories } from './repositories.ts';
import { CampaignService } from './service.ts';

// The campaign engine's core, put together once for the bot (src/modules/campaigns/engine.ts adds the
// sender and the status cards) and once for the command line: repositories, the planner and the
// service coordinators use. When prompts may go out is the schools' send policy (core/send-policy/quiet-hours.ts).

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
