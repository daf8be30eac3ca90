import { randomUUID } from 'node:crypto';
import type { Person } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryKind, Outcome } from '../../delivery/delivery-kind.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { talentSignalCard } from './cards.ts';
import type { TalentSignal } from './entities.ts';
import type { TalentRepositories } from './ports.ts';

// A talent signal goes to the student's chat through the delivery engine (docs/delivery.md). It follows
// the rule of a staff member's note to a student ('mentor-note': not at night, on weekends or in school
// holidays); the engine claims it so two instances never send it twice, and a signal that has to wait
// stays pending for the `talent.deliver` job.

export type DeliveryOutcome = 'sent' | 'queued' | 'failed';

export interface SignalDeliveryDeps {
  repos: Pick<Repositories, 'people'>;
  talent: TalentRepositories;
  delivery: DeliveryEngine;
  sendPolicy: SendPolicies;
  clock: Clock;
  log: Logger;
}

const maxAttempts = 10;

interface SignalContext {
  teacher: Pick<Person, 'name'> | undefined;
  timeZone: string;
}

function signalDelivery(deps: SignalDeliveryDeps): DeliveryKind<TalentSignal, SignalContext> {
  const { signals } = deps.talent;
  const stop = (s: TalentSignal, patch: Partial<TalentSignal>) =>
    signals.update(s.studentId, s.id, (cur) => ({
      ...cur,
      ...patch,
      pending: undefined,
      claimedUntil: undefined,
      claimedBy: undefined,
    }));
  return {
    message: 'mentor-note',
    schoolOf: (s) => s.schoolId,
    prepare: async (s) => {
      const [student, teacher] = await Promise.all([
        deps.repos.people.get(s.schoolId, s.studentId),
        deps.repos.people.get(s.schoolId, s.teacherId),
      ]);
      if (!student || student.erasedAt) return { kind: 'skip', reason: 'gone' };
      return { kind: 'send', to: student, context: { teacher, timeZone: (await deps.sendPolicy(s.schoolId)).timeZone } };
    },
    claim: async (s, now, until) => {
      const claimedBy = randomUUID();
      const next = await signals.update(s.studentId, s.id, (cur) =>
        cur.pending && !(cur.claimedUntil && cur.claimedUntil > now.toISOString())
          ? { ...cur, claimedUntil: until.toISOString(), claimedBy }
          : undefined,
      );
      return next.pending && next.claimedBy === claimedBy ? next : undefined;
    },
    compose: (claimed, student, context) => ({
      to: student,
      card: signalCardFor(student, context.teacher, claimed, context.timeZone),
      summary: t(student.locale, 'talent.signal.title'),
    }),
    sent: async (claimed) => {
      await stop(claimed, { deliveredAt: deps.clock.now().toISOString() });
      deps.log.info({ signalId: claimed.id, studentId: claimed.studentId }, 'talent signal delivered');
    },
    retryLater: async (claimed, error) => {
      const attempts = (claimed.attempts ?? 0) + 1;
      deps.log.warn({ signalId: claimed.id, reason: error.reason, attempts }, 'talent signal not delivered yet');
      if (attempts >= maxAttempts) await stop(claimed, { attempts });
      else
        await signals.update(claimed.studentId, claimed.id, (cur) => ({
          ...cur,
          attempts,
          claimedUntil: undefined,
          claimedBy: undefined,
        }));
    },
    gaveUp: async (s, reason) => {
      deps.log.warn({ signalId: s.id, reason }, 'talent signal given up');
      await stop(s, { attempts: (s.attempts ?? 0) + 1 });
    },
    // A note from school is not held back by the student's pause ('mentor-note'); kept for the contract.
    postpone: async () => undefined,
  };
}

const outcomeOf: Record<Outcome, DeliveryOutcome> = {
  sent: 'sent',
  waiting: 'queued',
  held: 'queued',
  settled: 'queued',
  skipped: 'failed',
};

/** Sends one signal now (right after the teacher wrote it), or leaves it waiting for the job. */
export async function deliverSignal(deps: SignalDeliveryDeps, signal: TalentSignal): Promise<DeliveryOutcome> {
  return outcomeOf[await deps.delivery.deliverOne(signalDelivery(deps), signal, deps.clock.now())];
}

/** Sends every signal that waits, when its school allows it now (the `talent.deliver` job). */
export async function deliverPending(deps: SignalDeliveryDeps) {
  return deps.delivery.deliver(signalDelivery(deps), await deps.talent.signals.listPending(), deps.clock.now());
}

export function signalCardFor(
  student: Pick<Person, 'locale'>,
  teacher: Pick<Person, 'name'> | undefined,
  signal: TalentSignal,
  timeZone: string,
  notice?: { text: string; color: 'Good' | 'Attention' },
) {
  return talentSignalCard({
    locale: student.locale,
    timeZone,
    signalId: signal.id,
    teacherName: teacher?.name || t(student.locale, 'talent.signal.someTeacher'),
    text: signal.text,
    at: signal.createdAt,
    canReflect: !signal.reflectionId,
    ...(notice ? { notice } : {}),
  });
}
