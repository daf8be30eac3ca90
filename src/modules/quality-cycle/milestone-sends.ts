import type { ConversationRef, Person } from '../../core/entities.ts';
import type { Locale } from '../../core/types.ts';
import { type ConversationTarget, type DeliveryKind, isConversation } from '../../delivery/delivery-kind.ts';
import { milestoneCard } from './cards.ts';
import type { MilestoneCards, MilestoneView } from './milestone-cards.ts';
import { milestoneSummary } from './milestone-cards.ts';
import { type EducationTeam, type Milestone, maxPostedCards, type PostedCard, type QualityCycle } from './quality-cycle.ts';
import { type ReminderStep, reached, stepDue } from './reminder-schedule.ts';
import type { QualityCycleDeps, SchoolClock } from './year-cycle.ts';

// One card of a milestone's reminder or escalation, as the delivery engine sees it (docs/delivery.md): the
// team's channel, an owner or a leader. The engine checks the school's send policy, takes the milestone
// with a lease (a compare-and-swap on its cycle), sends through Reach and reports the outcome; this file
// says what is still due, what the card shows and what is recorded on the milestone.

/** A channel post: the conversation to post in, and the team's record of it (forgotten when the bot was removed). */
export type ChannelTarget = ConversationTarget & { ref: ConversationRef };

export function channelTarget(ref: ConversationRef): ChannelTarget {
  return {
    conversation: { tenantId: ref.tenantId, serviceUrl: ref.serviceUrl, conversationId: ref.conversationId, botId: ref.botId },
    ref,
  };
}

export interface MilestoneSend {
  /** Unique within a run: which milestone, which step, whom. */
  key: string;
  step: ReminderStep;
  purpose: PostedCard['kind'];
  cycle: QualityCycle;
  milestoneId: string;
  team: EducationTeam | undefined;
  clock: SchoolClock;
  /** The school's days before the due date. */
  days: number;
  to: Person | ChannelTarget;
  /** Set on the claimed copy: this run's lease on the milestone. */
  claimedUntil?: string;
}

export type SendOutcome = 'sent' | 'retry' | 'failed' | 'skipped';

export interface MilestoneSendDeps extends QualityCycleDeps {
  cards: MilestoneCards;
}

function personOf(send: MilestoneSend): Person | undefined {
  return isConversation(send.to) ? undefined : send.to;
}

/**
 * Changes one milestone of a cycle (a compare-and-swap on the cycle; nothing is written when `change`
 * returns undefined). Returns the milestone as written, or undefined.
 */
export async function changeMilestone(
  deps: Pick<QualityCycleDeps, 'cycles'>,
  ref: { schoolId: string; cycleId: string; milestoneId: string },
  change: (m: Milestone) => Milestone | undefined,
): Promise<Milestone | undefined> {
  let changed: Milestone | undefined;
  await deps.cycles.cycles.update(ref.schoolId, ref.cycleId, (c) => {
    changed = undefined;
    const m = c.milestones.find((x) => x.id === ref.milestoneId);
    const next = m && change(m);
    if (!next) return undefined;
    changed = next;
    return { ...c, milestones: c.milestones.map((x) => (x.id === ref.milestoneId ? next : x)) };
  });
  return changed;
}

function updateMilestone(deps: MilestoneSendDeps, send: MilestoneSend, change: (m: Milestone) => Milestone | undefined) {
  return changeMilestone(deps, { schoolId: send.cycle.schoolId, cycleId: send.cycle.id, milestoneId: send.milestoneId }, change);
}

/** Gives this run's lease back (only its own: another run may hold the milestone by now). */
function released(m: Milestone, claimed: MilestoneSend): Milestone {
  if (m.claimedUntil !== claimed.claimedUntil) return m;
  const { claimedUntil: _released, ...rest } = m;
  return rest;
}

