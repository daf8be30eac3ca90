import type { Person } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { DeliveryError, type Repositories } from '../../core/ports.ts';
import {
  isAllowed,
  type MessageKind,
  nextAllowed,
  type SendPolicies,
  type SendPolicy,
} from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import { isAssigned } from './access.ts';
import type { LogPort } from './digest.ts';
import type { OutboxEntry } from './entities.ts';
import type { MentoringRepositories, MentorMessenger } from './ports.ts';
import { flowTitle } from './sections.ts';
import type { StudentViews } from './student-views.ts';

// Messages of the mentor side that go out at an allowed time: a feedforward note to a student, the
// reminder of a planned conversation, the handover of a student to a new mentor. Each entry is claimed
// before it is sent (two runs never send it twice) and checked again at send time: a note or reminder
// about a student who is no longer the mentor's is cancelled, not sent.

export interface OutboxDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  messenger: MentorMessenger;
  views: StudentViews;
  flows: FlowCatalog;
  clock: Clock;
  log: LogPort;
  /** The school's quiet hours and time zone (../quiet-hours.ts). */
  sendPolicy: SendPolicies;
  claimMs?: number;
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
  private readonly claimMs: number;
  constructor(deps: OutboxDeps) {
    this.deps = deps;
    this.claimMs = deps.claimMs ?? 120_000;
  }

  /** Sends everything that is due. */
  async sweep(): Promise<Record<OutboxOutcome, number>> {
    const counts: Record<OutboxOutcome, number> = { sent: 0, cancelled: 0, waiting: 0, held: 0, failed: 0 };
    for (const entry of await this.deps.mentoring.outbox.listDue(this.deps.clock.now().toISOString())) {
      counts[await this.deliver(entry)]++;
    }
    return counts;
  }

  async deliver(entry: OutboxEntry): Promise<OutboxOutcome> {
    const { mentoring, clock, log } = this.deps;
    const now = clock.now();
    const policy = await this.deps.sendPolicy(entry.schoolId);
    if (!isAllowed(now, policy, messageKind[entry.kind])) {
      const later = nextAllowedFor(entry.kind, now, policy).toISOString();
      await mentoring.outbox.update(entry.recipientId, entry.id, (e) =>
        e.state === 'pending' && e.notBefore < later ? { ...e, notBefore: later } : undefined,
      );
      return 'waiting';
    }
    let claimed = false;
    const claim = await mentoring.outbox.update(entry.recipientId, entry.id, (e) => {
      if (e.state !== 'pending') return undefined;
      if (e.claimedUntil && e.claimedUntil > now.toISOString()) return undefined;
      claimed = true;
      return { ...e, claimedUntil: new Date(now.getTime() + this.claimMs).toISOString(), attempts: e.attempts + 1 };
    });
    if (!claimed) return claim.state === 'sent' ? 'sent' : 'held';
    const finish = (patch: Partial<OutboxEntry>) =>
      mentoring.outbox.update(entry.recipientId, entry.id, (e) => ({ ...e, ...patch, claimedUntil: undefined }));
    try {
      const message = await this.send(claim, policy.timeZone);
      if (!message) {
        await finish({ state: 'cancelled' });
        log.info({ outboxId: entry.id, kind: entry.kind }, 'mentor message cancelled: no longer applies');
        return 'cancelled';
      }
      await finish({ state: 'sent', sentAt: clock.now().toISOString(), message, lastError: undefined });
      log.info({ outboxId: entry.id, kind: entry.kind, recipientId: entry.recipientId }, 'mentor message sent');
      return 'sent';
    } catch (err) {
      const reason = err instanceof DeliveryError ? err.reason : 'error';
      const retry = (!(err instanceof DeliveryError) || err.transient) && claim.attempts < maxAttempts;
      const backoffMs = Math.min(3_600_000, 60_000 * 2 ** (claim.attempts - 1));
      await finish(
        retry
          ? {
              lastError: reason,
              notBefore: nextAllowedFor(entry.kind, new Date(now.getTime() + backoffMs), policy).toISOString(),
            }
          : { lastError: reason, state: 'failed' },
      );
      log.warn({ outboxId: entry.id, kind: entry.kind, reason, attempt: claim.attempts, retry }, 'mentor message not sent');
      return retry ? 'waiting' : 'failed';
    }
  }

  /** A step of planning a conversation; undefined when the plan moved on or the student is no longer the mentor's. */
  private async sendPlanning(entry: OutboxEntry, mentor: Person, timeZone: string) {
    const { repos, mentoring, messenger, views } = this.deps;
    if (!(await isAssigned(repos, mentor, entry.studentId))) return undefined;
    const student = await views.scope(mentor).student(entry.studentId);
    const plan = (await mentoring.followUps.get(mentor.id, entry.studentId))?.plan;
    if (!student || !plan || plan.at !== entry.ref) return undefined;
    if (entry.kind === 'proposal') return plan.agreed ? undefined : messenger.proposal({ student, mentor, plan, timeZone });
    if (entry.kind === 'suggestion')
      return plan.suggested && !plan.agreed ? messenger.suggestion({ mentor, student, plan, timeZone }) : undefined;
    if (!plan.agreed) return undefined;
    const toMentor = entry.recipientId === mentor.id;
    return messenger.meeting({
      recipient: toMentor ? mentor : student,
      other: toMentor ? student : mentor,
      at: plan.agreed.at,
      timeZone,
    });
  }

  /** Sends the message; undefined when it no longer applies. */
  private async send(entry: OutboxEntry, timeZone: string) {
    const { repos, mentoring, messenger, views, flows } = this.deps;
    const mentor = await repos.people.get(entry.schoolId, entry.mentorId);
    if (!mentor) return undefined;
    switch (entry.kind) {
      case 'note': {
        if (!(await isAssigned(repos, mentor, entry.studentId))) return undefined;
        const student = await views.scope(mentor).student(entry.studentId);
        const note = entry.ref ? await mentoring.notes.get(entry.studentId, entry.ref) : undefined;
        if (!student || !note || note.mentorId !== mentor.id) return undefined;
        const reflection = note.reflectionId ? await repos.reflections.get(student.id, note.reflectionId) : undefined;
        const sent = await messenger.note({
          student,
          mentor,
          note,
          ...(reflection
            ? {
                about: {
                  flowTitle: flowTitle(flows, reflection.flowId, student.locale),
                  at: reflection.submittedAt ?? reflection.createdAt,
                },
              }
            : {}),
          timeZone,
        });
        await mentoring.notes.update(student.id, note.id, (n) => ({ ...n, deliveredAt: this.deps.clock.now().toISOString() }));
        return sent;
      }
      case 'plan-reminder': {
        const followUp = await mentoring.followUps.get(mentor.id, entry.studentId);
        const plan = followUp?.plan;
        const discussedSince = followUp?.discussions.some((d) => plan && d.at >= plan.at);
        if (!plan || plan.at !== entry.ref || discussedSince) return undefined;
        const section = await views.recent(mentor, entry.studentId);
        if (!section) return undefined;
        return messenger.planReminder({ mentor, section, timeZone });
      }
      case 'reply': {
        if (!(await isAssigned(repos, mentor, entry.studentId))) return undefined;
        const student = await views.scope(mentor).student(entry.studentId);
        const note = entry.ref ? await mentoring.notes.get(entry.studentId, entry.ref) : undefined;
        if (!student || !note?.reply || note.mentorId !== mentor.id) return undefined;
        return messenger.reply({ mentor, student, note, timeZone });
      }
      case 'proposal':
      case 'suggestion':
      case 'meeting':
        return this.sendPlanning(entry, mentor, timeZone);
      case 'handover': {
        const view = await views.handover(mentor, entry.studentId, entry.previousMentorIds ?? []);
        if (!view) return undefined;
        return messenger.handover({ mentor, view, timeZone });
      }
    }
  }
}
