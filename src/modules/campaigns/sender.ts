import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { mapLimit, runWorkers } from '../../platform/pool.ts';
import type { RetryOptions } from '../../teams/connector.ts';
import { tenantWindowMs } from '../../teams/rate-limit.ts';
import { LedgerWrites } from './ledger-writes.ts';
import { dueMessages } from './outbox.ts';
import type { CampaignRepositories, LeasePort, TrialoogPrompts } from './ports.ts';
import { campaignPrompts } from './prompts.ts';
import { addStats, emptyStats, SendRun, type SendStats } from './send-run.ts';
import type { SenderRoster } from './sender-roster.ts';

export type { SendStats } from './send-run.ts';

// outbox → delivery engine → Teams. The sender decides which instance works a school's outbox (a lease
// per school, so Teams' per-tenant limit holds across instances) and for how long; the outbox says what
// needs a message; the delivery engine claims each one (a compare-and-swap on its version that moves dueAt
// to the end of the claim, so a dead instance's work reappears by itself), asks the send policy, sends at
// Teams' rate limits and records the outcome. Only a prompt whose request was already on the wire at a
// crash can arrive twice; nothing is lost.

export interface SenderOptions {
  /**
   * How long a claimed delivery stays with this instance: longer than one send with its retries. By
   * default the school's lease time, so a dead instance's claims are free when its lease is.
   */
  claimMs: number;
  /** The school's sending lease: renewed while sending; another instance takes over when it lapses. */
  leaseMs: number;
  batchSize: number;
  /** Deliveries in flight at once per school (the send windows pace them). */
  concurrency: number;
  /**
   * At most this many schools at the same time on this instance (each has its own window at Teams). The
   * instances share the schools with due work out among themselves; this only caps an instance's share.
   */
  schoolsAtOnce: number;
  /**
   * With nothing due, how long ticks read nothing before the outboxes are looked at again (or until the
   * earliest dueAt found, when that is sooner): the latency of work another process makes due.
   */
  idleCheckMs: number;
  /** How long one run may take (the job's lease is held for it). */
  maxRunMs: number;
  /** Per-request retries within a claim (Retry-After on 429, backoff with jitter on 412/5xx). */
  retry: RetryOptions;
}

export interface SenderDeps {
  repos: Repositories;
  camp: CampaignRepositories;
  flows: FlowCatalog;
  delivery: DeliveryEngine;
  clock: Clock;
  log: Logger;
  /** This instance, in claims and leases. */
  owner: string;
  leases: LeasePort;
  policyFor: SendPolicies;
  /** A campaign's numbers changed (its status cards are updated). */
  onChange?: (schoolId: string, campaignId: string) => void;
  /** The card of a trialoog campaign's prompt (the sharing module). */
  trialoog: TrialoogPrompts;
  /** The instances that want to send now (the schools are shared out among them). */
  roster: SenderRoster;
}

/**
 * How much longer than the tenant's window the next holder of a school waits after another instance gave
 * it up: the two instances' clocks may differ a little.
 */
const handoverMarginMs = 250;

/** Later than any dueAt: the outbox query then answers a school's earliest one, come or not. */
const lastInstant = '9999-12-31T23:59:59.999Z';

export class CampaignSender {
  private readonly deps: SenderDeps;
  private readonly opts: SenderOptions;
  private readonly writes: LedgerWrites;
  private readonly roster: SenderRoster;
  /** Until when (clock time, ms) a tick need not look at the outboxes: nothing is due before. */
  private quietUntil = 0;
  /** Counts wake() calls: a run that began before one must not start a wait the wake-up ended. */
  private wakes = 0;
  constructor(deps: SenderDeps, options: SenderOptions) {
    this.deps = deps;
    this.opts = options;
    this.writes = new LedgerWrites(deps);
    this.roster = deps.roster;
  }

  /**
   * The scheduled tick: a run, unless the last run found nothing due and the next check it worked out
   * has not come (a tick then reads nothing). wake() ends the wait when this process plans or resumes
   * something; what another process makes due is seen at the next check, at most idleCheckMs later.
   */
  async tick(): Promise<SendStats | undefined> {
    if (this.deps.clock.now().getTime() < this.quietUntil) return undefined;
    return this.run();
  }

  /** Something may be due now (deliveries planned, a campaign resumed): the next tick looks. */
  wake(): void {
    this.quietUntil = 0;
    this.wakes++;
  }

