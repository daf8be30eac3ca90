import { type FollowUpOutcome, followUpOutcomes, type Person, type Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import { answerInPhase } from './overview.ts';

// The follow-up on a student's next step: some days after a reflection the bot asks whether the step
// happened (done / not yet / changed my mind). A "not yet" asks once more. The state lives on the
// reflection, and `followUpDueAt` (top level, queried) is there only while a follow-up waits, so the job
// computes "everything due up to now" from the store and a double run sends nothing twice.

export const maxRounds = 2;
const dayMs = 86_400_000;

export type FollowUpAnswer =
  | { kind: 'answered'; reflection: Reflection; outcome: FollowUpOutcome; last: boolean }
  | { kind: 'invalid' }
  | { kind: 'not-asked' }
  | { kind: 'not-found' }
  | { kind: 'not-yours'; ownerId: string };

export class StudentFollowUps {
  private readonly deps: { repos: Repositories; clock: Clock; flows: FlowCatalog; days: number };
  constructor(deps: { repos: Repositories; clock: Clock; flows: FlowCatalog; days: number }) {
    this.deps = deps;
  }

  /** The step a follow-up asks about: the answer to the flow's activate question. */
  stepOf(reflection: Reflection): string | undefined {
    const flow = this.deps.flows.get(reflection.flowId);
    return flow ? answerInPhase(flow, reflection, 'activate') : undefined;
  }

  /**
   * The reflection with its follow-up planned, when the student named a next step (else as it is). No
   * store work: a submit stores it with the answers, in the same write.
   */
  readonly plan = (reflection: Reflection): Reflection => {
    if (!this.stepOf(reflection) || reflection.followUp) return reflection;
    const from = new Date(reflection.submittedAt ?? this.deps.clock.now().toISOString()).getTime();
    const dueAt = new Date(from + this.deps.days * dayMs).toISOString();
    return { ...reflection, followUp: { state: 'scheduled', rounds: 0 }, followUpDueAt: dueAt };
  };

  /** Plans and stores the follow-up of a reflection stored without one; undefined when none is needed. */
  async schedule(reflection: Reflection): Promise<Reflection | undefined> {
    const planned = this.plan(reflection);
    if (planned === reflection) return undefined;
    return this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) =>
      r.followUp ? undefined : { ...r, followUp: planned.followUp, followUpDueAt: planned.followUpDueAt },
    );
  }

  due(now: Date): Promise<Reflection[]> {
    return this.deps.repos.reflections.listFollowUpsDue(now.toISOString());
  }

  /** True when the student got a follow-up in the last 20 hours. */
  async askedRecently(studentId: string, now: Date): Promise<boolean> {
    const since = new Date(now.getTime() - 20 * 3_600_000).toISOString();
    const all = await this.deps.repos.reflections.listByStudent(studentId);
    return all.some((r) => r.followUp?.sentAt !== undefined && r.followUp.sentAt > since);
  }

  /** Takes a due follow-up for sending until `until`; undefined when another run holds it or it is no longer due. */
  async claim(reflection: Reflection, now: Date, until: Date): Promise<Reflection | undefined> {
    let claimed = false;
    const stored = await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) => {
      claimed = false; // update() re-runs this after a lost race: only the last run counts
      const f = r.followUp;
      if (f?.state !== 'scheduled' || !r.followUpDueAt || r.followUpDueAt > now.toISOString()) return undefined;
      if (f.claimedUntil && f.claimedUntil > now.toISOString()) return undefined;
      claimed = true;
      return { ...r, followUp: { ...f, claimedUntil: until.toISOString() } };
    });
    return claimed ? stored : undefined;
  }

  async sent(reflection: Reflection, card: { conversationId: string; activityId: string }): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) => ({
      ...r,
      followUpDueAt: undefined,
      followUp: {
        ...r.followUp!,
        state: 'sent',
        rounds: (r.followUp?.rounds ?? 0) + 1,
        sentAt: now,
        card,
        claimedUntil: undefined,
      },
    }));
  }

  /** A delivery that may work later: keep it due, free the claim. */
  async release(reflection: Reflection): Promise<void> {
    await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) =>
      r.followUp ? { ...r, followUp: { ...r.followUp, claimedUntil: undefined } } : undefined,
    );
  }

  /** Not sent and not retried (the student cannot be reached). */
  async skip(reflection: Reflection, reason: string): Promise<void> {
    await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) => ({
      ...r,
      followUpDueAt: undefined,
      followUp: { ...r.followUp!, state: 'skipped', skippedReason: reason, claimedUntil: undefined },
    }));
  }

  /** A paused student is asked after the pause, not during it. */
  async postpone(reflection: Reflection, until: string): Promise<void> {
    await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) =>
      r.followUpDueAt && r.followUpDueAt < until ? { ...r, followUpDueAt: until } : undefined,
    );
  }

  async answer(actor: Person, reflectionId: string, outcome: unknown): Promise<FollowUpAnswer> {
    if (typeof outcome !== 'string' || !(followUpOutcomes as readonly string[]).includes(outcome)) return { kind: 'invalid' };
    const { repos, clock } = this.deps;
    const reflection = await repos.reflections.get(actor.id, reflectionId);
    if (!reflection) {
      const elsewhere = await repos.reflections.findAnywhere(reflectionId);
      return elsewhere ? { kind: 'not-yours', ownerId: elsewhere.studentId } : { kind: 'not-found' };
    }
    const f = reflection.followUp;
    if (!f || (f.state !== 'sent' && f.state !== 'answered')) return { kind: 'not-asked' };
    const value = outcome as FollowUpOutcome;
    const now = clock.now();
    const askAgain = value === 'not-yet' && f.rounds < maxRounds;
    const stored = await repos.reflections.update(actor.id, reflectionId, (r) => {
      if (r.followUp?.state === 'answered' && r.followUp.outcome === value) return undefined; // a double tap
      return {
        ...r,
        followUp: { ...r.followUp!, state: askAgain ? 'scheduled' : 'answered', outcome: value, answeredAt: now.toISOString() },
        followUpDueAt: askAgain ? new Date(now.getTime() + this.deps.days * dayMs).toISOString() : undefined,
      };
    });
    return { kind: 'answered', reflection: stored, outcome: value, last: value === 'not-yet' && !askAgain };
  }
}
