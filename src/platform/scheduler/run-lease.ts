import { AsyncLocalStorage } from 'node:async_hooks';
import type { Clock } from '../clock.ts';
import type { Logger } from '../log.ts';
import type { Leases } from './leases.ts';

// The lease a job run holds, kept alive while the run goes on. It is short (LEASE_SECONDS, 30 s by
// default) so that a killed instance's job, and the items its run claimed, are taken over soon after; a
// heartbeat renews it every third of that while the run lasts. The run's work sees it through runLease():
// the delivery engine claims items for as long as the lease lasts and takes no new item once a renewal
// has failed (another instance may be running the job by then).

/** The lease of the job run this code is part of, as the work inside the run sees it. */
export interface RunLease {
  /** How long the lease lasts after each renewal: what the run's claims should hold for. */
  readonly ms: number;
  /** The runner's clock (injected in tests): claims are timed from it when made, not from the run's start. */
  now(): Date;
  /** True once a renewal found the lease taken: the run should take no new work. */
  lost(): boolean;
}

const current = new AsyncLocalStorage<RunLease>();

/** The lease of the job run the caller is part of; undefined outside one (a turn, a CLI command, a test). */
export function runLease(): RunLease | undefined {
  return current.getStore();
}

/** Starts a repeating timer and returns what stops it (tests give one they fire by hand). */
export type Every = (ms: number, fn: () => void) => () => void;

export const everyInterval: Every = (ms, fn) => {
  const timer = setInterval(fn, ms);
  timer.unref();
  return () => clearInterval(timer);
};

export interface HeldLeaseDeps {
  leases: Leases;
  clock: Clock;
  log: Logger;
  every: Every;
}

/** A stored lease taken for one run and renewed by a heartbeat until the run ends. */
export class HeldLease implements RunLease {
  readonly ms: number;
  private readonly deps: HeldLeaseDeps;
  private readonly name: string;
  private readonly owner: string;
  /** When the lease ends unless renewed again (the runner's clock). */
  private until: number;
  private taken = false;
  private renewing: Promise<void> | undefined;
  private readonly stopHeartbeat: () => void;

  private constructor(deps: HeldLeaseDeps, name: string, owner: string, ms: number, until: number) {
    this.deps = deps;
    this.name = name;
    this.owner = owner;
    this.ms = ms;
    this.until = until;
    this.stopHeartbeat = deps.every(Math.max(1, Math.floor(ms / 3)), () => void this.renew());
  }

  /** The lease, taken now and renewed from here on; undefined when another instance holds it. */
  static async take(deps: HeldLeaseDeps, name: string, owner: string, ms: number): Promise<HeldLease | undefined> {
    const now = deps.clock.now().getTime();
    if (!(await deps.leases.acquire(name, owner, ms, new Date(now)))) return undefined;
    return new HeldLease(deps, name, owner, ms, now + ms);
  }

  now(): Date {
    return this.deps.clock.now();
  }

  lost(): boolean {
    return this.taken;
  }

  /** When the lease ends unless renewed (ms since the epoch, on the runner's clock). */
  get expiresAt(): number {
    return this.until;
  }

  /** Runs `work` as this lease's run: the delivery engine and anything else inside sees it (runLease()). */
  run<T>(work: () => Promise<T>): Promise<T> {
    return current.run(this, work);
  }

  /** One heartbeat: renews the lease unless a renewal is still under way or the lease is already lost. */
  renew(): Promise<void> {
    if (this.renewing || this.taken) return this.renewing ?? Promise.resolve();
    this.renewing = (async () => {
      const at = this.deps.clock.now().getTime();
      try {
        if (await this.deps.leases.acquire(this.name, this.owner, this.ms, new Date(at))) this.until = at + this.ms;
        else this.taken = true;
      } catch (err) {
        // A store fault is not a lost lease while it lasts; once it has ended, another instance may take it.
        this.deps.log.warn({ lease: this.name, err: String(err) }, 'lease renewal failed');
        if (this.deps.clock.now().getTime() >= this.until) this.taken = true;
      } finally {
        this.renewing = undefined;
      }
    })();
    return this.renewing;
  }

  /**
   * The run is over: no more heartbeats, and the lease is given up, unless `keepUntil` says nobody will
   * ask for it before it ends by itself (then releasing it would only cost a write).
   */
  async end(options: { keepUntil?: number } = {}): Promise<void> {
    this.stopHeartbeat();
    await this.renewing;
    if (this.taken) return;
    if (options.keepUntil !== undefined && this.until <= options.keepUntil) return;
    await this.deps.leases.release(this.name, this.owner);
  }
}
