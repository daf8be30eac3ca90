import type { MentorItem, Reflection } from '../../core/entities.ts';
import { mentorMode } from '../../core/mentor-routing.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryKind } from '../../delivery/delivery-kind.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import { ConflictError } from '../../platform/store/document-store.ts';
import { type AtOnceMessage, atOnceDelivery, type RouterLog } from './at-once.ts';

export interface RouterDeps {
  repos: Repositories;
  /** Sends the at-once card: claim, send, outcome (src/delivery/engine.ts). */
  delivery: Pick<DeliveryEngine, 'deliverOne'>;
  /** What the at-once card says (MentorMessages.atOnce in the bot). */
  message: AtOnceMessage;
  sendPolicy: SendPolicies;
  clock: Clock;
  log: RouterLog;
}

/** The mentors a reflection goes to, as read when it was planned. */
export interface RoutePlan {
  mentorIds: string[];
}

export interface RouteOutcome {
  reflection: Reflection;
  mentorCount: number;
}

/**
 * answer → store → router → mentor. Every submitted reflection becomes one item per active mentor in
 * that mentor's inbox; items for 'now' are sent as a card through the delivery engine. The state lives in
 * the store, so a crash at any point is picked up by the next sweep, and the engine's claim keeps two runs
 * from sending the same item.
 */
export class Router {
  private readonly deps: RouterDeps;
  private readonly atOnce: DeliveryKind<MentorItem, unknown>;
  constructor(deps: RouterDeps) {
    this.deps = deps;
    this.atOnce = atOnceDelivery(deps) as DeliveryKind<MentorItem, unknown>;
  }

  /**
   * Where a submitted reflection goes: one item per active mentor of the student (none: the reflection
   * waits for a mentor). Reads the assignments only; the caller stores the plan (`applyTo`, then
   * repos.reflections.saveRouted) and hands the stored items to `dispatch`.
   */
  async plan(reflection: Reflection): Promise<RoutePlan> {
    const mentors = await this.deps.repos.assignments.activeMentorsOf(reflection.schoolId, reflection.studentId);
    return { mentorIds: mentors.map((a) => a.mentorId) };
  }

  /** The reflection as routed by this plan, and its mentor items (ids derived from the reflection's). */
  applyTo(plan: RoutePlan, reflection: Reflection): { reflection: Reflection; items: Omit<MentorItem, 'version'>[] } {
    const routed: Reflection = { ...reflection, routing: plan.mentorIds.length ? 'routed' : 'awaiting-mentor' };
    const createdAt = this.deps.clock.now().toISOString();
    const items = plan.mentorIds.map(
      (mentorId): Omit<MentorItem, 'version'> => ({
        id: `${reflection.id}:${mentorId}`,
        schoolId: reflection.schoolId,
        mentorId,
        studentId: reflection.studentId,
        reflectionId: reflection.id,
        createdAt,
        mode: this.modeFor(reflection),
        priority: reflection.wantsToTalk ? 'talk' : reflection.signals?.length ? 'signal' : 'other',
        ...(reflection.submittedAt ? { submittedAt: reflection.submittedAt } : {}),
        state: 'pending',
        attempts: 0,
      }),
    );
    return { reflection: routed, items };
  }

  /**
   * After the commit: an item that was there already (a retry, or a lost race with other answers) gets
   * this answer's mode and priority; then the 'now' cards go out, in the background by default (the
   * student's answer does not wait for them; if sending fails or the process stops, the sweep sends them).
   */
  async dispatch(
    planned: readonly Omit<MentorItem, 'version'>[],
    stored: readonly (MentorItem | undefined)[],
    delivery: 'background' | 'inline' = 'background',
  ): Promise<void> {
    const items: MentorItem[] = [];
    for (const [i, want] of planned.entries()) {
      try {
        items.push(stored[i] ?? (await this.settle(want)));
      } catch (err) {
        // The answer is stored and in the inbox; only this item's mode may lag (the sweep sends 'now' items).
        this.deps.log.warn({ itemId: want.id, err: String(err) }, 'existing mentor item not brought up to date');
      }
    }
    const now = items.filter((item) => item.mode === 'now' && item.state !== 'sent');
    if (delivery === 'inline') for (const item of now) await this.deliver(item);
    else if (now.length) this.inFlight.add(this.deliverAll(now));
  }

