import type { Person } from '../core/entities.ts';
import { DeliveryError } from '../core/ports.ts';
import {
  isAllowed,
  type MessageKind,
  nextAllowed,
  quietReason,
  type SendPolicies,
  type SendPolicy,
} from '../core/send-policy/quiet-hours.ts';
import type { Logger } from '../platform/log.ts';
import { telemetry } from '../platform/telemetry.ts';

// The one way a scheduled message goes out (docs/delivery.md). A feature says what is due and what to
// send; the engine decides how: the school's quiet hours and holidays, a claim with a lease so two
// instances never send the same item at once (and a dead instance's claim is taken over when its lease
// ends), the send itself (through Reach: the tenant's and the conversation's windows, Retry-After and
// retries), and what a failure means (passing: due again; permanent: given up with the reason).

/** How a message reaches a person; Reach in the bot, anything with the same contract in a test. */
export interface PersonalSender {
  sendCard(person: Person, card: unknown, summary?: string): Promise<{ conversationId: string; activityId: string }>;
}

export interface Message {
  to: Person;
  card: unknown;
  summary?: string;
}

/** What the feature's own rules say about a due item before it is claimed. */
export type Prepared<Context> =
  | { kind: 'send'; to: Person; context: Context }
  /** Not now (the feature's own reason, such as "asked yesterday"); stays due. */
  | { kind: 'wait' }
  /** Never: the recipient or what it was about is gone. */
  | { kind: 'skip'; reason: string };

/** One kind of scheduled message, as a feature describes it. Every method that writes is a compare-and-swap on the item. */
export interface DeliveryKind<Item, Context> {
  /**
   * The send-policy rule that applies (src/core/send-policy/quiet-hours.ts), or 'at-once' for a message
   * that goes when it arises whatever the calendar (a student who asked their mentor to talk, a digest
   * an operator asked for now).
   */
  message: MessageKind | 'at-once';
  schoolOf(item: Item): string;
  prepare(item: Item, now: Date): Promise<Prepared<Context>>;
  /** Takes the item until `until`, or undefined when another run holds it or it is no longer due. */
  claim(item: Item, now: Date, until: Date): Promise<Item | undefined>;
  compose(claimed: Item, to: Person, context: Context): Message | Promise<Message>;
  sent(claimed: Item, delivered: { conversationId: string; activityId: string }, context: Context): Promise<void>;
  /** A passing failure: free the claim, the item stays due. */
  retryLater(claimed: Item, error: DeliveryError): Promise<void>;
  /** Not sent and never retried. Also for items whose recipient or subject is gone (not claimed then). */
  gaveUp(item: Item, reason: string): Promise<void>;
  /** The recipient paused messages of this kind: due again when the pause ends. */
  postpone(item: Item, until: string): Promise<void>;
  /**
   * The school's calendar holds the item now; `next` is the first moment it allows (undefined when
   * nothing in the coming weeks does). For a feature that keeps its own due time, so it is not listed
   * again before then. Not claimed.
   */
  wait?(item: Item, next: Date | undefined): Promise<void>;
}

/** What became of one item: counted in the tally, or held by another run (which counts it). */
export type Outcome = keyof Tally | 'held';

export interface Tally {
  sent: number;
  waiting: number;
  skipped: number;
}

export interface DeliveryEngineDeps {
  sender: PersonalSender;
  sendPolicy: SendPolicies;
  log: Logger;
  /** How long a claim holds: longer than one send with its retries may take. */
  leaseMs?: number;
}

export const defaultLeaseMs = 120_000;

/**
 * When a message that failed in passing is tried again, for a feature that keeps its own due time:
 * a minute after the first attempt, doubling, at most an hour. Within one attempt Reach already honoured
 * Retry-After and retried; this spaces the runs that follow.
 */
export function retryAt(attempts: number, now: Date): Date {
  return new Date(now.getTime() + Math.min(3_600_000, 60_000 * 2 ** Math.max(0, attempts - 1)));
}

