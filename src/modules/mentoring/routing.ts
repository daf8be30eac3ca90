import { decide } from '../../core/authorization.ts';
import type { MentorItem, Reflection } from '../../core/entities.ts';
import { mentorMode } from '../../core/mentor-routing.ts';
import { DeliveryError, type Notifier, type Repositories } from '../../core/ports.ts';
import type { Clock } from '../../platform/clock.ts';

export interface RouterDeps {
  repos: Repositories;
  notifier: Notifier;
  clock: Clock;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
  /** How long a claimed item may stay 'sending' before another run may take it over (a crash mid-send). */
  claimMs?: number;
}

export interface RouteOutcome {
  reflection: Reflection;
  mentorCount: number;
}

/**
 * answer → store → router → mentor. Every submitted reflection becomes one item per active mentor in
 * that mentor's inbox; items for 'now' are sent as a card. The state lives in the store, so a crash at
 * any point is picked up by the next sweep, and a claim keeps two runs from sending the same item.
 */
export class Router {
  private readonly deps: RouterDeps;
  private readonly claimMs: number;
  constructor(deps: RouterDeps) {
    this.deps = deps;
    this.claimMs = deps.claimMs ?? 120_000;
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

  /** Sends one 'now' item, unless another run holds it. Never throws for delivery problems. */
  async deliver(item: MentorItem): Promise<'sent' | 'held' | 'failed'> {
    const { repos, notifier, clock, log } = this.deps;
    const now = clock.now();
    let claimed = false;
    const claim = await repos.mentorItems.update(item.mentorId, item.id, (c) => {
      // update() may call this again after losing a race: only the attempt that is written counts.
      claimed = false;
      if (c.state === 'sent') return undefined;
      if (c.claimedUntil && c.claimedUntil > now.toISOString()) return undefined;
      claimed = true;
      return { ...c, claimedUntil: new Date(now.getTime() + this.claimMs).toISOString(), attempts: c.attempts + 1 };
    });
    if (!claimed) return claim.state === 'sent' ? 'sent' : 'held';

    const release = (patch: Partial<MentorItem>) =>
      repos.mentorItems.update(item.mentorId, item.id, (c) => ({ ...c, ...patch, claimedUntil: undefined }));
    try {
      const [mentor, student, reflection] = await Promise.all([
        repos.people.get(item.schoolId, item.mentorId),
        repos.people.get(item.schoolId, item.studentId),
        repos.reflections.get(item.studentId, item.reflectionId),
      ]);
      const stillAssigned = await repos.assignments.get(item.schoolId, item.studentId, item.mentorId);
      const mayRead =
        mentor &&
        reflection &&
        decide(mentor, 'reflection.read', {
          kind: 'reflection',
          reflection,
          mentorsOfStudent: stillAssigned ? [stillAssigned] : [],
        }).allowed;
      if (!mentor || !student || !reflection || !mayRead) {
        // The mentor no longer has this student: their inbox item stays, but nothing is sent.
        await release({ lastError: 'not-assigned' });
        return 'failed';
      }
      const message = await notifier.reflectionToMentor({ mentor, student, reflection, itemId: item.id });
      await release({ state: 'sent', sentAt: clock.now().toISOString(), message, lastError: undefined });
      log.info({ mentorId: mentor.id, studentId: student.id, reflectionId: reflection.id }, 'reflection sent to mentor');
      return 'sent';
    } catch (err) {
      const reason = err instanceof DeliveryError ? err.reason : 'error';
      await release({ lastError: reason });
      const level = err instanceof DeliveryError && err.reason === 'no-conversation' ? 'debug' : 'warn';
      log[level](
        { mentorId: item.mentorId, itemId: item.id, reason, err: err instanceof DeliveryError ? undefined : String(err) },
        'mentor card not sent yet',
      );
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
