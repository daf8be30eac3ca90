import { messageCard } from '../../core/cards/cards.ts';
import type { FollowUpOutcome, Person, Reflection } from '../../core/entities.ts';
import type { Flow } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import { DeliveryError } from '../../core/ports.ts';
import { isAllowed, quietReason, type SendPolicy } from '../../core/send-policy/quiet-hours.ts';
import { sectorOf } from '../../core/student-profile.ts';
import { type BotDeps, cardResponse, type Feature } from '../../teams/turn.ts';
import { followUpCard } from './student-cards.ts';

// Some days after a reflection: "did your step happen?" (done / not yet / changed my mind), and then the
// next activity to reflect on. Sent by a job that works out what is due from the store, by the school's
// quiet-hours rule for student follow-ups (docs/quiet-hours.md): not in quiet hours, at weekends, in
// school holidays or during the student's pause.

async function nextFlows(deps: Pick<BotDeps, 'repos' | 'flows'>, student: Person, flow: Flow): Promise<Flow[]> {
  const sector = await sectorOf(deps.repos, student);
  return flow.next.map((type) => deps.flows.forActivity(type, sector)).filter((f): f is Flow => Boolean(f));
}

function thanksKey(outcome: FollowUpOutcome, last: boolean): string {
  return `student.followUp.thanks.${outcome === 'not-yet' && last ? 'not-yet-last' : outcome}`;
}

/** What the follow-up job needs: the platform's parts, the outbound side, and the follow-ups themselves. */
export type FollowUpJobDeps = Pick<BotDeps, 'repos' | 'flows' | 'log' | 'sendPolicy' | 'reach' | 'studentFollowUps'>;

export async function runFollowUps(
  deps: FollowUpJobDeps,
  now: Date,
): Promise<{ sent: number; waiting: number; skipped: number }> {
  const { studentFollowUps: followUps, repos, log } = deps;
  const policies = new Map<string, Promise<SendPolicy>>();
  let sent = 0;
  let waiting = 0;
  let skipped = 0;
  for (const due of await followUps.due(now)) {
    if (!policies.has(due.schoolId)) policies.set(due.schoolId, deps.sendPolicy(due.schoolId));
    const policy = await policies.get(due.schoolId)!;
    if (!isAllowed(now, policy, 'student-follow-up')) {
      waiting++;
      continue;
    }
    const student = await repos.people.get(due.schoolId, due.studentId);
    const flow = deps.flows.get(due.flowId);
    const step = followUps.stepOf(due);
    if (!student || !flow || !step) {
      await followUps.skip(due, 'gone');
      skipped++;
      continue;
    }
    if (quietReason(now, policy, 'student-follow-up', student.pause) === 'paused') {
      await followUps.postpone(due, student.pause!.until);
      waiting++;
      continue;
    }
    // One follow-up a day at most: a student who reflected on five things gets five questions over five days.
    if (await followUps.askedRecently(student.id, now)) {
      waiting++;
      continue;
    }
    const claimed = await followUps.claim(due, now);
    if (!claimed) continue;
    try {
      const card = followUpCard({ flow, reflection: claimed, step, locale: student.locale });
      const message = await deps.reach.sendCard(student, card, t(student.locale, 'student.followUp.title'));
      await followUps.sent(claimed, message);
      log.info({ personId: student.id, reflectionId: claimed.id }, 'follow-up sent');
      sent++;
    } catch (err) {
      if (err instanceof DeliveryError && !err.transient) {
        await followUps.skip(claimed, err.reason);
        skipped++;
      } else {
        await followUps.release(claimed);
        waiting++;
      }
      log.warn(
        { personId: student.id, reflectionId: claimed.id, reason: err instanceof DeliveryError ? err.reason : 'error' },
        'follow-up not sent',
      );
    }
  }
  return { sent, waiting, skipped };
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
