import { type AdaptiveCard, preparationCard } from '../../core/cards/cards.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import { nextAllowed, quietReason, type SendPolicies, type SendPolicy } from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { runWorkers } from '../../platform/pool.ts';
import { DuplicateError } from '../../platform/store/document-store.ts';
import type { RetryOptions } from '../../teams/connector.ts';
import { deliveryErrorFrom, type Reach } from '../../teams/reach.ts';
import type { ReflectionService } from '../reflection/reflections.ts';
import { type Activity, type Campaign, type Delivery, finalDeliveryStates, spreadDue } from './campaigns.ts';
import { campaignPromptCard } from './cards.ts';
import { recheckMs } from './planner.ts';
import type { CampaignRepositories, LeasePort } from './ports.ts';

// outbox → sender → Teams. The sender works from the delivery ledger: it takes the deliveries whose
// dueAt has come, claims each one with a compare-and-swap on its version (so two instances never both
// send it), sends it at Teams' rate limits, and records the outcome. A claim moves dueAt to the end of
// the claim, so the work reappears by itself if this instance dies mid-send: another instance takes it
// over once the claim expires. Only a prompt whose request was already on the wire at the crash can
// then arrive twice; nothing is lost.

export interface SenderOptions {
  /** How long a claimed delivery stays with this instance; longer than one send with its retries. */
  claimMs: number;
  /** The school's sending lease: renewed while sending; another instance takes over when it lapses. */
  leaseMs: number;
  batchSize: number;
  /** Deliveries in flight at once (the rate limiter paces them). */
  concurrency: number;
  /** How long one run may take (the job's lease is held for it). */
  maxRunMs: number;
  /** Per-request retries within a claim (Retry-After on 429, backoff with jitter on 412/5xx). */
  retry: RetryOptions;
}

export interface SenderDeps {
  repos: Repositories;
  camp: CampaignRepositories;
  flows: FlowCatalog;
  reflections: ReflectionService;
  reach: Reach;
  clock: Clock;
  log: Logger;
  /** This instance, in claims and leases. */
  owner: string;
  leases: LeasePort;
  policyFor: SendPolicies;
  /** A campaign's numbers changed (its status cards are updated). */
  onChange?: (schoolId: string, campaignId: string) => void;
}

export interface SendStats {
  sent: number;
  reminded: number;
  closed: number;
  unreachable: number;
  /** Waiting for an allowed moment (quiet hours, holiday, a student's pause). */
  deferred: number;
  /** Transient failures after the request budget: tried again later. */
  failed: number;
  /** Request retries (429, 412, 5xx) within a send. */
  retries: number;
  cancelled: number;
  parked: number;
  /** Deliveries another instance (or an answer) changed first. */
  lost: number;
}

const emptyStats = (): SendStats => ({
  sent: 0,
  reminded: 0,
  closed: 0,
  unreachable: 0,
  deferred: 0,
  failed: 0,
  retries: 0,
  cancelled: 0,
  parked: 0,
  lost: 0,
});

const dayMs = 24 * 3_600_000;

/** The earlier of two ISO instants. */
function earlier(a: string, b: string): string {
  return a < b ? a : b;
}
/** After this many transient failures in a row the run stops: the service is down, the backoff takes over. */
const outageAfter = 25;

interface RunContext {
  stats: SendStats;
  policies: Map<string, Promise<SendPolicy>>;
  campaigns: Map<string, { at: number; campaign: Promise<Campaign | undefined> }>;
  activities: Map<string, Promise<Activity | undefined>>;
  failuresInARow: number;
}

function newContext(): RunContext {
  return { stats: emptyStats(), policies: new Map(), campaigns: new Map(), activities: new Map(), failuresInARow: 0 };
}

export class CampaignSender {
  private readonly deps: SenderDeps;
  private readonly opts: SenderOptions;
  constructor(deps: SenderDeps, options: SenderOptions) {
    this.deps = deps;
    this.opts = options;
  }

