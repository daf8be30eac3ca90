import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { type Delivery, finalDeliveryStates } from './campaigns.ts';
import type { CampaignRepositories } from './ports.ts';

// Every change the sender makes to a delivery in the ledger. Each is conditional: a delivery read a moment
// ago is written with a compare-and-swap on its version, and when another writer (an answer, another
// instance) moved it first, the change is applied only if the condition still holds on what is stored now.

export interface LedgerWriteDeps {
  camp: CampaignRepositories;
  clock: Clock;
  log: Logger;
  /** This instance, in claims. */
  owner: string;
  /** A campaign's numbers changed (its status cards are updated). */
  onChange?: ((schoolId: string, campaignId: string) => void) | undefined;
}

const released = { op: undefined, claimedBy: undefined } as const;

export class LedgerWrites {
  private readonly deps: LedgerWriteDeps;
  constructor(deps: LedgerWriteDeps) {
    this.deps = deps;
  }

  changed(d: Delivery): void {
    this.deps.onChange?.(d.schoolId, d.campaignId);
  }

  /** Writes a change to a delivery read just now; falls back to a read-modify-write if it moved. */
  async write(d: Delivery, patch: Partial<Delivery>, onlyIf: (current: Delivery) => boolean): Promise<Delivery | undefined> {
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

  /** The same change, only while nobody else touched the delivery since it was read. */
  writeIfUnchanged(d: Delivery, patch: Partial<Delivery>): Promise<Delivery | undefined> {
    return this.write(d, patch, (c) => c.version === d.version);
  }

  /** Takes a delivery for this instance until `until`; undefined when another writer changed it first. */
  claim(d: Delivery, patch: Partial<Delivery>, now: Date, until: Date): Promise<Delivery | undefined> {
    return this.deps.camp.deliveries.replaceIfUnchanged({
      ...d,
      ...patch,
      claimedBy: this.deps.owner,
      dueAt: until.toISOString(),
      updatedAt: now.toISOString(),
    });
  }

  /** Ends this instance's claim on a delivery with the outcome. */
  async finish(claim: Delivery, patch: Partial<Delivery>): Promise<void> {
    await this.write(
      claim,
      { ...patch, ...released },
      (c) => c.claimedBy === this.deps.owner && !finalDeliveryStates.includes(c.state),
    );
    this.changed(claim);
  }

  /** Ends a delivery that is not final yet; true when this write did it. */
  async end(d: Delivery, patch: Partial<Delivery>, onlyIf: (current: Delivery) => boolean): Promise<boolean> {
    const ok = await this.write(d, { ...patch, dueAt: undefined, ...released }, onlyIf);
    if (ok) this.changed(d);
    return ok !== undefined;
  }

  /** A prompt went out after an answer (or a stop) changed the delivery: that state stays, the send is recorded. */
  async recordSent(d: Delivery, sent: Pick<Delivery, 'sentAt' | 'message' | 'closesAt'>): Promise<void> {
    await this.deps.camp.deliveries.update(d.schoolId, d.id, (c) => (c.sentAt ? undefined : { ...c, ...sent }));
  }

  /** A reminder went out: counted, and the next one (or the window's end) is due. */
  async reminded(d: Delivery, next: Pick<Delivery, 'reminders' | 'remindedAt' | 'dueAt' | 'reason'>): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.camp.deliveries.update(d.schoolId, d.id, (c) => ({
      ...c,
      // An answer that came in meanwhile stays an answer; the reminder is still counted (it went out).
      ...(c.state === 'answered' ? {} : { state: 'reminded' as const, dueAt: next.dueAt }),
      reminders: next.reminders,
      remindedAt: next.remindedAt,
      ...('reason' in next ? { reason: next.reason } : {}),
      ...released,
      updatedAt: now,
    }));
  }

  /** The student cannot be reached (never reached before: a prompt that went out keeps its state). */
  async unreachable(d: Delivery, reason: string): Promise<boolean> {
    const ok = await this.end(d, { state: 'unreachable', reason }, (c) => !finalDeliveryStates.includes(c.state) && !c.sentAt);
    if (ok)
      this.deps.log.info({ deliveryId: d.id, studentId: d.studentId, reason }, 'student not reachable for a campaign prompt');
    return ok;
  }
}

/** When to try a transiently failed delivery again: 30 s doubling to 30 minutes, with jitter. */
export function backoff(attempts: number, now: Date): Date {
  const base = Math.min(30 * 60_000, 30_000 * 2 ** Math.max(0, attempts - 1));
  return new Date(now.getTime() + base / 2 + Math.random() * (base / 2));
}
