import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { runWorkers } from '../../platform/pool.ts';
import type { RetryOptions } from '../../teams/connector.ts';
import { LedgerWrites } from './ledger-writes.ts';
import { dueMessages } from './outbox.ts';
import type { CampaignRepositories, LeasePort, TrialoogPrompts } from './ports.ts';
import { campaignPrompts } from './prompts.ts';
import { addStats, emptyStats, SendRun, type SendStats } from './send-run.ts';

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
   * Schools this instance sends for at the same time. Each has its own window at Teams; a bound keeps
   * one instance from taking every school's lease, so that other instances share the schools out.
   */
  schoolsAtOnce: number;
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
}

export class CampaignSender {
  private readonly deps: SenderDeps;
  private readonly opts: SenderOptions;
  private readonly writes: LedgerWrites;
  constructor(deps: SenderDeps, options: SenderOptions) {
    this.deps = deps;
    this.opts = options;
    this.writes = new LedgerWrites(deps);
  }

  /**
   * Sends what is due in every school whose sending lease this instance gets (one instance sends for a
   * school at a time, so Teams' per-tenant limit holds across instances), until nothing is due or
   * maxRunMs has passed. Schools are worked side by side, up to schoolsAtOnce: each tenant has its own
   * window at Teams, so one school's large campaign must not make another wait for its end. A school
   * beyond that number is taken up when one finishes, by this instance or another. Never throws for a
   * delivery's problems.
   */
  async run(): Promise<SendStats> {
    const { camp, clock, leases, owner } = this.deps;
    const total = emptyStats();
    const deadline = Date.now() + this.opts.maxRunMs;
    const schools = await this.deps.repos.schools.list();
    let next = 0;
    const worker = async () => {
      while (next < schools.length && Date.now() < deadline) {
        const school = schools[next++]!;
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
        // A run per school: its outage (Teams failing for that tenant) stops that school only.
        const run = this.newRun();
        try {
          await this.sendSchool(school.id, deadline, keep, run);
        } finally {
          await leases.release(lease, owner);
          addStats(total, run.stats);
        }
      }
    };
    await runWorkers(Math.min(this.opts.schoolsAtOnce, schools.length), worker);
    return total;
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
