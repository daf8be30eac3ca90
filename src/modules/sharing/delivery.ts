import type { Person } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryKind, Tally } from '../../delivery/delivery-kind.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { trialoogAnswerCard } from './cards.ts';
import type { TrialoogAnswer } from './entities.ts';
import type { SharingRepositories } from './repositories.ts';

// The supervisor's answer goes to the student first, through the delivery engine (docs/delivery.md): it
// keeps the rule of a note from school to a student ('mentor-note': not at night, at weekends or in
// school holidays), takes a claim so two instances never send it twice, and retries a passing failure.

export interface AnswerDeliveryDeps {
  repos: Pick<Repositories, 'people' | 'reflections'>;
  sharing: SharingRepositories;
  flows: FlowCatalog;
  delivery: DeliveryEngine;
  sendPolicy: SendPolicies;
  log: Logger;
  clock: Clock;
}

const maxAttempts = 10;

function answerDelivery(deps: AnswerDeliveryDeps): DeliveryKind<TrialoogAnswer, { flowTitle: string; timeZone: string }> {
  const { sharing } = deps;
  const stop = (a: TrialoogAnswer, patch: Partial<TrialoogAnswer>) =>
    sharing.answers.update(a.studentId, a.id, (cur) => ({ ...cur, ...patch, pending: undefined, claimedUntil: undefined }));
  return {
    message: 'mentor-note',
    schoolOf: (a) => a.schoolId,
    prepare: async (a) => {
      const student = await deps.repos.people.get(a.schoolId, a.studentId);
      if (!student || student.erasedAt) return { kind: 'skip', reason: 'gone' };
      const reflection = await deps.repos.reflections.get(a.studentId, a.reflectionId);
      const flow = reflection ? deps.flows.get(reflection.flowId) : undefined;
      const flowTitle = flow?.title[student.locale] ?? '';
      return { kind: 'send', to: student, context: { flowTitle, timeZone: (await deps.sendPolicy(a.schoolId)).timeZone } };
    },
    claim: async (a, now, until) => {
      const current = await sharing.answers.get(a.studentId, a.id);
      if (!current?.pending || (current.claimedUntil && current.claimedUntil > now.toISOString())) return undefined;
      return sharing.answers.replace({ ...current, claimedUntil: until.toISOString() });
    },
    compose: (claimed, student: Person, context) => ({
      to: student,
      card: trialoogAnswerCard({ locale: student.locale, answer: claimed, ...context }),
      summary: t(student.locale, 'sharing.answer.title'),
    }),
    sent: async (claimed) => {
      await stop(claimed, { deliveredAt: deps.clock.now().toISOString() });
      deps.log.info({ personId: claimed.studentId, answerId: claimed.id }, 'supervisor answer delivered to the student');
    },
    retryLater: async (claimed) => {
      const attempts = (claimed.attempts ?? 0) + 1;
      if (attempts >= maxAttempts) await stop(claimed, { attempts, gaveUp: 'attempts' });
      else await sharing.answers.update(claimed.studentId, claimed.id, (cur) => ({ ...cur, attempts, claimedUntil: undefined }));
    },
    gaveUp: (a, reason) => stop(a, { gaveUp: reason.slice(0, 64) }).then(() => undefined),
    // A note from school is not held back by the student's pause ('mentor-note'); kept for the contract.
    postpone: async () => undefined,
  };
}

/** Sends the answers that wait (right after a submit, and by the `sharing.deliver` job). */
export async function deliverAnswers(deps: AnswerDeliveryDeps, now: Date, only?: TrialoogAnswer[]): Promise<Tally> {
  const due = only ?? (await deps.sharing.answers.listPending());
  return deps.delivery.deliver(answerDelivery(deps), due, now);
}
