import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { inSpan, markSpan, telemetry } from '../telemetry.ts';
import type { Leases } from './leases.ts';
import { type Every, everyInterval, HeldLease } from './run-lease.ts';

// Scheduled jobs. A job must work out what is due from the store and the clock ("everything due up to
// now"), never from the tick that started it: then a tick missed while the bot was down is caught up by
// the next one, and a job run twice does nothing twice. The lease keeps two instances from running the
// same job at once; tests call runNow() with an injected clock instead of waiting for cron.
//
// The lease is short (the runner's leaseMs, LEASE_SECONDS) and renewed while the run lasts
// (run-lease.ts), so a killed instance's job is taken over within that time. A scheduled tick does not
// release a lease that ends by itself before the job's next tick anywhere: the release would be a write
// of its own on every idle tick (on Cosmos DB most of an idle school's bill), and nobody waits for it.

export interface Job {
  /** Unique; also the lease name. */
  name: string;
  /** node-cron expression (5 fields, or 6 with seconds). */
  schedule: string;
  /** IANA time zone the expression is read in. Default Europe/Amsterdam. */
  timeZone?: string;
  /**
   * How long the job's lease lasts after each renewal (renewed every third of it while a run goes on):
   * how soon another instance takes the job, and the claims of its run, when this one dies. Default the
   * runner's (LEASE_SECONDS).
   */
  leaseMs?: number;
  /** Work on this instance's own memory (caches): every instance runs it, not one of them. */
  perInstance?: boolean;
  /** Also run once right after the scheduler starts (e.g. to warm a cache), not only on the schedule. */
  runAtStart?: boolean;
  run(now: Date): Promise<unknown>;
}

export type RunOutcome =
  | { status: 'ran'; result: unknown }
  | { status: 'held-elsewhere' }
  | { status: 'busy' }
  | { status: 'failed'; error: string };

export class JobRunner {
  private readonly jobs = new Map<string, Job>();
  private readonly running = new Set<string>();
  private readonly tasks: ScheduledTask[] = [];
  private readonly leases: Leases;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly every: Every;
  readonly owner: string;

  constructor(deps: {
    leases: Leases;
    clock: Clock;
    log: Logger;
    owner?: string;
    /** A job's lease time unless the job sets its own (default 30 s). */
    leaseMs?: number;
    /** The heartbeat's timer (tests fire it by hand). */
    every?: Every;
  }) {
    this.leases = deps.leases;
    this.clock = deps.clock;
    this.log = deps.log.child({ component: 'jobs' });
    this.owner = deps.owner ?? randomUUID();
    this.leaseMs = deps.leaseMs ?? defaultJobLeaseMs;
    this.every = deps.every ?? everyInterval;
  }

  add(job: Job): void {
    if (this.jobs.has(job.name)) throw new Error(`job ${job.name} registered twice`);
    if (!cron.validate(job.schedule)) throw new Error(`job ${job.name}: invalid schedule "${job.schedule}"`);
    this.jobs.set(job.name, job);
  }

  names(): string[] {
    return [...this.jobs.keys()];
  }

  /** Each job's name, cron expression and whether every instance runs it (what the store cost bench counts). */
  schedules(): { name: string; schedule: string; perInstance: boolean }[] {
    return [...this.jobs.values()].map((j) => ({ name: j.name, schedule: j.schedule, perInstance: j.perInstance === true }));
  }

  /** Runs a job now (if this instance can take its lease), and gives the lease up after. Never throws. */
  runNow(name: string): Promise<RunOutcome> {
    return this.run(name, false);
  }

  /**
   * What the schedule runs: as runNow, but a lease that ends by itself before the job's next tick is
   * left to end (no write to release it). Another instance's manual run waits for it meanwhile.
   */
  tick(name: string): Promise<RunOutcome> {
    return this.run(name, true);
  }

  private async run(name: string, scheduled: boolean): Promise<RunOutcome> {
    const job = this.jobs.get(name);
    if (!job) return { status: 'failed', error: `no job named ${name}` };
    if (this.running.has(name)) return { status: 'busy' };
    const started = performance.now();
    const outcome = await inSpan(`job ${name}`, { 'lob.job': name }, async () => {
      const o = await this.runOnce(job, scheduled);
      markSpan({ 'lob.job.outcome': o.status }, o.status === 'failed');
      return o;
    });
    telemetry.jobRun(name, outcome.status, performance.now() - started);
    return outcome;
  }

  private async runOnce(job: Job, scheduled: boolean): Promise<RunOutcome> {
    const name = job.name;
    this.running.add(name);
    try {
      // A per-instance job is kept from overlapping itself by `running` alone: a stored lease of its own
      // would keep nothing out and cost store work on every tick (on Cosmos DB most of an idle school's bill).
      if (job.perInstance) return { status: 'ran', result: await job.run(this.clock.now()) };
      const deps = { leases: this.leases, clock: this.clock, log: this.log, every: this.every };
      const tickAt = this.clock.now().getTime();
      const lease = await HeldLease.take(deps, `job:${name}`, this.owner, job.leaseMs ?? this.leaseMs);
      if (!lease) return { status: 'held-elsewhere' };
      try {
        const result = await lease.run(() => job.run(this.clock.now()));
        return { status: 'ran', result };
      } finally {
        // The next tick anywhere comes no sooner than this (a second for clocks a little apart).
        await lease.end(scheduled ? { keepUntil: tickAt + shortestGapMs(job.schedule) - 1000 } : {});
      }
    } catch (err) {
      this.log.error(
        { job: name, err: String(err), stack: (err as Error)?.stack?.split('\n').slice(0, 4).join(' | ') },
        'job failed',
      );
      return { status: 'failed', error: String(err) };
    } finally {
      this.running.delete(name);
    }
  }

  start(): void {
    for (const job of this.jobs.values()) {
      const task = cron.schedule(
        job.schedule,
        async () => {
          const outcome = await this.tick(job.name);
          if (outcome.status === 'ran' && outcome.result) this.log.debug({ job: job.name, result: outcome.result }, 'job ran');
        },
        { timezone: job.timeZone ?? 'Europe/Amsterdam', name: job.name, noOverlap: true },
      );
      this.tasks.push(task);
      if (job.runAtStart) setImmediate(() => void this.runNow(job.name));
    }
  }

  async stop(): Promise<void> {
    await Promise.all(this.tasks.map((t) => t.destroy()));
    this.tasks.length = 0;
  }
}

/** A job's lease time when neither the job nor the runner sets one. */
export const defaultJobLeaseMs = 30_000;

/**
 * The shortest time between two runs of a cron expression, or less (a lower bound: enough to know that
 * a lease ends before the next run). The finest field with more than one value sets it.
 */
export function shortestGapMs(schedule: string): number {
  const f = cron.parse(schedule);
  const closest = (values: number[], cycle: number) => {
    const sorted = [...values].sort((a, b) => a - b);
    let gap = cycle;
    for (let i = 0; i < sorted.length; i++)
      gap = Math.min(gap, ((sorted[(i + 1) % sorted.length]! - sorted[i]! + cycle - 1) % cycle) + 1);
    return gap;
  };
  if (f.second.length > 1) return closest(f.second, 60) * 1000;
  if (f.minute.length > 1) return closest(f.minute, 60) * 60_000;
  if (f.hour.length > 1) return closest(f.hour, 24) * 3_600_000;
  // Once a day at most; a day can be an hour short when the clocks change.
  return 23 * 3_600_000;
}
