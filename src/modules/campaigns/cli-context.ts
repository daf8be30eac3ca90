import { randomUUID } from 'node:crypto';
import type { CliContext } from '../../cli/context.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from '../../core/flows/load-flows.ts';
import { openSendPolicies } from '../../core/send-policy/send-policies.ts';
import { Leases } from '../../platform/scheduler/leases.ts';
import { buildCampaignCore, type CampaignCore } from './campaign-core.ts';

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
