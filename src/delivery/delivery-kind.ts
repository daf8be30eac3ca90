import type { Person } from '../core/entities.ts';
import type { DeliveryError } from '../core/ports.ts';
import type { MessageKind, QuietReason } from '../core/send-policy/quiet-hours.ts';
import type { RetryOptions } from '../teams/connector.ts';

// What a feature tells the delivery engine (engine.ts) about one kind of message: who it goes to, what to
// send, and what each outcome means for the feature's own records.

/** How a message reaches a person; Reach in the bot, anything with the same contract in a test. */
export interface PersonalSender {
  sendCard(
    person: Person,
    card: unknown,
    summary?: string,
    options?: { retry?: RetryOptions },
  ): Promise<{ conversationId: string; activityId: string }>;
}

/** A conversation the bot is already in (a team's channel): no person, so no pause and no chat to open. */
export interface ConversationTarget {
  conversation: { tenantId: string; serviceUrl: string; conversationId: string; botId: string };
}

/** Whom a scheduled message is for. */
export type Recipient = Person | ConversationTarget;

/** How a message reaches a conversation; Reach in the bot. */
export interface ConversationSender {
  sendToConversation(
    tenantId: string,
    target: ConversationTarget['conversation'],
    card: unknown,
    summary?: string,
    options?: { retry?: RetryOptions },
  ): Promise<{ activityId: string }>;
}

export function isConversation(to: Recipient): to is ConversationTarget {
  return 'conversation' in to;
}

export interface Message<To extends Recipient = Person> {
  to: To;
  card: unknown;
  summary?: string;
  /** The request retries for this kind, when they differ from Reach's default. */
  retry?: RetryOptions;
}

/** What the feature's own rules say about a due item before it is claimed. */
export type Prepared<Context, To extends Recipient = Person> =
  | { kind: 'send'; to: To; context: Context }
  /** Not now (the feature's own reason, such as "asked yesterday"); stays due. */
  | { kind: 'wait' }
  /** Never: the recipient or what it was about is gone. */
  | { kind: 'skip'; reason: string }
  /** The feature's rules settled the item themselves without a message (closed, cancelled, rescheduled). */
  | { kind: 'settled' };

/** One kind of scheduled message, as a feature describes it. Every method that writes is a compare-and-swap on the item. */
export interface DeliveryKind<Item, Context, To extends Recipient = Person> {
  /**
   * The send-policy rule that applies (src/core/send-policy/quiet-hours.ts), or 'at-once' for a message
   * that goes when it arises whatever the calendar (a student who asked their mentor to talk, a digest
   * an operator asked for now).
   */
  message: MessageKind | 'at-once';
  schoolOf(item: Item): string;
  prepare(item: Item, now: Date): Promise<Prepared<Context, To>>;
  /** Takes the item until `until`, or undefined when another run holds it or it is no longer due. */
  claim(item: Item, now: Date, until: Date): Promise<Item | undefined>;
  compose(claimed: Item, to: To, context: Context): Message<To> | Promise<Message<To>>;
  sent(claimed: Item, delivered: { conversationId: string; activityId: string }, context: Context): Promise<void>;
  /** A passing failure: free the claim, the item stays due. */
  retryLater(claimed: Item, error: DeliveryError): Promise<void>;
  /** Not sent and never retried. Also for items whose recipient or subject is gone (not claimed then). */
  gaveUp(item: Item, reason: string): Promise<void>;
  /** The recipient (a person) paused messages of this kind: due again when the pause ends. */
  postpone(item: Item, until: string): Promise<void>;
  /**
   * Optional: the send policy says not now (quiet hours, a holiday, the recipient's pause), with the next
   * allowed moment when there is one. A kind that keeps a due time moves it here (or gives up when that is
   * too late), so a long quiet period is not polled; it then replaces `postpone`. Without it the item
   * simply stays due. Not claimed.
   */
  notNow?(item: Item, why: QuietReason, next: Date | undefined, now: Date): Promise<void>;
}

/**
 * What became of one item: counted in the tally, held by another run (which counts it), or settled by
 * the feature's own rules without a message.
 */
export type Outcome = keyof Tally | 'held' | 'settled';

export interface Tally {
  sent: number;
  waiting: number;
  skipped: number;
}
