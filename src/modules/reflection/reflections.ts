import { decide } from '../../core/authorization.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import { type AnswerError, checkAnswers, checkText } from '../../core/flows/answer-checks.ts';
import { type Flow, type FlowCatalog, preparationField } from '../../core/flows/flows.ts';
import { taggingRule } from '../../core/flows/tagging.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError, type Doc, DuplicateError, type Write } from '../../platform/store/document-store.ts';
import type { Router } from '../mentoring/routing.ts';

export interface ReflectionDeps {
  repos: Repositories;
  flows: FlowCatalog;
  clock: Clock;
  router: Router;
  newId: () => string;
}

/** A reflection as its owner asks for it; the id in a card is never trusted on its own. */
export type Lookup =
  /** `pending`: not stored yet; it is created by the student's first answer. `join`: what its submit joins. */
  | { kind: 'found'; reflection: Reflection; flow: Flow; pending?: true; join?: Pending['join'] }
  | { kind: 'not-found' }
  | { kind: 'not-yours'; ownerId: string };

export type PreparationResult =
  | { kind: 'saved'; reflection: Reflection; flow: Flow }
  | { kind: 'invalid'; reflection: Reflection; flow: Flow; errors: AnswerError[]; values: Record<string, unknown> }
  | { kind: 'already-submitted'; reflection: Reflection; flow: Flow }
  | { kind: 'no-preparation'; reflection: Reflection; flow: Flow }
  | { kind: 'not-found' }
  | { kind: 'not-yours'; ownerId: string };

/** The card field of the preparation answer. */

export type SubmitResult =
  | { kind: 'submitted'; reflection: Reflection; flow: Flow; mentorCount: number }
  | { kind: 'already-submitted'; reflection: Reflection; flow: Flow }
  | { kind: 'invalid'; reflection: Reflection; flow: Flow; errors: AnswerError[]; values: Record<string, unknown> }
  | { kind: 'not-found' }
  | { kind: 'not-yours'; ownerId: string };

/**
 * A write of another module that belongs to a submit (the campaign ledger's "answered"), joined to the
 * answer's write call after the reflection, the write that decides: on SQLite in the same commit, on
 * Cosmos DB after it. Its replace is `ifUnchanged`, so a document that moved on since it was read skips
 * it rather than failing the answer; `done` then makes the change another way.
 */
export interface SubmitJoin {
  /** What the reflection gets in the same write (e.g. marked late). */
  reflection: Partial<Reflection>;
  write: Write;
  /** After the write call: what the joined write stored, or undefined when it was skipped. */
  done(written: Doc | undefined, stored: Reflection): Promise<void>;
}

/**
 * A reflection that is not stored yet, as what stands for it until the student answers gives it (a
 * campaign prompt's delivery), with what its submit joins, made from what was read for it (no read again).
 */
export interface Pending {
  reflection: Omit<Reflection, 'version'>;
  join?: (submittedAt: string) => SubmitJoin | undefined;
}

/** Where a reflection that is not stored yet may come from: what it would be, or undefined. */
export type PendingReflections = (actor: Person, reflectionId: string) => Promise<Pending | undefined>;

/** What the submit of a stored reflection joins to its write call (reading what it needs), or undefined. */
export type SubmitJoins = (reflection: Reflection, submittedAt: string) => Promise<SubmitJoin | undefined>;

/**
 * Adds to a reflection as it is submitted, before it is stored (e.g. its follow-up): no store work, so the
 * answers, this and the routing state are one write.
 */
export type SubmitStep = (reflection: Reflection) => Reflection;

export class ReflectionService {
  private readonly deps: ReflectionDeps;
  private readonly steps: SubmitStep[] = [];
  private readonly pending: PendingReflections[] = [];
  private readonly joins: SubmitJoins[] = [];
  constructor(deps: ReflectionDeps) {
    this.deps = deps;
  }

  /** Registers a step that adds to a reflection as it is submitted, in the same write. */
  onSubmitting(step: SubmitStep): void {
    this.steps.push(step);
  }

  /** Registers a place reflections may be pending in before their first answer. */
  onPending(source: PendingReflections): void {
    this.pending.push(source);
  }

