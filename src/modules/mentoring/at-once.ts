import { decide } from '../../core/authorization.ts';
import type { MentorItem, Person, Reflection } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryKind, Message } from '../../delivery/delivery-kind.ts';
import type { Clock } from '../../platform/clock.ts';

// The at-once card as the delivery engine sees it: a mentor item in 'now' mode (the student asked to
// talk, or a soft signal) goes to the mentor when it arises, whatever the calendar; the item keeps its
// own state (claimed, sent, the last error) with version-checked writes.

export type RouterLog = {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  debug(obj: object, msg: string): void;
};

export type AtOnceMessage = (input: {
  mentor: Person;
  student: Person;
  reflection: Reflection;
  itemId: string;
  timeZone: string;
}) => Message;

type Context = { student: Person; reflection: Reflection };

export function atOnceDelivery(deps: {
  repos: Repositories;
  message: AtOnceMessage;
  sendPolicy: SendPolicies;
  clock: Clock;
  log: RouterLog;
}): DeliveryKind<MentorItem, Context> {
  const { repos, clock, log } = deps;
  const release = (item: MentorItem, patch: Partial<MentorItem>) =>
    repos.mentorItems.update(item.mentorId, item.id, (c) => ({ ...c, ...patch, claimedUntil: undefined }));
  return {
    message: 'at-once',
    schoolOf: (item) => item.schoolId,
    prepare: async (item) => {
      const [mentor, student, reflection, stillAssigned] = await Promise.all([
        repos.people.get(item.schoolId, item.mentorId),
        repos.people.get(item.schoolId, item.studentId),
        repos.reflections.get(item.studentId, item.reflectionId),
        repos.assignments.get(item.schoolId, item.studentId, item.mentorId),
      ]);
      const mayRead =
        mentor &&
        reflection &&
        decide(mentor, 'reflection.read', {
          kind: 'reflection',
          reflection,
          mentorsOfStudent: stillAssigned ? [stillAssigned] : [],
        }).allowed;
      // The mentor no longer has this student: their inbox item stays, but nothing is sent.
      if (!mentor || !student || !reflection || !mayRead) return { kind: 'skip', reason: 'not-assigned' };
      // Where a submit's writes are not one transaction (Cosmos DB) the item is written before the
      // answers: until they are stored (the student's retry completes it), there is nothing to send.
      if (reflection.status !== 'submitted') return { kind: 'wait' };
      return { kind: 'send', to: mentor, context: { student, reflection } };
    },
    claim: async (item, now, until) => {
      let claimed = false;
      const stored = await repos.mentorItems.update(item.mentorId, item.id, (c) => {
        // update() may call this again after losing a race: only the attempt that is written counts.
        claimed = false;
        if (c.state === 'sent') return undefined;
        if (c.claimedUntil && c.claimedUntil > now.toISOString()) return undefined;
        claimed = true;
        return { ...c, claimedUntil: until.toISOString(), attempts: c.attempts + 1 };
      });
      return claimed ? stored : undefined;
    },
    compose: async (claimed, mentor, { student, reflection }) =>
      deps.message({
        mentor,
        student,
        reflection,
        itemId: claimed.id,
        timeZone: (await deps.sendPolicy(claimed.schoolId)).timeZone,
      }),
    sent: async (claimed, message) => {
      await release(claimed, { state: 'sent', sentAt: clock.now().toISOString(), message, lastError: undefined });
      log.info(
        { mentorId: claimed.mentorId, studentId: claimed.studentId, reflectionId: claimed.reflectionId },
        'reflection sent to mentor',
      );
    },
    retryLater: async (claimed, error) => {
      await release(claimed, { lastError: error.reason });
      const level = error.reason === 'no-conversation' ? 'debug' : 'warn';
      log[level]({ mentorId: claimed.mentorId, itemId: claimed.id, reason: error.reason }, 'mentor card not sent yet');
    },
    // Not sent now; the item stays pending, so the sweep looks at it again (a mentor reinstated, a chat opened).
    gaveUp: async (item, reason) => {
      await release(item, { lastError: reason });
      log.debug({ mentorId: item.mentorId, itemId: item.id, reason }, 'mentor card not sent');
    },
    // A mentor has no pause, and an at-once card ignores the calendar.
    postpone: async () => {},
  };
}