export class DeliveryEngine {
  private readonly deps: DeliveryEngineDeps;
  constructor(deps: DeliveryEngineDeps) {
    this.deps = deps;
  }

  /** Sends what is due now, one item after another; the throttle paces them, so a run is never a burst past the limit. */
  /**
   * With `onError`, a failure of one item (a store read in the feature's own code) is handed to it and
   * the run goes on with the next item; without, it ends the run.
   */
  async deliver<Item, Context>(
    kind: DeliveryKind<Item, Context>,
    due: Iterable<Item>,
    now: Date,
    onError?: (item: Item, err: unknown) => void,
  ): Promise<Tally> {
    const tally: Tally = { sent: 0, waiting: 0, skipped: 0 };
    const policies = new Map<string, Promise<SendPolicy>>();
    const policyOf = (schoolId: string) => {
      let policy = policies.get(schoolId);
      if (!policy) {
        policy = this.deps.sendPolicy(schoolId);
        policies.set(schoolId, policy);
      }
      return policy;
    };
    for (const item of due) {
      try {
        const outcome = await this.one(kind, item, now, await policyOf(kind.schoolOf(item)));
        if (outcome !== 'held') tally[outcome]++;
      } catch (err) {
        if (!onError) throw err;
        onError(item, err);
      }
    }
    telemetry.deliveryRun(kind.message, tally);
    return tally;
  }

  /** One item, for a feature that reports per item (the router's at-once card, a mentor's digest). */
  async deliverOne<Item, Context>(kind: DeliveryKind<Item, Context>, item: Item, now: Date): Promise<Outcome> {
    return this.one(kind, item, now, await this.deps.sendPolicy(kind.schoolOf(item)));
  }

  /**
   * Whether the school's calendar lets a kind of message out now: lets a feature skip listing a whole
   * school's due items when nothing of them could go (the same rule every item is checked against).
   */
  async allows(schoolId: string, message: DeliveryKind<unknown, unknown>['message'], now: Date): Promise<boolean> {
    return message === 'at-once' || isAllowed(now, await this.deps.sendPolicy(schoolId), message);
  }

  private async one<Item, Context>(
    kind: DeliveryKind<Item, Context>,
    item: Item,
    now: Date,
    policy: SendPolicy,
  ): Promise<Outcome> {
    // The school's calendar first: it needs no read of the recipient.
    if (kind.message !== 'at-once' && !isAllowed(now, policy, kind.message)) {
      await kind.wait?.(item, nextAllowed(now, policy, kind.message));
      return 'waiting';
    }
    const prepared = await kind.prepare(item, now);
    if (prepared.kind === 'skip') {
      await kind.gaveUp(item, prepared.reason);
      return 'skipped';
    }
    if (prepared.kind === 'wait') return 'waiting';
    const { to, context } = prepared;
    if (kind.message !== 'at-once' && quietReason(now, policy, kind.message, to.pause) === 'paused') {
      await kind.postpone(item, to.pause!.until);
      return 'waiting';
    }
    const claimed = await kind.claim(item, now, new Date(now.getTime() + (this.deps.leaseMs ?? defaultLeaseMs)));
    // Another run holds it, or it was sent meanwhile: that run counts it.
    if (!claimed) return 'held';
    try {
      const message = await kind.compose(claimed, to, context);
      await kind.sent(claimed, await this.deps.sender.sendCard(message.to, message.card, message.summary), context);
      return 'sent';
    } catch (err) {
      const failure = err instanceof DeliveryError ? err : new DeliveryError('error', true, (err as Error)?.message);
      this.deps.log.warn({ personId: to.id, message: kind.message, reason: failure.reason }, 'scheduled message not sent');
      if (failure.transient) {
        await kind.retryLater(claimed, failure);
        return 'waiting';
      }
      await kind.gaveUp(claimed, failure.reason);
      return 'skipped';
    }
  }
}
