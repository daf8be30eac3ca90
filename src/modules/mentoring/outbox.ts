import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import { type MessageKind, nextAllowed, type SendPolicies, type SendPolicy } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryKind, Message } from '../../delivery/delivery-kind.ts';
import { type DeliveryEngine, retryAt } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import type { LogPort } from './digest.ts';
import type { OutboxEntry } from './entities.ts';
import type { MentorMessages } from './messages.ts';
import { outboxMessage } from './outbox-messages.ts';
import type { MentoringRepositories } from './ports.ts';
import type { StudentViews } from './student-views.ts';

// Messages of the mentor side that go out at an allowed time: a feedforward note to a student, the
// reminder of a planned conversation, the handover of a student to a new mentor, the steps of planning
// a conversation. The entry says what and when; the delivery engine sends it (the school's calendar, a
// claim on the entry, Reach, the outcome). What an entry says is worked out at send time: a note or
// reminder about a student who is no longer the mentor's is cancelled, not sent.

export interface OutboxDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  compose: MentorMessages;
  delivery: Pick<DeliveryEngine, 'deliverOne'>;
  views: StudentViews;
  flows: FlowCatalog;
  clock: Clock;
  log: LogPort;
  /** The school's quiet hours and time zone (../quiet-hours.ts). */
  sendPolicy: SendPolicies;
}

export type OutboxOutcome = 'sent' | 'cancelled' | 'waiting' | 'held' | 'failed';

const maxAttempts = 10;

/** Which quiet-hours rule each entry follows. */
const messageKind: Record<OutboxEntry['kind'], MessageKind> = {
  note: 'mentor-note',
  'plan-reminder': 'mentor-reminder',
  handover: 'mentor-handover',
  // A student's answer to the mentor's question follows the rule of the mentor's own reminders.
  reply: 'mentor-reminder',
  // Planning a conversation: to the student like a note, to the mentor like their reminders.
  proposal: 'mentor-note',
  suggestion: 'mentor-reminder',
  meeting: 'mentor-reminder',
};

/** The next moment an entry may go out; a day later when the calendar allows nothing (it is looked at again then). */
export function nextAllowedFor(kind: OutboxEntry['kind'], from: Date, policy: SendPolicy): Date {
  return nextAllowed(from, policy, messageKind[kind]) ?? new Date(from.getTime() + 86_400_000);
}

export class OutboxService {
  private readonly deps: OutboxDeps;
  private readonly kinds = new Map<OutboxEntry['kind'], DeliveryKind<OutboxEntry, Message>>();
  /** Why the engine's last "skipped" was skipped, per entry: cancelled (no longer applies) or failed. */
  private readonly ended = new Map<string, 'cancelled' | 'failed'>();
  constructor(deps: OutboxDeps) {
    this.deps = deps;
  }

  /** Sends everything that is due. */
  async sweep(): Promise<Record<OutboxOutcome, number>> {
    const counts: Record<OutboxOutcome, number> = { sent: 0, cancelled: 0, waiting: 0, held: 0, failed: 0 };
    for (const entry of await this.deps.mentoring.outbox.listDue(this.deps.clock.now().toISOString())) {
      counts[await this.deliver(entry)]++;
    }
    return counts;
  }

  /**
   * Queues a message for the first moment its rule allows and, when that is now, sends it at once
   * (the engine holds it otherwise: 'waiting'). Queuing the same id again queues nothing new.
   */
  async queue(input: Omit<OutboxEntry, 'version' | 'notBefore' | 'state' | 'attempts' | 'createdAt'>): Promise<OutboxOutcome> {
    const now = this.deps.clock.now();
    const policy = await this.deps.sendPolicy(input.schoolId);
    const { entry } = await this.deps.mentoring.outbox.ensure({
      ...input,
      notBefore: nextAllowedFor(input.kind, now, policy).toISOString(),
      state: 'pending',
      attempts: 0,
      createdAt: now.toISOString(),
    });
    return this.deliver(entry);
  }

  async deliver(entry: OutboxEntry): Promise<OutboxOutcome> {
    const outcome = await this.deps.delivery.deliverOne(this.kindOf(entry.kind), entry, this.deps.clock.now());
    // The outbox's kinds never settle an entry without a message; 'settled' cannot come back from them.
    if (outcome === 'settled') return 'held';
    if (outcome !== 'skipped') return outcome;
    const ended = this.ended.get(entry.id) ?? 'failed';
    this.ended.delete(entry.id);
    return ended;
  }

