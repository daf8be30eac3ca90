import { t } from '../../core/i18n.ts';
import { DeliveryError } from '../../core/ports.ts';
import type { Locale } from '../../core/types.ts';
import type { EducationTeam, Milestone, PostedCard, QualityCycle } from './quality-cycle.ts';
import { schoolCycleId } from './quality-cycle.ts';
import { shown } from './reminder-schedule.ts';
import {
  type MilestoneState,
  ownersOf,
  type QualityCycleDeps,
  remindDays,
  type SchoolClock,
  schoolClock,
  stateOf,
} from './year-cycle.ts';

// A milestone's cards: what each one shows, and bringing the ones already posted (the channel's, the
// owners', the escalations) up to date in place when the milestone is done, overdue or edited.

/** Everything a milestone card shows. */
export interface MilestoneView {
  cycle: QualityCycle;
  milestone: Milestone;
  team: EducationTeam | undefined;
  state: MilestoneState;
  timeZone: string;
  ownerNames: string[];
  doneByName?: string;
  purpose: PostedCard['kind'];
}

/** Redraws a card posted earlier. Throws DeliveryError when it cannot (gone: permanent; for now: transient). */
export interface MilestoneCardUpdater {
  update(card: PostedCard, view: MilestoneView): Promise<void>;
}

export interface MilestoneCardsDeps extends QualityCycleDeps {
  updater: MilestoneCardUpdater;
  log: { warn(obj: object, msg: string): void };
}

/** The line a notification shows for a milestone card. */
export function milestoneSummary(view: Pick<MilestoneView, 'milestone'>, locale: Locale): string {
  return `${t(locale, `pdca.phases.${view.milestone.phase}`)}: ${view.milestone.title}`.slice(0, 200);
}

export function reasonOf(err: unknown): string {
  return err instanceof DeliveryError ? err.reason : String(err).slice(0, 200);
}

export class MilestoneCards {
  private readonly deps: MilestoneCardsDeps;
  constructor(deps: MilestoneCardsDeps) {
    this.deps = deps;
  }

  async view(
    cycle: QualityCycle,
    milestone: Milestone,
    team: EducationTeam | undefined,
    purpose: PostedCard['kind'],
    clock: SchoolClock,
    schoolCycle?: QualityCycle,
  ): Promise<MilestoneView> {
    const owners = await ownersOf(this.deps, cycle.schoolId, milestone.owner, team);
    const doneBy = milestone.done ? await this.deps.repos.people.get(cycle.schoolId, milestone.done.byPersonId) : undefined;
    const days =
      cycle.level === 'school'
        ? remindDays(cycle)
        : remindDays(schoolCycle ?? (await this.deps.cycles.cycles.get(cycle.schoolId, schoolCycleId(cycle.schoolYear))));
    return {
      cycle,
      milestone,
      team,
      state: stateOf(milestone, clock.today, days),
      timeZone: clock.timeZone,
      ownerNames: owners.map((p) => p.name),
      ...(doneBy ? { doneByName: doneBy.name } : {}),
      purpose,
    };
  }

  /**
   * Brings every card of a milestone up to date (done, overdue, edited). Cards that no longer exist are
   * forgotten; a card that fails for now stays marked stale and the next run tries again. Returns how many
   * were updated.
   */
  async sync(schoolId: string, cycleId: string, milestoneId: string): Promise<number> {
    const cycle = await this.deps.cycles.cycles.get(schoolId, cycleId);
    const m = cycle?.milestones.find((x) => x.id === milestoneId);
    if (!cycle || !m?.cards?.length) return 0;
    const clock = await schoolClock(this.deps, schoolId);
    const team = cycle.teamId ? await this.deps.cycles.teams.get(schoolId, cycle.teamId) : undefined;
    const gone = new Set<string>();
    let updated = 0;
    let stale = false;
    for (const card of m.cards) {
      try {
        await this.deps.updater.update(card, await this.view(cycle, m, team, card.kind, clock));
        updated++;
      } catch (err) {
        if (err instanceof DeliveryError && !err.transient) gone.add(card.activityId);
        else stale = true;
        this.deps.log.warn({ milestoneId, kind: card.kind, reason: reasonOf(err) }, 'milestone card not updated');
      }
    }
    const seen = new Set(m.cards.map((c) => c.activityId));
    await this.deps.cycles.cycles.update(schoolId, cycleId, (c) => ({
      ...c,
      milestones: c.milestones.map((x) => {
        if (x.id !== milestoneId) return x;
        const cards = (x.cards ?? []).filter((card) => !gone.has(card.activityId));
        // Cards added or a state changed meanwhile stay stale for the next run.
        const changedMeanwhile = cards.some((card) => !seen.has(card.activityId)) || shown(x) !== shown(m);
        return { ...x, cards, cardsStale: stale || changedMeanwhile };
      }),
    }));
    return updated;
  }
}
