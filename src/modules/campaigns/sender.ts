import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import type { RetryOptions } from '../../teams/connector.ts';
import { LedgerWrites } from './ledger-writes.ts';
import { dueMessages } from './outbox.ts';
import type { CampaignRepositories, LeasePort, TrialoogPrompts } from './ports.ts';
import { campaignPrompts } from './prompts.ts';
import { SendRun, type SendStats } from './send-run.ts';

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
  /** Deliveries in flight at once (the send windows pace them). */
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
   * school at a time, so Teams' per-tenant limit holds across instances; schools are shared out), until
   * nothing is due or maxRunMs has passed. Never throws for a delivery's problems.
   */
  async run(): Promise<SendStats> {
    const { camp, clock, leases, owner } = this.deps;
    const run = this.newRun();
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
        await this.sendSchool(school.id, deadline, keep, run);
      } finally {
        await leases.release(lease, owner);
      }
    }
    return run.stats;
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
