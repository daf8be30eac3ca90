import type { Person } from '../core/entities.ts';
import { DeliveryError } from '../core/ports.ts';
import {
  isAllowed,
  type MessageKind,
  nextAllowed,
  type QuietReason,
  quietReason,
  type SendPolicies,
  type SendPolicy,
} from '../core/send-policy/quiet-hours.ts';
import type { Logger } from '../platform/log.ts';
import { runWorkers } from '../platform/pool.ts';
import type { RetryOptions } from '../teams/connector.ts';

// The one way a scheduled message goes out (docs/delivery.md). A feature says what is due and what to
// send; the engine decides how: the school's quiet hours and holidays, a claim with a lease so two
// instances never send the same item at once (and a dead instance's claim is taken over when its lease
// ends), the send itself (through Reach: the tenant's and the conversation's windows, Retry-After and
// retries), and what a failure means (passing: due again; permanent: given up with the reason).

/** How a message reaches a person; Reach in the bot, anything with the same contract in a test. */
export interface PersonalSender {
  sendCard(
    person: Person,
    card: unknown,
    summary?: string,
    options?: { retry?: RetryOptions },
  ): Promise<{ conversationId: string; activityId: string }>;
}

export interface Message {
  to: Person;
  card: unknown;
  summary?: string;
  /** The request retries for this kind, when they differ from Reach's default. */
  retry?: RetryOptions;
}

/** What the feature's own rules say about a due item before it is claimed. */
export type Prepared<Context> =
  | { kind: 'send'; to: Person; context: Context }
  /** Not now (the feature's own reason, such as "asked yesterday"); stays due. */
  | { kind: 'wait' }
  /** Never: the recipient or what it was about is gone. */
  | { kind: 'skip'; reason: string }
  /** The feature's rules settled the item themselves without a message (closed, cancelled, rescheduled). */
  | { kind: 'settled' };

/** One kind of scheduled message, as a feature describes it. Every method that writes is a compare-and-swap on the item. */
export interface DeliveryKind<Item, Context> {
  /** The send-policy rule that applies (src/core/send-policy/quiet-hours.ts). */
  message: MessageKind;
  schoolOf(item: Item): string;
  prepare(item: Item, now: Date): Promise<Prepared<Context>>;
  /** Takes the item until `until`, or undefined when another run holds it or it is no longer due. */
  claim(item: Item, now: Date, until: Date): Promise<Item | undefined>;
  compose(claimed: Item, to: Person, context: Context): Message;
  sent(claimed: Item, delivered: { conversationId: string; activityId: string }): Promise<void>;
  /** A passing failure: free the claim, the item stays due. */
  retryLater(claimed: Item, error: DeliveryError): Promise<void>;
  /** Not sent and never retried. Also for items whose recipient or subject is gone (not claimed then). */
  gaveUp(item: Item, reason: string): Promise<void>;
  /** The recipient paused messages of this kind: due again when the pause ends. */
  postpone(item: Item, until: string): Promise<void>;
  /**
   * Optional: the send policy says not now (quiet hours, a holiday, the recipient's pause), with the next
   * allowed moment when there is one. A kind that keeps a due time moves it here (or gives up when that is
   * too late), so a long quiet period is not polled; it then replaces `postpone`. Without it the item
   * simply stays due.
   */
  notNow?(item: Item, why: QuietReason, next: Date | undefined, now: Date): Promise<void>;
}

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

export interface DeliverOptions<Item> {
  /**
   * Items in flight at once (default 1). The send windows pace them, so this is how a large run fills
   * the tenant's window while each request waits for its answer; it is never a burst past the limit.
   */
  concurrency?: number;
  /** How long a claim holds in this run, when the kind's items need another time than the engine's default. */
  leaseMs?: number;
  /** Asked before each next item; true ends the run (a deadline, a lost lease, an outage). */
  stop?: () => boolean;
  /** A step that threw for one item (a store fault): reported here and the run goes on. Without it the run throws. */
  onError?: (item: Item, err: unknown) => void;
}

export class DeliveryEngine {
  private readonly deps: DeliveryEngineDeps;
  constructor(deps: DeliveryEngineDeps) {
    this.deps = deps;
  }

  /**
   * Sends what is due, one item after another unless `concurrency` says more; the throttle paces them, so a
   * run is never a burst past the limit. `due` may be read lazily (an outbox read in batches); `now` may be
   * a clock, for a run long enough that the send policy must be asked at each item's own moment.
   */
  async deliver<Item, Context>(
    kind: DeliveryKind<Item, Context>,
    due: Iterable<Item> | AsyncIterable<Item>,
    now: Date | (() => Date),
    options: DeliverOptions<Item> = {},
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
    const at = typeof now === 'function' ? now : () => now;
    const items = Symbol.asyncIterator in due ? due[Symbol.asyncIterator]() : due[Symbol.iterator]();
    const worker = async () => {
      while (!options.stop?.()) {
        const next = await items.next();
        if (next.done) return;
        const item = next.value;
        try {
          const outcome = await this.one(kind, item, at(), await policyOf(kind.schoolOf(item)), options.leaseMs);
          if (outcome) tally[outcome]++;
        } catch (err) {
          if (!options.onError) throw err;
          options.onError(item, err);
        }
      }
    };
    await runWorkers(options.concurrency ?? 1, worker);
    return tally;
  }

  private async one<Item, Context>(
    kind: DeliveryKind<Item, Context>,
    item: Item,
    now: Date,
    policy: SendPolicy,
    leaseMs = this.deps.leaseMs ?? defaultLeaseMs,
  ): Promise<keyof Tally | undefined> {
    // The school's calendar first: it needs no read of the recipient.
    if (!isAllowed(now, policy, kind.message)) {
      await kind.notNow?.(item, quietReason(now, policy, kind.message) ?? 'night', nextAllowed(now, policy, kind.message), now);
      return 'waiting';
    }
    const prepared = await kind.prepare(item, now);
    if (prepared.kind === 'skip') {
      await kind.gaveUp(item, prepared.reason);
      return 'skipped';
    }
    if (prepared.kind === 'wait') return 'waiting';
    if (prepared.kind === 'settled') return undefined;
    const { to, context } = prepared;
    if (quietReason(now, policy, kind.message, to.pause) === 'paused') {
      if (kind.notNow) await kind.notNow(item, 'paused', nextAllowed(now, policy, kind.message, to.pause), now);
      else await kind.postpone(item, to.pause!.until);
      return 'waiting';
    }
    const claimed = await kind.claim(item, now, new Date(now.getTime() + leaseMs));
    // Another run holds it, or it was sent meanwhile: that run counts it.
    if (!claimed) return undefined;
    const message = kind.compose(claimed, to, context);
    try {
      const delivered = message.retry
        ? await this.deps.sender.sendCard(message.to, message.card, message.summary, { retry: message.retry })
        : await this.deps.sender.sendCard(message.to, message.card, message.summary);
      await kind.sent(claimed, delivered);
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
