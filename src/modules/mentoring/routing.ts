import type { MentorItem, Reflection } from '../../core/entities.ts';
import { mentorMode } from '../../core/mentor-routing.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryEngine, DeliveryKind } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
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
   * Puts a submitted reflection in the inbox of each of the student's mentors. 'now' cards are sent in
   * the background by default (the student's answer does not wait for them); the sweep sends inline.
   */
  async routeReflection(reflection: Reflection, delivery: 'background' | 'inline' = 'background'): Promise<RouteOutcome> {
    const { repos, clock } = this.deps;
    if (reflection.status !== 'submitted') return { reflection, mentorCount: 0 };
    const mentors = await repos.assignments.activeMentorsOf(reflection.schoolId, reflection.studentId);
    if (mentors.length === 0) {
      const waiting =
        reflection.routing === 'awaiting-mentor'
          ? reflection
          : await repos.reflections.update(reflection.studentId, reflection.id, (r) =>
              r.routing === 'awaiting-mentor' ? undefined : { ...r, routing: 'awaiting-mentor' },
            );
      return { reflection: waiting, mentorCount: 0 };
    }
    const items: MentorItem[] = [];
    for (const a of mentors) {
      const { item } = await repos.mentorItems.ensure({
        id: `${reflection.id}:${a.mentorId}`,
        schoolId: reflection.schoolId,
        mentorId: a.mentorId,
        studentId: reflection.studentId,
        reflectionId: reflection.id,
        createdAt: clock.now().toISOString(),
        mode: this.modeFor(reflection),
        priority: reflection.wantsToTalk ? 'talk' : reflection.signals?.length ? 'signal' : 'other',
        ...(reflection.submittedAt ? { submittedAt: reflection.submittedAt } : {}),
        state: 'pending',
        attempts: 0,
      });
      items.push(item);
    }
    const routed = await repos.reflections.update(reflection.studentId, reflection.id, (r) =>
      r.routing === 'routed' ? undefined : { ...r, routing: 'routed' },
    );
    // Routed means: in every mentor's inbox, in the store. Sending the 'now' cards does not hold up the
    // student's answer; if it fails or the process stops, the sweep sends them.
    const now = items.filter((item) => item.mode === 'now' && item.state !== 'sent');
    if (delivery === 'inline') for (const item of now) await this.deliver(item);
    else if (now.length) this.inFlight.add(this.deliverAll(now));
    return { reflection: routed, mentorCount: mentors.length };
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