  /**
   * Sends what is due in every school whose sending lease this instance gets (one instance sends for a
   * school at a time, so Teams' per-tenant limit holds across instances; schools are shared out), until
   * nothing is due or maxRunMs has passed. Never throws for a delivery's problems.
   */
  async run(): Promise<SendStats> {
    const { camp, clock, leases, owner } = this.deps;
    const ctx = newContext();
    const deadline = Date.now() + this.opts.maxRunMs;
    for (const school of await this.deps.repos.schools.list()) {
      if (Date.now() >= deadline) break;
      // Nothing due: no lease taken (an idle tick costs one read per school).
      if (!(await camp.deliveries.due(school.id, clock.now().toISOString(), 1)).length) continue;
      const lease = `campaign-sender:${school.id}`;
      if (!(await leases.acquire(lease, owner, this.opts.leaseMs, clock.now()))) continue;
      let renewedAt = Date.now();
      const keep = async () => {
        if (Date.now() - renewedAt < this.opts.leaseMs / 3) return true;
        renewedAt = Date.now();
        return leases.acquire(lease, owner, this.opts.leaseMs, clock.now());
      };
      try {
        await this.sendDue(school.id, { deadline, keep }, ctx);
      } finally {
        await leases.release(lease, owner);
      }
    }
    return ctx.stats;
  }

  /**
   * Sends what is due in one school, without its lease: claims alone keep instances from sending a
   * prompt twice (tests and the bench use this to show it). `keep` is asked between batches whether this
   * instance still holds the school; when it does not, sending stops.
   */
  async sendDue(
    schoolId: string,
    options: { deadline?: number; keep?: () => Promise<boolean> } = {},
    ctx: RunContext = newContext(),
  ): Promise<SendStats> {
    await this.runSchool(schoolId, options.deadline ?? Date.now() + this.opts.maxRunMs, ctx, options.keep ?? (async () => true));
    return ctx.stats;
  }

  private async runSchool(schoolId: string, deadline: number, ctx: RunContext, keep: () => Promise<boolean>): Promise<void> {
    const { camp, clock, log } = this.deps;
    const seen = new Set<string>();
    const queue: Delivery[] = [];
    let drained = false;
    let refilling: Promise<void> | undefined;
    const refill = () => {
      refilling ??= keep()
        .then(async (held) => {
          if (!held) {
            log.warn({ schoolId }, 'lost the school’s sending lease; another instance takes over');
            return [];
          }
          return camp.deliveries.due(schoolId, clock.now().toISOString(), this.opts.batchSize);
        })
        .then((due) => {
          const fresh = due.filter((d) => !seen.has(d.id));
          for (const d of fresh) seen.add(d.id);
          queue.push(...fresh);
          // Everything due was seen already in this run (left due by an error): the next run retries it.
          if (fresh.length === 0) drained = true;
        })
        .finally(() => {
          refilling = undefined;
        });
      return refilling;
    };
    const worker = async () => {
      for (;;) {
        const d = queue.shift();
        if (!d) {
          if (drained || Date.now() >= deadline || ctx.failuresInARow >= outageAfter) return;
          await refill();
          continue;
        }
        try {
          await this.handle(d, ctx);
        } catch (err) {
          log.error({ deliveryId: d.id, err: String(err) }, 'campaign delivery step failed; retried next run');
        }
      }
    };
    await runWorkers(this.opts.concurrency, worker);
    if (ctx.failuresInARow >= outageAfter)
      log.warn({ schoolId, failuresInARow: ctx.failuresInARow }, 'Teams keeps failing: sending paused until the next run');
  }

  private policy(ctx: RunContext, schoolId: string): Promise<SendPolicy> {
    let p = ctx.policies.get(schoolId);
    if (!p) {
      p = this.deps.policyFor(schoolId);
      ctx.policies.set(schoolId, p);
    }
    return p;
  }

