import type { Reach } from '../../teams/reach.ts';
import { milestoneCard } from './cards.ts';
import { type MilestoneCardUpdater, type MilestoneView, milestoneSummary } from './milestone-cards.ts';
import type { PostedCard } from './quality-cycle.ts';

/**
 * Milestone cards redrawn in place in Teams (done, overdue, edited). Through Reach, so updates count in the
 * tenant's send windows like every other proactive request; new cards go out through the delivery engine.
 */
export class TeamsCycleNotifier implements MilestoneCardUpdater {
  private readonly deps: { reach: Reach };
  constructor(deps: { reach: Reach }) {
    this.deps = deps;
  }

  async update(card: PostedCard, view: MilestoneView): Promise<void> {
    await this.deps.reach.updateCard(view.cycle.schoolId, card, milestoneCard(view, card.locale), {
      summary: milestoneSummary(view, card.locale),
      // An update that fails for now leaves the card stale; the next reminder run tries again.
      retry: { attempts: 2, budgetMs: 5_000 },
    });
  }
}
