import { randomUUID } from 'node:crypto';
import { openSendPolicies } from '../calendar/send-policies.ts';
import { buildCampaignCore, type CampaignCore } from '../campaign-setup.ts';
import type { FlowCatalog } from '../domain/flows.ts';
import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from '../flows/load-flows.ts';
import { Leases } from '../scheduler/leases.ts';
import type { CliContext } from './context.ts';

/** The campaign engine's core on the CLI's store, with the shipped prompt library. */
export async function cliCampaignCore(ctx: CliContext): Promise<CampaignCore & { flows: FlowCatalog }> {
  const flows = createFlowCatalog(loadFlowFiles(shippedPromptsDir));
  const core = await buildCampaignCore({
    store: ctx.store,
    repos: ctx.repos,
    flows,
    clock: ctx.install.clock,
    leases: await Leases.open(ctx.store),
    owner: `cli-${randomUUID()}`,
    sendPolicy: await openSendPolicies(ctx.store, ctx.repos, ctx.config.DEFAULT_TIME_ZONE),
    log: ctx.log,
  });
  return { ...core, flows };
}