  private kindOf(kind: OutboxEntry['kind']): DeliveryKind<OutboxEntry, Message> {
    let known = this.kinds.get(kind);
    if (!known) {
      known = this.delivery(messageKind[kind]);
      this.kinds.set(kind, known);
    }
    return known;
  }

  /** An outbox entry as the delivery engine sees it; every write is version-checked on the entry. */
  private delivery(message: MessageKind): DeliveryKind<OutboxEntry, Message> {
    const { mentoring, clock, log } = this.deps;
    const finish = (entry: OutboxEntry, patch: Partial<OutboxEntry>) =>
      mentoring.outbox.update(entry.recipientId, entry.id, (e) => ({ ...e, ...patch, claimedUntil: undefined }));
    return {
      message,
      schoolOf: (entry) => entry.schoolId,
      prepare: async (entry) => {
        const timeZone = (await this.deps.sendPolicy(entry.schoolId)).timeZone;
        const composed = await outboxMessage(this.deps, entry, timeZone);
        return composed ? { kind: 'send', to: composed.to, context: composed } : { kind: 'skip', reason: 'no-longer-applies' };
      },
      claim: async (entry, now, until) => {
        let claimed = false;
        const stored = await mentoring.outbox.update(entry.recipientId, entry.id, (e) => {
          claimed = false;
          if (e.state !== 'pending') return undefined;
          if (e.claimedUntil && e.claimedUntil > now.toISOString()) return undefined;
          claimed = true;
          return { ...e, claimedUntil: until.toISOString(), attempts: e.attempts + 1 };
        });
        return claimed ? stored : undefined;
      },
      compose: (_claimed, _to, composed) => composed,
      sent: async (claimed, sent) => {
        const at = clock.now().toISOString();
        await finish(claimed, { state: 'sent', sentAt: at, message: sent, lastError: undefined });
        if (claimed.kind === 'note' && claimed.ref) {
          await mentoring.notes.update(claimed.studentId, claimed.ref, (n) => ({ ...n, deliveredAt: at }));
        }
        log.info({ outboxId: claimed.id, kind: claimed.kind, recipientId: claimed.recipientId }, 'mentor message sent');
      },
      retryLater: async (claimed, error) => {
        if (claimed.attempts >= maxAttempts) {
          await this.giveUp(claimed, error.reason);
          return;
        }
        const policy = await this.deps.sendPolicy(claimed.schoolId);
        const notBefore = nextAllowedFor(claimed.kind, retryAt(claimed.attempts, clock.now()), policy).toISOString();
        await finish(claimed, { lastError: error.reason, notBefore });
        log.warn(
          { outboxId: claimed.id, kind: claimed.kind, reason: error.reason, attempt: claimed.attempts },
          'mentor message not sent yet',
        );
      },
      gaveUp: async (entry, reason) => {
        if (reason !== 'no-longer-applies') return this.giveUp(entry, reason);
        // Not claimed: cancelled only while still pending (another run may have sent it meanwhile).
        await mentoring.outbox.update(entry.recipientId, entry.id, (e) =>
          e.state === 'pending' ? { ...e, state: 'cancelled', claimedUntil: undefined } : undefined,
        );
        this.ended.set(entry.id, 'cancelled');
        log.info({ outboxId: entry.id, kind: entry.kind }, 'mentor message cancelled: no longer applies');
      },
      // Staff messages and notes follow no pause (src/core/send-policy/quiet-hours.ts).
      postpone: async () => {},
      // The calendar holds it (staff messages and notes follow no pause): listed again only when it allows.
      notNow: async (entry, _why, next) => {
        const later = (next ?? new Date(clock.now().getTime() + 86_400_000)).toISOString();
        await mentoring.outbox.update(entry.recipientId, entry.id, (e) =>
          e.state === 'pending' && e.notBefore < later ? { ...e, notBefore: later } : undefined,
        );
      },
    };
  }

  private async giveUp(entry: OutboxEntry, reason: string): Promise<void> {
    await this.deps.mentoring.outbox.update(entry.recipientId, entry.id, (e) => ({
      ...e,
      state: 'failed',
      lastError: reason,
      claimedUntil: undefined,
    }));
    this.ended.set(entry.id, 'failed');
    this.deps.log.warn({ outboxId: entry.id, kind: entry.kind, reason, attempt: entry.attempts }, 'mentor message not sent');
  }
}
