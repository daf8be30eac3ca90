import type { Person } from '../core/entities.ts';
import { withSector } from '../core/i18n.ts';
import { DeliveryError } from '../core/ports.ts';
import { isAllowed, nextAllowed, quietReason, type SendPolicies, type SendPolicy } from '../core/send-policy/quiet-hours.ts';
import type { Sector } from '../core/types.ts';
import type { Clock } from '../platform/clock.ts';
import type { Logger } from '../platform/log.ts';
import { runWorkers } from '../platform/pool.ts';
import { runLease } from '../platform/scheduler/run-lease.ts';
import { telemetry } from '../platform/telemetry.ts';
import {
  type ConversationSender,
  type ConversationTarget,
  type DeliveryKind,
  isConversation,
  type Message,
  type Outcome,
  type PersonalSender,
  type Recipient,
  type Tally,
} from './delivery-kind.ts';

// The one way a scheduled message goes out (docs/delivery.md). A feature says what is due and what to
// send; the engine decides how: the school's quiet hours and holidays, a claim with a lease so two
// instances never send the same item at once (and a dead instance's claim is taken over when its lease
// ends), the send itself (through Reach: the tenant's and the conversation's windows, Retry-After and
// retries), and what a failure means (passing: due again; permanent: given up with the reason).
// A message goes to a person (their 1:1 chat, opened when needed) or into a conversation the bot is
// already in, such as a team channel.

export interface DeliveryEngineDeps {
  sender: PersonalSender;
  /** For messages into a conversation (a channel); without it such a message is given up. */
  conversations?: ConversationSender;
  sendPolicy: SendPolicies;
  log: Logger;
  /** How long a claim holds: longer than one send with its retries may take. */
  leaseMs?: number;
  /**
   * The sector a message is worded for (leerling/mentor in vo, student/loopbaanbegeleider in mbo,
   * student/SLB'er in hbo: src/core/i18n.ts): the school's while a feature prepares an item (it may draw
   * the card there), the recipient's own when the message is composed. Without it, the product's default.
   */
  sectorOf?: (schoolId: string, person?: Person) => Promise<Sector | undefined>;
  /** The bot's clock: a claim made late in a long run holds from that moment, not from the run's `now`. */
  clock?: Clock;
}

/** withRetry's own budget (src/teams/connector.ts): a send's retries never take longer than this. */
const defaultRetryBudgetMs = 30_000;

/** The claim time when neither the run, its job's lease nor the engine's deps set one. */
export const defaultLeaseMs = 120_000;