  /** Registers what submits of stored reflections join to their write call (a pending one brings its own). */
  onSubmitJoin(joins: SubmitJoins): void {
    this.joins.push(joins);
  }

  /** Opens a reflection for a student; the card that shows it carries the reflection's id. */
  async start(
    student: Person,
    flowId?: string,
    options: { id?: string; source?: Reflection['source']; context?: Reflection['context'] } = {},
  ): Promise<{ reflection: Reflection; flow: Flow }> {
    const flow = (flowId && this.deps.flows.get(flowId)) || this.deps.flows.defaultFlow();
    const reflection = await this.deps.repos.reflections.create({
      id: options.id ?? this.deps.newId(),
      schoolId: student.schoolId,
      studentId: student.id,
      flowId: flow.id,
      activityType: flow.activityType,
      source: options.source ?? { kind: 'student' },
      ...(options.context ? { context: options.context } : {}),
      locale: student.locale,
      status: 'open',
      createdAt: this.deps.clock.now().toISOString(),
      answers: {},
      competencies: [],
      routing: 'none',
    });
    return { reflection, flow };
  }

  /** The acting person's own reflection, or why not. */
  async find(actor: Person, reflectionId: string): Promise<Lookup> {
    const { repos, flows } = this.deps;
    // The id comes from card data: never trusted. The policy decides whether this person may answer it.
    let reflection = await repos.reflections.get(actor.id, reflectionId);
    let pending: Pending | undefined;
    for (const source of reflection ? [] : this.pending) {
      pending = await source(actor, reflectionId);
      if (pending) {
        reflection = { ...pending.reflection, version: 0 };
        break;
      }
    }
    reflection ??= await repos.reflections.findAnywhere(reflectionId);
    if (!reflection) return { kind: 'not-found' };
    if (!decide(actor, 'reflection.submit', { kind: 'reflection', reflection }).allowed) {
      return { kind: 'not-yours', ownerId: reflection.studentId };
    }
    const flow = flows.get(reflection.flowId) ?? flows.defaultFlow();
    if (!pending) return { kind: 'found', reflection, flow };
    return pending.join
      ? { kind: 'found', reflection, flow, pending: true, join: pending.join }
      : { kind: 'found', reflection, flow, pending: true };
  }

  /**
   * Writes a change to the reflection found: one update of the stored one, or, for a pending one, its
   * creation with the change in it (one write). When another tap created it first, the update decides.
   */
  private async write(
    actor: Person,
    found: Extract<Lookup, { kind: 'found' }>,
    mutate: (r: Reflection) => Reflection | undefined,
  ) {
    if (found.pending) {
      const first = mutate(found.reflection);
      if (first) {
        try {
          const { version: _, ...draft } = first;
          return { stored: await this.deps.repos.reflections.create(draft), applied: true };
        } catch (err) {
          if (!(err instanceof DuplicateError)) throw err;
        }
      }
    }
    let applied = false;
    const stored = await this.deps.repos.reflections.update(actor.id, found.reflection.id, (r) => {
      applied = false; // update() re-runs this after a lost race: only the last run counts
      const next = mutate(r);
      applied = next !== undefined;
      return next;
    });
    return { stored, applied };
  }

  /**
   * Stores the answer to a flow's preparation prompt (before the activity). It may be changed until the
   * reflection is submitted; the reflection card shows it back afterwards.
   */
  async savePreparation(actor: Person, reflectionId: string, values: Record<string, unknown>): Promise<PreparationResult> {
    const found = await this.find(actor, reflectionId);
    if (found.kind !== 'found') return found;
    const { reflection, flow } = found;
    if (!flow.preparation) return { kind: 'no-preparation', reflection, flow };
    if (reflection.status === 'submitted') return { kind: 'already-submitted', reflection, flow };
    const unexpected = Object.keys(values).filter((k) => k !== preparationField);
    const text = checkText(values[preparationField], { required: true, maxLength: flow.preparation.maxLength });
    const errors: AnswerError[] = [
      ...unexpected.map((field) => ({ field, code: 'unexpected-field' as const })),
      ...(text.ok ? [] : [{ field: preparationField, code: text.code }]),
    ];
    if (errors.length || !text.ok) return { kind: 'invalid', reflection, flow, errors, values };
    const answeredAt = this.deps.clock.now().toISOString();
    const { stored } = await this.write(actor, found, (r) =>
      r.status === 'submitted' ? undefined : { ...r, preparation: { answer: text.text, answeredAt } },
    );
    if (stored.status === 'submitted') return { kind: 'already-submitted', reflection: stored, flow };
    return { kind: 'saved', reflection: stored, flow };
  }