  /** Campaigns are read at most once a second per run, so a pause or stop takes effect within a second. */
  private campaign(ctx: RunContext, schoolId: string, id: string): Promise<Campaign | undefined> {
    const hit = ctx.campaigns.get(id);
    if (hit && Date.now() - hit.at < 1000) return hit.campaign;
    const campaign = this.deps.camp.campaigns.get(schoolId, id);
    ctx.campaigns.set(id, { at: Date.now(), campaign });
    return campaign;
  }

  private activity(ctx: RunContext, schoolId: string, id: string): Promise<Activity | undefined> {
    let a = ctx.activities.get(id);
    if (!a) {
      a = this.deps.camp.activities.get(schoolId, id);
      ctx.activities.set(id, a);
    }
    return a;
  }

  private changed(d: Delivery): void {
    this.deps.onChange?.(d.schoolId, d.campaignId);
  }

  /** Writes a change to a delivery read just now; falls back to a read-modify-write if it moved. */
  private async write(
    d: Delivery,
    patch: Partial<Delivery>,
    onlyIf: (current: Delivery) => boolean,
  ): Promise<Delivery | undefined> {
    const now = this.deps.clock.now().toISOString();
    const next = await this.deps.camp.deliveries.replaceIfUnchanged({ ...d, ...patch, updatedAt: now });
    if (next) return next;
    let applied = false;
    const updated = await this.deps.camp.deliveries.update(d.schoolId, d.id, (c) => {
      applied = false; // set again on every attempt: a retried update may decide otherwise
      if (!onlyIf(c)) return undefined;
      applied = true;
      return { ...c, ...patch, updatedAt: now };
    });
    return applied ? updated : undefined;
  }

  private async handle(d: Delivery, ctx: RunContext): Promise<void> {
    const nowIso = this.deps.clock.now().toISOString();
    if (!d.dueAt || d.dueAt > nowIso) return;
    if (finalDeliveryStates.includes(d.state)) {
      await this.write(d, { dueAt: undefined }, (c) => finalDeliveryStates.includes(c.state));
      return;
    }
    const campaign = await this.campaign(ctx, d.schoolId, d.campaignId);
    if (!campaign || campaign.state === 'cancelled') {
      const unsent = d.state === 'planned' || (d.state === 'sending' && !d.sentAt);
      const ok = await this.write(
        d,
        unsent
          ? { state: 'cancelled', dueAt: undefined, op: undefined, claimedBy: undefined }
          : { state: 'closed', reason: 'campaign-cancelled', dueAt: undefined, op: undefined, claimedBy: undefined },
        (c) => !finalDeliveryStates.includes(c.state),
      );
      if (ok) {
        ctx.stats.cancelled++;
        this.changed(d);
      }
      return;
    }
    if (campaign.state === 'paused') {
      // Parked without a dueAt: resuming the campaign gives them one again (no polling while paused).
      if (
        await this.write(d, { dueAt: undefined, parked: true, op: undefined, claimedBy: undefined }, (c) => c.dueAt !== undefined)
      )
        ctx.stats.parked++;
      return;
    }
    if (d.state === 'planned' || d.state === 'sending') await this.send(d, campaign, ctx);
    else await this.followUp(d, campaign, ctx);
  }

  /** Not now (quiet hours, a holiday, the student's pause): when instead, or close it when that is too late. */
  private async deferIfQuiet(
    d: Delivery,
    student: Person,
    ctx: RunContext,
    latest: { at: number; onlyForPause: boolean },
    onTooLate: Partial<Delivery>,
  ): Promise<boolean> {
    const policy = await this.policy(ctx, d.schoolId);
    const now = this.deps.clock.now();
    const why = quietReason(now, policy, 'campaign-prompt', student.pause);
    if (!why) return false;
    const at = nextAllowed(now, policy, 'campaign-prompt', student.pause) ?? new Date(now.getTime() + recheckMs);
    // A first prompt waits for holidays and weekends (the school's rhythm), but a pause is the student's
    // choice: past the window it is closed with the reason instead of sent weeks late. A reminder that
    // would only fit after the window is not sent at all.
    if (at.getTime() > latest.at && (why === 'paused' || !latest.onlyForPause)) {
      if (await this.write(d, { ...onTooLate, op: undefined, claimedBy: undefined }, (c) => c.version === d.version)) {
        if (onTooLate.state === 'closed') ctx.stats.closed++;
        this.changed(d);
      }
      return true;
    }
    // Looked at again within a day at the latest: a student may end a pause early.
    const dueAt = spreadDue(Math.min(at.getTime(), now.getTime() + recheckMs), d.id);
    if (await this.write(d, { dueAt, lastError: undefined }, (c) => c.version === d.version)) ctx.stats.deferred++;
    return true;
  }

