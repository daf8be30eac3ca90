import type { AdaptiveCard } from '../../core/cards/cards.ts';
import { withSector } from '../../core/i18n.ts';
import type { Platform } from '../../core/platform.ts';
import type { Locale } from '../../core/types.ts';
import type { Reach } from '../../teams/reach.ts';
import type { Campaign } from './campaigns.ts';
import { campaignStatusCard } from './cards.ts';
import type { CampaignRepositories } from './ports.ts';
import type { CampaignService } from './service.ts';

// The coordinators' campaign status cards, updated in place while a campaign sends: debounced, because a
// sending run changes the numbers many times a second.

export interface StatusBoardDeps {
  platform: Pick<Platform, 'flows' | 'clock' | 'log' | 'sendPolicy' | 'repos'>;
  reach: Pick<Reach, 'updateCard'>;
  camp: CampaignRepositories;
  service: Pick<CampaignService, 'status'>;
}

/** Keeps coordinators' status cards current: at most one update per campaign per interval. */
export class StatusBoard {
  private readonly pending = new Map<string, { schoolId: string; timer: NodeJS.Timeout }>();
  private readonly last = new Map<string, number>();
  private readonly deps: StatusBoardDeps;
  private readonly minIntervalMs: number;
  constructor(deps: StatusBoardDeps, minIntervalMs = 2000) {
    this.deps = deps;
    this.minIntervalMs = minIntervalMs;
  }

  /** The status card of a campaign, in a coordinator's language. */
  async card(campaign: Campaign, locale: Locale): Promise<AdaptiveCard> {
    const { camp, service, platform } = this.deps;
    const [status, policy, groups, activity] = await Promise.all([
      service.status(campaign),
      platform.sendPolicy(campaign.schoolId),
      Promise.all(campaign.groupIds.map((id) => camp.groups.get(campaign.schoolId, id))),
      campaign.activityIds?.length === 1 ? camp.activities.get(campaign.schoolId, campaign.activityIds[0]!) : undefined,
    ]);
    return campaignStatusCard({
      locale,
      status,
      flowTitle: platform.flows.get(campaign.flowId)?.title[locale] ?? campaign.flowId,
      groupNames: groups.map((g, i) => g?.name ?? campaign.groupIds[i]!),
      ...(activity ? { activity } : {}),
      timeZone: policy.timeZone,
      now: platform.clock.now(),
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
    const { platform, reach, camp } = this.deps;
    const { log } = platform;
    try {
      const campaign = await camp.campaigns.get(schoolId, campaignId);
      if (!campaign?.statusCards.length) return;
      const cards = new Map<Locale, AdaptiveCard>();
      // Updated outside a turn: worded for the school's sector, as the coordinator saw it first.
      const sector = (await platform.repos.schools.get(schoolId))?.sector;
      for (const ref of campaign.statusCards) {
        let card = cards.get(ref.locale);
        if (!card) {
          card = await withSector(sector, () => this.card(campaign, ref.locale));
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