  /**
   * Sends what is due in every school whose sending lease this instance gets (one instance sends for a
   * school at a time, so Teams' per-tenant limit holds across instances), until nothing is due or
   * maxRunMs has passed. Schools are worked side by side: each tenant has its own window at Teams, so one
   * school's large campaign must not make another wait for its end. An instance works its share of the
   * schools with due work, shared out among the instances that want to send (the sender roster), and at
   * most schoolsAtOnce; one that holds more than its share when another instance joins hands the rest
   * over between two prompts. Never throws for a delivery's problems.
   */
  async run(): Promise<SendStats> {
    const { camp, clock, leases, owner } = this.deps;
    const total = emptyStats();
    const deadline = Date.now() + this.opts.maxRunMs;
    const wakes = this.wakes;
    const schools = await this.deps.repos.schools.list();
    // One read per school: its earliest dueAt, come or not, so that a quiet outbox knows when to look again.
    const now = clock.now();
    const nowIso = now.toISOString();
    const firsts = await mapLimit(schools, 8, async (s) => (await camp.deliveries.due(s.id, lastInstant, 1))[0]?.dueAt);
    const due = schools.filter((_, i) => firsts[i] !== undefined && firsts[i]! <= nowIso).map((s) => s.id);
    if (due.length === 0) {
      const next = Math.min(...firsts.filter((f): f is string => f !== undefined).map((f) => Date.parse(f)));
      if (wakes === this.wakes) this.quietUntil = Math.min(next, now.getTime() + this.opts.idleCheckMs);
      await this.roster.leave(owner, now);
      return total;
    }
    this.quietUntil = 0;
    // Schools this run emptied: the share is of the schools that still have due work.
    let finished = 0;
    // One school with due work is one instance's whatever the roster says: a one-school deployment never reads it.
    const share = due.length > 1 ? this.shareOf(() => due.length - finished) : async () => 1;
    const working = new Set<string>();
    let taking = 0;
    let next = 0;
    const worker = async () => {
      for (;;) {
        const limit = await share();
        if (next >= due.length || Date.now() >= deadline || working.size + taking >= limit) return;
        const schoolId = due[next++]!;
        const lease = `campaign-sender:${schoolId}`;
        taking++;
        const got = await leases.take(lease, owner, this.opts.leaseMs, clock.now()).finally(() => taking--);
        if (!got) continue;
        working.add(schoolId);
        // A school another instance has just given up: its last requests still count in the tenant's window
        // at Teams, which this instance's throttle never saw. Its first prompt waits until they do not.
        const handover = got.handoverUntil ? Math.min(Date.parse(got.handoverUntil), deadline) - Date.now() : 0;
        if (handover > 0) await new Promise((resolve) => setTimeout(resolve, handover));
        let renewedAt = Date.now();
        let checkedAt = Date.now();
        const keep = async () => {
          if (!working.has(schoolId)) return false;
          if (Date.now() - checkedAt >= this.shareCheckMs) {
            checkedAt = Date.now();
            // Another instance joined: this one hands over what it holds beyond its share.
            if (working.size > (await share())) {
              working.delete(schoolId);
              this.deps.log.info({ schoolId }, 'handing the school over to another instance');
              return false;
            }
          }
          if (Date.now() - renewedAt < this.opts.leaseMs / 3) return true;
          renewedAt = Date.now();
          if (await leases.acquire(lease, owner, this.opts.leaseMs, clock.now())) return true;
          working.delete(schoolId);
          this.deps.log.warn({ schoolId }, 'lost the school’s sending lease; another instance takes over');
          return false;
        };
        // A run per school: its outage (Teams failing for that tenant) stops that school only.
        const run = this.newRun();
        try {
          await this.sendSchool(schoolId, deadline, keep, run);
          if (working.has(schoolId) && !run.outage && Date.now() < deadline) finished++;
        } finally {
          working.delete(schoolId);
          // Every request of this school's run has had its answer: none counts at Teams a window from now.
          await leases.release(lease, owner, new Date(Date.now() + tenantWindowMs + handoverMarginMs));
          addStats(total, run.stats);
        }
      }
    };
    await runWorkers(Math.min(this.opts.schoolsAtOnce, due.length), worker);
    return total;
  }

  /**
   * How many schools this instance may work: the schools with due work (at the run's start, less those it
   * emptied since) shared out among the instances that want to send, at most schoolsAtOnce. Asked again shareCheckMs later at the soonest (one roster
   * read; a write when this instance's entry needs renewing, every third of a lease time).
   */
  private shareOf(dueSchools: () => number): () => Promise<number> {
    const { clock, log, owner } = this.deps;
    let askedAt = Number.NEGATIVE_INFINITY;
    let answer: Promise<number> = Promise.resolve(this.opts.schoolsAtOnce);
    return () => {
      if (Date.now() - askedAt < this.shareCheckMs) return answer;
      askedAt = Date.now();
      const before = answer;
      answer = this.roster
        .live(owner, this.opts.leaseMs, clock.now())
        .then((instances) => Math.max(1, Math.min(this.opts.schoolsAtOnce, Math.ceil(dueSchools() / instances))))
        .catch((err) => {
          log.warn({ err: String(err) }, 'the sender roster could not be read; keeping the last share');
          return before;
        });
      return answer;
    };
  }

  /**
   * Sends what is due in one school, without its lease: claims alone keep instances from sending a
   * prompt twice (tests and the bench use this to show it).
   */
  async sendDue(schoolId: string): Promise<SendStats> {
    const run = this.newRun();
    await this.sendSchool(schoolId, Date.now() + this.opts.maxRunMs, async () => true, run);
    return run.stats;
  }

  private newRun(): SendRun {
    return new SendRun(this.deps.camp, this.deps.policyFor);
  }

  /**
   * How often a sending instance reads the roster again: an instance that comes while another sends for
   * every school gets its share within this time (and the next tick), not only at a lease renewal.
   */
  private get shareCheckMs(): number {
    return Math.min(2_000, this.opts.leaseMs / 3);
  }

  private async sendSchool(schoolId: string, deadline: number, keep: () => Promise<boolean>, run: SendRun): Promise<void> {
    const { camp, clock, log } = this.deps;
    const due = dueMessages({ schoolId, camp, clock, log, batchSize: this.opts.batchSize, run, writes: this.writes, keep });
    const kind = campaignPrompts({ ...this.deps, writes: this.writes, retry: this.opts.retry }, run);
    await this.deps.delivery.deliver(kind, due, () => clock.now(), {
      concurrency: this.opts.concurrency,
      leaseMs: this.opts.claimMs,
      stop: () => Date.now() >= deadline || run.outage,
      onError: (item, err) =>
        log.error({ deliveryId: item.delivery.id, err: String(err) }, 'campaign delivery step failed; retried next run'),
    });
    if (run.outage)
      log.warn({ schoolId, failuresInARow: run.failuresInARow }, 'Teams keeps failing: sending paused until the next run');
  }
}
