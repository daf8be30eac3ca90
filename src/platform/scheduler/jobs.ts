import { randomUUID } from 'node:crypto';
import cron, { type ScheduledTask } from 'node-cron';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import { inSpan, markSpan, telemetry } from '../telemetry.ts';
import type { Leases } from './leases.ts';

// Scheduled jobs. A job must work out what is due from the store and the clock ("everything due up to
// now"), never from the tick that started it: then a tick missed while the bot was down is caught up by
// the next one, and a job run twice does nothing twice. The lease keeps two instances from running the
// same job at once; tests call runNow() with an injected clock instead of waiting for cron.

export interface Job {
  /** Unique; also the lease name. */
  name: string;
  /** node-cron expression (5 fields, or 6 with seconds). */
  schedule: string;
  /** IANA time zone the expression is read in. Default Europe/Amsterdam. */
  timeZone?: string;
  /** How long one run may hold the lease. Default 5 minutes. */
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
  readonly owner: string;

  constructor(deps: { leases: Leases; clock: Clock; log: Logger; owner?: string }) {
    this.leases = deps.leases;
    this.clock = deps.clock;
    this.log = deps.log.child({ component: 'jobs' });
    this.owner = deps.owner ?? randomUUID();
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

  /** Runs a job now (if this instance can take its lease). Never throws. */
  async runNow(name: string): Promise<RunOutcome> {
    const job = this.jobs.get(name);
    if (!job) return { status: 'failed', error: `no job named ${name}` };
    if (this.running.has(name)) return { status: 'busy' };
    const started = performance.now();
    const outcome = await inSpan(`job ${name}`, { 'lob.job': name }, async () => {
      const o = await this.runOnce(job);
      markSpan({ 'lob.job.outcome': o.status }, o.status === 'failed');
      return o;
    });
    telemetry.jobRun(name, outcome.status, performance.now() - started);
    return outcome;
  }

  private async runOnce(job: Job): Promise<RunOutcome> {
    const name = job.name;
    this.running.add(name);
    try {
      // A per-instance job is kept from overlapping itself by `running` alone: a stored lease of its own
      // would only cost two reads and two writes per tick (on Cosmos DB most of an idle school's bill).
      if (job.perInstance) return { status: 'ran', result: await job.run(this.clock.now()) };
      const lease = `job:${name}`;
      if (!(await this.leases.acquire(lease, this.owner, job.leaseMs ?? 300_000, this.clock.now())))
        return { status: 'held-elsewhere' };
      try {
        const result = await job.run(this.clock.now());
        return { status: 'ran', result };
      } finally {
        await this.leases.release(lease, this.owner);
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
          const outcome = await this.runNow(job.name);
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