  private async send(d: Delivery, campaign: Campaign, ctx: RunContext): Promise<void> {
    const { repos, clock, log } = this.deps;
    const student = await repos.people.get(d.schoolId, d.studentId);
    if (!student) {
      await this.markUnreachable(d, 'not-found', ctx);
      return;
    }
    // The latest moment a first prompt still makes sense: the end of the answer window counted from
    // its planned moment. Later than that (a long pause) it is closed with the reason, not sent.
    const latest = new Date(d.scheduledAt).getTime() + campaign.closeAfterDays * dayMs;
    if (
      await this.deferIfQuiet(
        d,
        student,
        ctx,
        { at: latest, onlyForPause: true },
        { state: 'closed', reason: 'paused', dueAt: undefined },
      )
    )
      return;

    const now = clock.now();
    const claim = await this.deps.camp.deliveries.replaceIfUnchanged({
      ...d,
      state: 'sending',
      op: 'send',
      claimedBy: this.deps.owner,
      dueAt: new Date(now.getTime() + this.opts.claimMs).toISOString(),
      attempts: d.attempts + 1,
      updatedAt: now.toISOString(),
    });
    if (!claim) {
      ctx.stats.lost++;
      return;
    }
    const flow = this.deps.flows.get(d.flowId);
    if (!flow) {
      await this.finish(claim, { state: 'closed', reason: 'flow-missing', dueAt: undefined }, ctx);
      ctx.stats.closed++;
      return;
    }
    const reflection = await this.reflectionFor(student, claim);
    const card = await this.cardFor(claim, reflection, ctx, false);
    if (!card) {
      await this.finish(claim, { state: 'closed', reason: 'no-preparation', dueAt: undefined }, ctx);
      ctx.stats.closed++;
      return;
    }
    try {
      const { installedBySchool, ...message } = await this.deps.reach.sendCard(student, card, flow.title[reflection.locale], {
        retry: this.retryOptions(ctx),
      });
      ctx.failuresInARow = 0;
      const sentAt = clock.now();
      const closesAt = new Date(sentAt.getTime() + campaign.closeAfterDays * dayMs).toISOString();
      const remindAt = new Date(sentAt.getTime() + campaign.reminders.afterHours * 3_600_000).toISOString();
      const sentFields = { sentAt: sentAt.toISOString(), message, closesAt, ...(installedBySchool ? { installedBySchool } : {}) };
      const next = await this.write(
        claim,
        {
          ...sentFields,
          state: 'sent',
          op: undefined,
          claimedBy: undefined,
          reason: undefined,
          lastError: undefined,
          dueAt: campaign.reminders.max > 0 && remindAt < closesAt ? remindAt : closesAt,
        },
        (c) => c.state === 'sending' || c.state === 'planned',
      );
      // Answered (or stopped) in the meantime: keep that state, but record that the prompt went out.
      if (!next)
        await this.deps.camp.deliveries.update(d.schoolId, d.id, (c) => (c.sentAt ? undefined : { ...c, ...sentFields }));
      ctx.stats.sent++;
      this.changed(d);
    } catch (err) {
      const e = deliveryErrorFrom(err);
      if (!e.transient || e.reason === 'no-conversation') {
        await this.markUnreachable(claim, e.reason, ctx);
        return;
      }
      ctx.failuresInARow++;
      ctx.stats.failed++;
      const retryAt = this.backoff(claim.attempts, now);
      if (retryAt.getTime() > latest) {
        await this.finish(claim, { state: 'closed', reason: 'error', lastError: e.message, dueAt: undefined }, ctx);
        ctx.stats.closed++;
        return;
      }
      await this.finish(claim, { state: 'planned', lastError: e.message, dueAt: retryAt.toISOString() }, ctx);
      log.debug({ deliveryId: d.id, reason: e.reason, attempts: claim.attempts }, 'campaign prompt not sent yet; retried later');
    }
  }