export interface DeliverOptions<Item> {
  /**
   * Items in flight at once (default 1). The send windows pace them, so this is how a large run fills
   * the tenant's window while each request waits for its answer; it is never a burst past the limit.
   */
  concurrency?: number;
  /** How long a claim holds in this run, when not as long as the job's lease (or the engine's default). */
  leaseMs?: number;
  /** Asked before each next item; true ends the run (a deadline, an outage). A lost job lease ends it too. */
  stop?: () => boolean;
  /** A step that threw for one item (a store fault): reported here and the run goes on. Without it the run throws. */
  onError?: (item: Item, err: unknown) => void;
}

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

  /**
   * Sends what is due, one item after another unless `concurrency` says more; the throttle paces them, so a
   * run is never a burst past the limit. `due` may be read lazily (an outbox read in batches); `now` may be
   * a clock, for a run long enough that the send policy must be asked at each item's own moment.
   */
  async deliver<Item, Context, To extends Recipient = Person>(
    kind: DeliveryKind<Item, Context, To>,
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
    const lease = runLease();
    const leaseMs = options.leaseMs ?? this.leaseMs();
    // Whether the calendar lets this kind out, per school and minute: its rules (hours in minutes, days)
    // cannot change within a minute, and a run of thousands would otherwise ask it for every item.
    const allowedIn = new Map<SendPolicy, { minute: number; allowed: boolean }>();
    const allows = (moment: Date, policy: SendPolicy) => {
      if (kind.message === 'at-once') return true;
      const minute = Math.floor(moment.getTime() / 60_000);
      const known = allowedIn.get(policy);
      if (known?.minute === minute) return known.allowed;
      const allowed = isAllowed(moment, policy, kind.message);
      allowedIn.set(policy, { minute, allowed });
      return allowed;
    };
    const items = Symbol.asyncIterator in due ? due[Symbol.asyncIterator]() : due[Symbol.iterator]();
    const worker = async () => {
      while (!options.stop?.() && !lease?.lost()) {
        const next = await items.next();
        if (next.done) return;
        const item = next.value;
        try {
          const outcome = await this.one(kind, item, at(), await policyOf(kind.schoolOf(item)), leaseMs, allows);
          if (outcome !== 'held' && outcome !== 'settled') tally[outcome]++;
        } catch (err) {
          if (!options.onError) throw err;
          options.onError(item, err);
        }
      }
    };
    await runWorkers(options.concurrency ?? 1, worker);
    telemetry.deliveryRun(kind.message, tally);
    return tally;
  }

  /** One item, for a feature that reports per item (the router's at-once card, a mentor's digest). */
  async deliverOne<Item, Context, To extends Recipient = Person>(
    kind: DeliveryKind<Item, Context, To>,
    item: Item,
    now: Date,
  ): Promise<Outcome> {
    // A job run whose lease was taken: another instance may run the job now, and it sends this item.
    if (runLease()?.lost()) return 'held';
    return this.one(kind, item, now, await this.deps.sendPolicy(kind.schoolOf(item)), this.leaseMs());
  }

  /** The claim time: the job run's lease when inside one, so a killed instance's claims end with its lease. */
  private leaseMs(): number {
    return runLease()?.ms ?? this.deps.leaseMs ?? defaultLeaseMs;
  }

  /**
   * Whether the school's calendar lets a kind of message out now: lets a feature skip listing a whole
   * school's due items when nothing of them could go (the same rule every item is checked against).
   */
  async allows(schoolId: string, message: DeliveryKind<unknown, unknown>['message'], now: Date): Promise<boolean> {
    return message === 'at-once' || isAllowed(now, await this.deps.sendPolicy(schoolId), message);
  }

  private async one<Item, Context, To extends Recipient>(
    kind: DeliveryKind<Item, Context, To>,
    item: Item,
    now: Date,
    policy: SendPolicy,
    leaseMs: number,
    allows = (moment: Date, p: SendPolicy) => kind.message === 'at-once' || isAllowed(moment, p, kind.message),
  ): Promise<Outcome> {
    // This item's own moment: a run that passes its start as `now` (a backlog from 19:58) must not go on
    // sending into the quiet hours.
    const moment = this.momentOf(now);
    // The school's calendar first: it needs no read of the recipient.
    if (kind.message !== 'at-once' && !allows(moment, policy)) {
      const why = quietReason(moment, policy, kind.message) ?? 'night';
      await kind.notNow?.(item, why, nextAllowed(moment, policy, kind.message), now);
      return 'waiting';
    }
    const schoolId = kind.schoolOf(item);
    const schoolSector = this.deps.sectorOf ? await this.deps.sectorOf(schoolId) : undefined;
    const prepared = await withSector(schoolSector, () => kind.prepare(item, now));
    if (prepared.kind === 'skip') {
      await kind.gaveUp(item, prepared.reason);
      return 'skipped';
    }
    if (prepared.kind === 'wait') return 'waiting';
    if (prepared.kind === 'settled') return 'settled';
    const { to, context } = prepared;
    const person: Person | undefined = isConversation(to) ? undefined : (to as Person);
    // Only a pause can say no here (the calendar said yes above).
    if (person?.pause && kind.message !== 'at-once' && quietReason(moment, policy, kind.message, person.pause) === 'paused') {
      if (kind.notNow) await kind.notNow(item, 'paused', nextAllowed(moment, policy, kind.message, person.pause), now);
      else await kind.postpone(item, person.pause!.until);
      return 'waiting';
    }
    // From the moment of the claim: a long run's `now` may be its start, long before.
    const claimed = await kind.claim(item, now, new Date(this.momentOf(now).getTime() + leaseMs));
    // Another run holds it, or it was sent meanwhile: that run counts it.
    if (!claimed) return 'held';
    try {
      const sector = person && this.deps.sectorOf ? await this.deps.sectorOf(schoolId, person) : schoolSector;
      const message = await withSector(sector, () => kind.compose(claimed, to, context));
      await kind.sent(claimed, await this.send(message, leaseMs), context);
      return 'sent';
    } catch (err) {
      const failure = err instanceof DeliveryError ? err : new DeliveryError('error', true, (err as Error)?.message);
      const whom = person ? { personId: person.id } : { conversationId: (to as ConversationTarget).conversation.conversationId };
      this.deps.log.warn({ ...whom, message: kind.message, reason: failure.reason }, 'scheduled message not sent');
      if (failure.transient) {
        await kind.retryLater(claimed, failure);
        return 'waiting';
      }
      await kind.gaveUp(claimed, failure.reason);
      return 'skipped';
    }
  }

  /** Now by the run's lease or the bot's clock, never before the run's own `now`. */
  private momentOf(now: Date): Date {
    return new Date(Math.max(now.getTime(), (runLease() ?? this.deps.clock)?.now().getTime() ?? 0));
  }

  private async send(message: Message<Recipient>, claimMs: number): Promise<{ conversationId: string; activityId: string }> {
    const { to } = message;
    // The retries stay within half the claim: a send still retrying when its claim ends could be claimed
    // and sent by another run as well.
    const budgetMs = message.retry?.budgetMs ?? defaultRetryBudgetMs;
    const retry = budgetMs > claimMs / 2 ? { ...message.retry, budgetMs: claimMs / 2 } : message.retry;
    if (!isConversation(to)) {
      return retry
        ? this.deps.sender.sendCard(to, message.card, message.summary, { retry })
        : this.deps.sender.sendCard(to, message.card, message.summary);
    }
    if (!this.deps.conversations) throw new DeliveryError('no-conversation', false, 'no sender for conversations');
    const { conversation } = to;
    const sent = await this.deps.conversations.sendToConversation(
      conversation.tenantId,
      conversation,
      message.card,
      message.summary,
      ...(retry ? [{ retry }] : []),
    );
    return { conversationId: conversation.conversationId, activityId: sent.activityId };
  }
}