  private settle(want: Omit<MentorItem, 'version'>): Promise<MentorItem> {
    return this.deps.repos.mentorItems.update(want.mentorId, want.id, (c) =>
      c.mode === want.mode && c.priority === want.priority && c.submittedAt === want.submittedAt
        ? undefined
        : { ...c, mode: want.mode, priority: want.priority, ...(want.submittedAt ? { submittedAt: want.submittedAt } : {}) },
    );
  }

  /**
   * Puts a submitted reflection in the inbox of each of the student's mentors, with its routing state, in
   * one commit (the sweep's path; a submit does the same within its own write).
   */
  async routeReflection(reflection: Reflection, delivery: 'background' | 'inline' = 'background'): Promise<RouteOutcome> {
    const { repos } = this.deps;
    if (reflection.status !== 'submitted') return { reflection, mentorCount: 0 };
    const plan = await this.plan(reflection);
    let current = reflection;
    for (let attempt = 1; ; attempt++) {
      if (current.status !== 'submitted' || current.routing === 'routed') return { reflection: current, mentorCount: 0 };
      if (!plan.mentorIds.length && current.routing === 'awaiting-mentor') return { reflection: current, mentorCount: 0 };
      const { reflection: next, items } = this.applyTo(plan, current);
      try {
        const saved = await repos.reflections.saveRouted(next, items);
        await this.dispatch(items, saved.items, delivery);
        return { reflection: saved.reflection, mentorCount: plan.mentorIds.length };
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= 5) throw err;
        const fresh = await repos.reflections.get(reflection.studentId, reflection.id);
        if (!fresh) throw err;
        current = fresh;
      }
    }
  }

  private readonly inFlight = new Set<Promise<void>>();

  private deliverAll(items: MentorItem[]): Promise<void> {
    const p: Promise<void> = (async () => {
      for (const item of items) await this.deliver(item);
    })()
      .catch((err) => this.deps.log.warn({ err: String(err) }, 'mentor delivery failed; the sweep retries'))
      .finally(() => this.inFlight.delete(p));
    return p;
  }

  /** Waits for deliveries started by routeReflection (tests, shutdown). */
  async idle(): Promise<void> {
    while (this.inFlight.size) await Promise.all([...this.inFlight]);
  }

  /** At once only when the student asked to talk or on a soft signal; everything else waits for the digest. */
  protected modeFor(reflection: Reflection): MentorItem['mode'] {
    return mentorMode(reflection);
  }

  /** Sends one 'now' item through the delivery engine, unless another run holds it. Never throws for delivery problems. */
  async deliver(item: MentorItem): Promise<'sent' | 'held' | 'failed'> {
    try {
      const outcome = await this.deps.delivery.deliverOne(this.atOnce, item, this.deps.clock.now());
      return outcome === 'sent' || outcome === 'held' ? outcome : 'failed';
    } catch (err) {
      this.deps.log.warn({ mentorId: item.mentorId, itemId: item.id, err: String(err) }, 'mentor card not sent yet');
      return 'failed';
    }
  }

  /** Picks up whatever is left: answers of students who got a mentor since, and unsent 'now' items. */
  async sweep(): Promise<{ routed: number; sent: number }> {
    const { repos } = this.deps;
    await this.idle();
    let routed = 0;
    let sent = 0;
    for (const r of await repos.reflections.listByRouting(['pending', 'awaiting-mentor'])) {
      const outcome = await this.routeReflection(r, 'inline');
      if (outcome.mentorCount > 0) routed++;
    }
    for (const item of await repos.mentorItems.listPending('now')) {
      if ((await this.deliver(item)) === 'sent') sent++;
    }
    return { routed, sent };
  }
}