  /** Reminders and the end of the answer window, for a prompt that went out. */
  private async followUp(d: Delivery, campaign: Campaign, ctx: RunContext): Promise<void> {
    const { repos, clock } = this.deps;
    const nowIso = clock.now().toISOString();
    const closesAt = d.closesAt ?? nowIso;
    if (nowIso >= closesAt) {
      if (
        await this.write(
          d,
          { state: 'closed', reason: 'no-answer', dueAt: undefined, op: undefined, claimedBy: undefined },
          (c) => c.state === 'sent' || c.state === 'reminded',
        )
      ) {
        ctx.stats.closed++;
        this.changed(d);
      }
      return;
    }
    const { afterHours, max } = campaign.reminders;
    const remindAt = new Date(new Date(d.remindedAt ?? d.sentAt ?? nowIso).getTime() + afterHours * 3_600_000).toISOString();
    if (d.reminders >= max || remindAt >= closesAt) {
      await this.write(d, { dueAt: closesAt, op: undefined, claimedBy: undefined }, (c) => c.state === d.state);
      return;
    }
    if (nowIso < remindAt) {
      await this.write(d, { dueAt: remindAt, op: undefined, claimedBy: undefined }, (c) => c.state === d.state);
      return;
    }
    const student = await repos.people.get(d.schoolId, d.studentId);
    if (!student) {
      await this.write(d, { dueAt: closesAt, reason: 'not-found' }, (c) => c.state === d.state);
      return;
    }
    // No reminder in quiet hours either; one that would only fit after the window closes is not sent.
    if (
      await this.deferIfQuiet(d, student, ctx, { at: new Date(closesAt).getTime() - 1, onlyForPause: false }, { dueAt: closesAt })
    )
      return;
    const reflection = await repos.reflections.get(student.id, d.reflectionId);
    if (!reflection) {
      await this.write(d, { dueAt: closesAt }, (c) => c.state === d.state);
      return;
    }
    if (reflection.status === 'submitted') {
      await this.write(
        d,
        { state: 'answered', answeredAt: reflection.submittedAt ?? nowIso, dueAt: undefined },
        (c) => c.state === d.state,
      );
      this.changed(d);
      return;
    }
    const now = clock.now();
    const claim = await this.deps.camp.deliveries.replaceIfUnchanged({
      ...d,
      op: 'remind',
      claimedBy: this.deps.owner,
      dueAt: new Date(now.getTime() + this.opts.claimMs).toISOString(),
      updatedAt: now.toISOString(),
    });
    if (!claim) {
      ctx.stats.lost++;
      return;
    }
    const flow = this.deps.flows.get(d.flowId);
    const card = flow ? await this.cardFor(claim, reflection, ctx, true) : undefined;
    if (!flow || !card) {
      await this.finish(claim, { dueAt: closesAt }, ctx);
      return;
    }
    try {
      await this.deps.reach.sendCard(student, card, flow.title[reflection.locale], { retry: this.retryOptions(ctx) });
      ctx.failuresInARow = 0;
      const at = clock.now();
      const reminders = claim.reminders + 1;
      const nextRemind = new Date(at.getTime() + afterHours * 3_600_000).toISOString();
      await this.deps.camp.deliveries.update(d.schoolId, d.id, (c) => ({
        ...c,
        // An answer that came in meanwhile stays an answer; the reminder is still counted (it went out).
        ...(c.state === 'answered'
          ? {}
          : { state: 'reminded' as const, dueAt: reminders < max && nextRemind < closesAt ? nextRemind : closesAt }),
        reminders,
        remindedAt: at.toISOString(),
        op: undefined,
        claimedBy: undefined,
        updatedAt: at.toISOString(),
      }));
      ctx.stats.reminded++;
      this.changed(d);
    } catch (err) {
      const e = deliveryErrorFrom(err);
      if (!e.transient || e.reason === 'no-conversation') {
        // They had the prompt; no more reminders. The reason is kept for the coordinator.
        await this.finish(claim, { dueAt: closesAt, reason: e.reason }, ctx);
        return;
      }
      ctx.failuresInARow++;
      ctx.stats.failed++;
      const retryAt = this.backoff(claim.attempts + claim.reminders + 1, now).toISOString();
      await this.finish(claim, { dueAt: earlier(retryAt, closesAt), lastError: e.message }, ctx);
    }
  }

