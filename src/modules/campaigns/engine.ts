import type { AdaptiveCard } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import type { Locale } from '../../core/types.ts';
import { openOnce } from '../../platform/open-once.ts';
import type { BotDeps } from '../../teams/turn.ts';
import { buildCampaignCore, type CampaignCore } from './campaign-core.ts';
import type { Campaign } from './campaigns.ts';
import { campaignStatusCard } from './cards.ts';
import { answeredListener } from './delivery-ledger.ts';
import { CampaignSender } from './sender.ts';

// The campaign engine as the bot runs it: the core (planner, service, repositories), the sender that
// works the outbox, and the status cards that update in place while a campaign sends.

export interface CampaignEngine extends CampaignCore {
  sender: CampaignSender;
  board: StatusBoard;
  onAnswered(reflection: Reflection): Promise<Reflection | undefined>;
}

/** Keeps coordinators' status cards current: at most one update per campaign per interval. */
export class StatusBoard {
  private readonly pending = new Map<string, { schoolId: string; timer: NodeJS.Timeout }>();
  private readonly last = new Map<string, number>();
  private readonly deps: BotDeps;
  private readonly core: CampaignCore;
  private readonly minIntervalMs: number;
  constructor(deps: BotDeps, core: CampaignCore, minIntervalMs = 2000) {
    this.deps = deps;
    this.core = core;
    this.minIntervalMs = minIntervalMs;
  }

  /** The status card of a campaign, in a coordinator's language. */
  async card(campaign: Campaign, locale: Locale): Promise<AdaptiveCard> {
    const { camp, service, policyFor } = this.core;
    const [status, policy, groups, activity] = await Promise.all([
      service.status(campaign),
      policyFor(campaign.schoolId),
      Promise.all(campaign.groupIds.map((id) => camp.groups.get(campaign.schoolId, id))),
      campaign.activityIds?.length === 1 ? camp.activities.get(campaign.schoolId, campaign.activityIds[0]!) : undefined,
    ]);
    return campaignStatusCard({
      locale,
      status,
      flowTitle: this.deps.flows.get(campaign.flowId)?.title[locale] ?? campaign.flowId,
      groupNames: groups.map((g, i) => g?.name ?? campaign.groupIds[i]!),
      ...(activity ? { activity } : {}),
      timeZone: policy.timeZone,
      now: this.deps.clock.now(),
    });
  }

  /** A campaign's numbers changed: update its cards soon (debounced). */
  touch(schoolId: string, campaignId: string): void {
    if (this.pending.has(campaignId)) return;
    const wait = Math.max(0, (this.last.get(campaignId) ?? 0) + this.minIntervalMs - Date.now());
    const timer = setTimeout(() => void this.update(schoolId, campaignId), wait);
    timer.unref();
    this.pending.set(campaignId, { schoolId, timer });
  }

  /** Updates every card with pending changes now. */
  async flush(): Promise<void> {
    const all = [...this.pending.entries()];
    await Promise.all(
      all.map(([campaignId, { schoolId, timer }]) => {
        clearTimeout(timer);
        return this.update(schoolId, campaignId);
      }),
    );
  }

  private async update(schoolId: string, campaignId: string): Promise<void> {
    this.pending.delete(campaignId);
    this.last.set(campaignId, Date.now());
    const { log, reach } = this.deps;
    try {
      const campaign = await this.core.camp.campaigns.get(schoolId, campaignId);
      if (!campaign?.statusCards.length) return;
      const cards = new Map<Locale, AdaptiveCard>();
      for (const ref of campaign.statusCards) {
        let card = cards.get(ref.locale);
        if (!card) {
          card = await this.card(campaign, ref.locale);
          cards.set(ref.locale, card);
        }
        await reach
          .updateCard(schoolId, ref, card)
          .catch((err) => log.warn({ campaignId, reason: String((err as Error).message) }, 'status card not updated'));
      }
    } catch (err) {
      log.warn({ campaignId, err: String(err) }, 'status card update failed');
    }
  }
}

/** The bot's campaign engine, built once per bot (a failed build is tried again on the next call). */
export const campaignEngine: (deps: BotDeps) => Promise<CampaignEngine> = openOnce(async (deps: BotDeps) => {
  const { config, clock, log } = deps;
  const core = await buildCampaignCore({
    store: deps.store,
    repos: deps.repos,
    flows: deps.flows,
    clock,
    leases: deps.leases,
    owner: deps.jobs.owner,
    sendPolicy: deps.sendPolicy,
    log,
  });
  const board = new StatusBoard(deps, core);
  const claimMs = config.CAMPAIGN_CLAIM_SECONDS * 1000;
  const sender = new CampaignSender(
    {
      repos: deps.repos,
      camp: core.camp,
      flows: deps.flows,
      reflections: deps.reflections,
      reach: deps.reach,
      clock,
      log: log.child({ component: 'campaign-sender' }),
      owner: deps.jobs.owner,
      leases: deps.leases,
      policyFor: core.policyFor,
      onChange: (schoolId, campaignId) => board.touch(schoolId, campaignId),
    },
    {
      claimMs,
      leaseMs: config.CAMPAIGN_LEASE_SECONDS * 1000,
      batchSize: Math.max(50, config.CAMPAIGN_SEND_CONCURRENCY * 4),
      concurrency: config.CAMPAIGN_SEND_CONCURRENCY,
      maxRunMs: config.CAMPAIGN_RUN_SECONDS * 1000,
      retry: { attempts: 6, baseMs: 500, maxDelayMs: 8000, budgetMs: Math.min(30_000, claimMs / 2) },
    },
  );
  const ledger = answeredListener({
    repos: deps.repos,
    camp: core.camp,
    clock,
    onChange: (schoolId, campaignId) => board.touch(schoolId, campaignId),
  });
  return { ...core, sender, board, onAnswered: ledger };
});