  async attachCard(reflection: Reflection, card: { conversationId: string; activityId: string }): Promise<void> {
    await this.deps.repos.reflections.update(reflection.studentId, reflection.id, (r) => ({ ...r, card }));
  }

  /** What this submit joins to its write call: a pending reflection's own, else what the registered ones give. */
  private async joinsOf(found: Extract<Lookup, { kind: 'found' }>, submittedAt: string): Promise<SubmitJoin[]> {
    if (found.pending) {
      const join = found.join?.(submittedAt);
      return join ? [join] : [];
    }
    const joins: SubmitJoin[] = [];
    for (const source of this.joins) {
      const join = await source(found.reflection, submittedAt);
      if (join) joins.push(join);
    }
    return joins;
  }

  /**
   * Stores a student's answers and hands them to the router. The acting person must own the reflection:
   * the id in the card is never trusted on its own.
   */
  async submit(actor: Person, reflectionId: string, values: Record<string, unknown>): Promise<SubmitResult> {
    const { clock, router } = this.deps;
    const found = await this.find(actor, reflectionId);
    if (found.kind !== 'found') return found;
    const { reflection, flow } = found;
    if (reflection.status === 'submitted') return { kind: 'already-submitted', reflection, flow };
    const check = checkAnswers(flow, values);
    if (!check.ok) return { kind: 'invalid', reflection, flow, errors: check.errors, values };

    const submittedAt = clock.now().toISOString();
    const joins = await this.joinsOf(found, submittedAt);
    const answered = (r: Reflection): Reflection =>
      this.steps.reduce<Reflection>((next, step) => step(next), {
        ...r,
        ...Object.assign({}, ...joins.map((j) => j.reflection)),
        status: 'submitted',
        submittedAt,
        answers: check.answers,
        choices: check.choices,
        ...(check.emotion ? { emotion: check.emotion } : {}),
        ...(check.emotionWord ? { emotionWord: check.emotionWord } : {}),
        ...(check.kernwoord ? { kernwoord: check.kernwoord } : {}),
        competencies: check.competencies,
        taggingRule,
        wantsToTalk: check.wantsToTalk,
        signals: check.signals,
      });

    // One write call: the answers, the follow-up and the routing state on the reflection, with the mentors'
    // items and what other modules join (the ledger's delivery). The versions read above are the checks:
    // no read again before writing.
    const plan = await router.plan(reflection);
    let current: Reflection = reflection;
    for (let attempt = 1; ; attempt++) {
      const { reflection: next, items } = router.applyTo(plan, answered(current));
      let saved: Awaited<ReturnType<Repositories['reflections']['saveRouted']>>;
      try {
        saved = await this.deps.repos.reflections.saveRouted(
          next,
          items,
          joins.map((j) => j.write),
        );
      } catch (err) {
        // Someone else wrote it first: a double tap (the first submit wins), or another change to it.
        if (!(err instanceof ConflictError || err instanceof DuplicateError) || attempt >= 5) throw err;
        const fresh = await this.deps.repos.reflections.get(actor.id, reflection.id);
        if (!fresh) throw err;
        if (fresh.status === 'submitted') return { kind: 'already-submitted', reflection: fresh, flow };
        current = fresh;
        continue;
      }
      const stored = saved.reflection;
      for (const [i, join] of joins.entries()) await join.done(saved.joined[i], stored);
      await router.dispatch(items, saved.items);
      return { kind: 'submitted', reflection: stored, flow, mentorCount: plan.mentorIds.length };
    }
  }
}