  /** Ends this instance's claim on a delivery with the outcome. */
  private async finish(claim: Delivery, patch: Partial<Delivery>, _ctx: RunContext): Promise<void> {
    await this.write(
      claim,
      { ...patch, op: undefined, claimedBy: undefined },
      (c) => c.claimedBy === this.deps.owner && !finalDeliveryStates.includes(c.state),
    );
    this.changed(claim);
  }

  private async markUnreachable(d: Delivery, reason: string, ctx: RunContext): Promise<void> {
    const ok = await this.write(
      d,
      { state: 'unreachable', reason, dueAt: undefined, op: undefined, claimedBy: undefined },
      (c) => !finalDeliveryStates.includes(c.state) && !c.sentAt,
    );
    if (ok) {
      ctx.stats.unreachable++;
      this.changed(d);
      this.deps.log.info({ deliveryId: d.id, studentId: d.studentId, reason }, 'student not reachable for a campaign prompt');
    }
  }

  /** The reflection a delivery opens; the same one on a resend (its id is derived from the delivery's). */
  private async reflectionFor(student: Person, d: Delivery): Promise<Reflection> {
    // A first attempt creates it; a resend (after a crash or a failure) finds the one made before.
    if (d.attempts > 1) {
      const existing = await this.deps.repos.reflections.get(student.id, d.reflectionId);
      if (existing) return existing;
    }
    try {
      const { reflection } = await this.deps.reflections.start(student, d.flowId, {
        id: d.reflectionId,
        source: { kind: 'campaign', campaignId: d.campaignId, deliveryId: d.id },
      });
      return reflection;
    } catch (err) {
      if (!(err instanceof DuplicateError)) throw err;
      const again = await this.deps.repos.reflections.get(student.id, d.reflectionId);
      if (!again) throw err;
      return again;
    }
  }

  private async cardFor(
    d: Delivery,
    reflection: Reflection,
    ctx: RunContext,
    reminder: boolean,
  ): Promise<AdaptiveCard | undefined> {
    const flow = this.deps.flows.get(d.flowId);
    if (!flow) return undefined;
    if (d.kind === 'preparation') return flow.preparation ? preparationCard(flow, reflection) : undefined;
    const [activity, policy] = await Promise.all([this.activity(ctx, d.schoolId, d.activityId), this.policy(ctx, d.schoolId)]);
    return campaignPromptCard(flow, reflection, {
      activity: activity ?? { title: '', type: 'other', endsAt: d.scheduledAt },
      timeZone: policy.timeZone,
      reminder,
    });
  }

  private retryOptions(ctx: RunContext): RetryOptions {
    return {
      ...this.opts.retry,
      onRetry: (err, attempt, delayMs) => {
        ctx.stats.retries++;
        this.opts.retry.onRetry?.(err, attempt, delayMs);
      },
    };
  }

  /** When to try a transiently failed delivery again: 30 s doubling to 30 minutes, with jitter. */
  private backoff(attempts: number, now: Date): Date {
    const base = Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
    return new Date(now.getTime() + base / 2 + Math.random() * (base / 2));
  }
}