/** The milestone cards as one kind of scheduled message; `settled` hears what became of each send. */
export function milestoneSends(
  deps: MilestoneSendDeps,
  settled: (send: MilestoneSend, outcome: SendOutcome) => void,
): DeliveryKind<MilestoneSend, { view: MilestoneView; locale: Locale }, Person | ChannelTarget> {
  const stillDue = (send: MilestoneSend, m: Milestone) =>
    stepDue(send.step, m, send.clock.today, send.days) && !reached(m, send.step, personOf(send)?.id);

  return {
    message: 'quality-cycle-reminder',
    schoolOf: (send) => send.cycle.schoolId,
    prepare: async (send) => {
      const cycle = await deps.cycles.cycles.get(send.cycle.schoolId, send.cycle.id);
      const m = cycle?.milestones.find((x) => x.id === send.milestoneId);
      if (!cycle || !m) return { kind: 'skip', reason: 'milestone removed' };
      if (!stillDue(send, m)) return { kind: 'skip', reason: 'no longer due' };
      const view = await deps.cards.view(cycle, m, send.team, send.purpose, send.clock);
      const person = personOf(send);
      return { kind: 'send', to: send.to, context: { view, locale: person ? person.locale : send.clock.locale } };
    },
    claim: async (send, now, until) => {
      const lease = until.toISOString();
      const claimed = await updateMilestone(deps, send, (m) =>
        !stillDue(send, m) || (m.claimedUntil && m.claimedUntil > now.toISOString()) ? undefined : { ...m, claimedUntil: lease },
      );
      return claimed ? { ...send, claimedUntil: lease } : undefined;
    },
    compose: (_claimed, to, { view, locale }) => ({
      to,
      card: milestoneCard(view, locale),
      summary: milestoneSummary(view, locale),
    }),
    sent: async (claimed, delivered) => {
      const person = personOf(claimed);
      const serviceUrl = person ? await personalServiceUrl(deps, person) : (claimed.to as ChannelTarget).ref.serviceUrl;
      const card: PostedCard = {
        kind: claimed.purpose,
        conversationId: delivered.conversationId,
        activityId: delivered.activityId,
        serviceUrl,
        locale: person ? person.locale : claimed.clock.locale,
        ...(person ? { personId: person.id } : {}),
        sentOn: claimed.clock.today,
      };
      await updateMilestone(deps, claimed, (m) => ({
        ...released(m, claimed),
        cards: [...(m.cards ?? []), card].slice(0, maxPostedCards),
      }));
      settled(claimed, 'sent');
    },
    retryLater: async (claimed) => {
      await updateMilestone(deps, claimed, (m) => (m.claimedUntil === claimed.claimedUntil ? released(m, claimed) : undefined));
      settled(claimed, 'retry');
    },
    gaveUp: async (send) => {
      // Unclaimed: the milestone was removed, done or reached meanwhile; nothing to record.
      if (!send.claimedUntil) return settled(send, 'skipped');
      await updateMilestone(deps, send, (m) => (m.claimedUntil === send.claimedUntil ? released(m, send) : undefined));
      // The bot was removed from the team, or the channel is gone: no more posts until it is added again.
      if (!personOf(send)) await channelGone(deps, (send.to as ChannelTarget).ref);
      settled(send, 'failed');
    },
    // Staff messages follow no pause (src/core/send-policy/quiet-hours.ts): the engine never asks.
    postpone: async (send) => settled(send, 'retry'),
  };
}

/** Where the person's chat lives, for updating the card in place later. */
async function personalServiceUrl(deps: QualityCycleDeps, person: Person): Promise<string> {
  const ref = await deps.repos.conversations.personal(person.schoolId, person.id);
  if (ref) return ref.serviceUrl;
  return (await deps.repos.schools.get(person.schoolId))?.serviceUrl ?? '';
}

async function channelGone(deps: QualityCycleDeps, ref: ConversationRef): Promise<void> {
  const now = deps.clock.now().toISOString();
  await deps.repos.conversations.update(ref.schoolId, ref.id, (r) =>
    r.installed ? { ...r, installed: false, uninstalledAt: now, updatedAt: now } : undefined,
  );
}
