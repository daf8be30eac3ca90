import { messageCard } from '../../core/cards/cards.ts';
import type { FollowUpOutcome, Person, Reflection } from '../../core/entities.ts';
import type { Flow } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import type { DeliveryKind, Tally } from '../../delivery/delivery-kind.ts';
import { type BotDeps, cardResponse, type Feature } from '../../teams/turn.ts';
import { followUpCard } from './student-cards.ts';

// Some days after a reflection: "did your step happen?" (done / not yet / changed my mind), and then the
// next activity to reflect on. A job works out what is due from the store and hands it to the delivery
// engine (docs/delivery.md), which keeps the school's quiet-hours rule for student follow-ups
// (docs/quiet-hours.md: not in quiet hours, at weekends, in school holidays or during the student's pause).

async function nextFlows(deps: Pick<BotDeps, 'modules' | 'flows'>, student: Person, flow: Flow): Promise<Flow[]> {
  const { sector, level } = await deps.modules.reflection.profileOf(student);
  return flow.next.map((type) => deps.flows.forActivity(type, sector, level)).filter((f): f is Flow => Boolean(f));
}

function thanksKey(outcome: FollowUpOutcome, last: boolean): string {
  return `student.followUp.thanks.${outcome === 'not-yet' && last ? 'not-yet-last' : outcome}`;
}

/** The follow-up as the delivery engine sees it: what is due, whom it goes to, and what the card says. */
function followUpDelivery(deps: FollowUpJobDeps): DeliveryKind<Reflection, { flow: Flow; step: string }> {
  const { studentFollowUps: followUps, repos } = deps;
  return {
    message: 'student-follow-up',
    schoolOf: (due) => due.schoolId,
    prepare: async (due, now) => {
      const student = await repos.people.get(due.schoolId, due.studentId);
      const flow = deps.flows.get(due.flowId);
      const step = followUps.stepOf(due);
      if (!student || !flow || !step) return { kind: 'skip', reason: 'gone' };
      // One follow-up a day at most: a student who reflected on five things gets five questions over five days.
      if (await followUps.askedRecently(student.id, now)) return { kind: 'wait' };
      return { kind: 'send', to: student, context: { flow, step } };
    },
    claim: (due, now, until) => followUps.claim(due, now, until),
    compose: (claimed, student, { flow, step }) => ({
      to: student,
      card: followUpCard({ flow, reflection: claimed, step, locale: student.locale }),
      summary: t(student.locale, 'student.followUp.title'),
    }),
    sent: async (claimed, message) => {
      await followUps.sent(claimed, message);
      deps.log.info({ personId: claimed.studentId, reflectionId: claimed.id }, 'follow-up sent');
    },
    retryLater: (claimed) => followUps.release(claimed),
    gaveUp: (due, reason) => followUps.skip(due, reason),
    postpone: (due, until) => followUps.postpone(due, until),
  };
}

/** What the follow-up job needs: the platform's parts, the delivery engine, and the follow-ups themselves. */
export type FollowUpJobDeps = Pick<BotDeps, 'repos' | 'flows' | 'log' | 'delivery' | 'studentFollowUps'>;

export async function runFollowUps(deps: FollowUpJobDeps, now: Date): Promise<Tally> {
  return deps.delivery.deliver(followUpDelivery(deps), await deps.studentFollowUps.due(now), now);
}

export const studentFollowUpFeature: Feature = {
  name: 'student-follow-up',
  verbs: [
    {
      verb: 'follow-up.answer',
      action: 'reflection.submit',
      run: async (turn, data) => {
        const { reflectionId, outcome } = data;
        if (typeof reflectionId !== 'string' || reflectionId.length > 64) {
          return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
        }
        const result = await turn.deps.studentFollowUps.answer(turn.actor, reflectionId, outcome);
        if (result.kind === 'not-yours') {
          turn.deps.log.warn(
            { personId: turn.actor.id, reflectionId, ownerId: result.ownerId },
            'follow-up answer for someone else refused',
          );
          return cardResponse(messageCard('core.errors.notYours', turn.locale, 'attention'));
        }
        if (result.kind !== 'answered') {
          turn.deps.log.info({ personId: turn.actor.id, reflectionId, problem: result.kind }, 'follow-up answer refused');
          return cardResponse(
            messageCard(result.kind === 'invalid' ? 'core.errors.invalidCard' : 'core.errors.notFound', turn.locale, 'attention'),
          );
        }
        const reflection: Reflection = result.reflection;
        const flow = turn.deps.flows.get(reflection.flowId) ?? turn.deps.flows.defaultFlow();
        turn.deps.log.info({ personId: turn.actor.id, reflectionId, outcome: result.outcome }, 'follow-up answered');
        return cardResponse(
          followUpCard({
            flow,
            reflection,
            step: turn.deps.studentFollowUps.stepOf(reflection) ?? '',
            locale: turn.locale,
            outcome: result.outcome,
            thanksKey: thanksKey(result.outcome, result.last),
            next: await nextFlows(turn.deps, turn.actor, flow),
          }),
        );
      },
    },
  ],
};
