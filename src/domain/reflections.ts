import type { Clock } from '../clock.ts';
import { decide } from './authorization.ts';
import type { Person, Reflection, Signal } from './entities.ts';
import { type AnswerError, checkAnswers, type Flow, type FlowCatalog } from './flows.ts';
import type { Repositories } from './ports.ts';
import type { Router } from './routing.ts';
import type { Emotion } from './types.ts';

export interface ReflectionDeps {
  repos: Repositories;
  flows: FlowCatalog;
  clock: Clock;
  router: Router;
  newId: () => string;
}

export type SubmitResult =
  | { kind: 'submitted'; reflection: Reflection; flow: Flow; mentorCount: number }
  | { kind: 'already-submitted'; reflection: Reflection; flow: Flow }
  | { kind: 'invalid'; reflection: Reflection; flow: Flow; errors: AnswerError[]; values: Record<string, unknown> }
  | { kind: 'not-found' }
  | { kind: 'not-yours'; ownerId: string };

/** Soft signals from what the student chose (never from free text). */
function signalsOf(check: { emotion?: Emotion }): Signal[] {
  return check.emotion === 'awful' ? ['very-negative'] : [];
}

/** Called after a reflection is stored as submitted, before it is routed (e.g. the delivery ledger marks it answered). */
export type SubmittedListener = (reflection: Reflection) => Promise<Reflection | undefined>;

export class ReflectionService {
  private readonly deps: ReflectionDeps;
  private readonly listeners: SubmittedListener[] = [];
  constructor(deps: ReflectionDeps) {
    this.deps = deps;
  }

  /** Registers a listener for submitted reflections; it may return an updated reflection. */
  onSubmitted(listener: SubmittedListener): void {
    this.listeners.push(listener);
  }

  /** Opens a reflection for a student; the card that shows it carries the reflection's id. */
  async start(
    student: Person,
    flowId?: string,
    options: { id?: string; source?: Reflection['source'] } = {},
  ): Promise<{ reflection: Reflection; flow: Flow }> {
    const flow = (flowId && this.deps.flows.get(flowId)) || this.deps.flows.defaultFlow();
    const reflection = await this.deps.repos.reflections.create({
      id: options.id ?? this.deps.newId(),
      schoolId: student.schoolId,
      studentId: student.id,
      flowId: flow.id,
      activityType: flow.activityType,
      source: options.source ?? { kind: 'student' },
      locale: student.locale,
      status: 'open',
      createdAt: this.deps.clock.now().toISOString(),
      answers: {},
      competencies: [],
      routing: 'none',
    });
    return { reflection, flow };
  }

  async attachCard(reflection: Reflection, card: { conversationId: string; activityId: string }): Promise<void> {
    await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) => ({ ...r, card }));
  }

  /**
   * Stores a student's answers and hands them to the router. The acting person must own the reflection:
   * the id in the card is never trusted on its own.
   */
  async submit(actor: Person, reflectionId: string, values: Record<string, unknown>): Promise<SubmitResult> {
    const { repos, flows, clock, router } = this.deps;
    const reflection =
      (await repos.reflections.get(actor.id, reflectionId)) ?? (await repos.reflections.findAnywhere(reflectionId));
    if (!reflection) return { kind: 'not-found' };
    if (!decide(actor, 'reflection.submit', { kind: 'reflection', reflection }).allowed) {
      return { kind: 'not-yours', ownerId: reflection.studentId };
    }
    const flow = flows.get(reflection.flowId) ?? flows.defaultFlow();
    if (reflection.status === 'submitted') return { kind: 'already-submitted', reflection, flow };
    const check = checkAnswers(flow, values);
    if (!check.ok) return { kind: 'invalid', reflection, flow, errors: check.errors, values };

    let wonTheRace = false;
    const stored = await repos.reflections.update(actor.id, reflectionId, (r) => {
      if (r.status === 'submitted') return undefined; // a double tap: the first submit wins
      wonTheRace = true;
      return {
        ...r,
        status: 'submitted',
        submittedAt: clock.now().toISOString(),
        answers: check.answers,
        ...(check.emotion ? { emotion: check.emotion } : {}),
        competencies: check.competencies,
        wantsToTalk: check.wantsToTalk,
        signals: signalsOf(check),
        routing: 'pending',
      };
    });
    if (!wonTheRace) return { kind: 'already-submitted', reflection: stored, flow };
    let current = stored;
    for (const listener of this.listeners) current = (await listener(current)) ?? current;
    const { mentorCount, reflection: routed } = await router.routeReflection(current);
    return { kind: 'submitted', reflection: routed, flow, mentorCount };
  }
}
