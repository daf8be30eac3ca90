import {
  type Collection,
  ConflictError,
  type Doc,
  type DocumentStore,
  DuplicateError,
} from '../../platform/store/document-store.ts';

// Which instances want to send campaign prompts right now, so that each takes its share of the schools
// with due work without an operator setting a number. One small document beside the leases (it is a lease
// per instance in all but name: an owner and an expiry): an instance enters it when it finds due work,
// renews its entry while it keeps finding some, and leaves when nothing is due. An idle instance never
// touches it, so the roster costs nothing when no school sends; a dead instance's entry expires.

interface RosterDoc extends Doc {
  /** Owner → until when it counts (ISO instant). */
  senders: Record<string, string>;
}

const rosterId = 'campaign-senders';

export class SenderRoster {
  private readonly c: Collection<RosterDoc>;
  /** Whether this process's instance has an entry (so leaving costs nothing when it has none). */
  private readonly entered = new Set<string>();

  private constructor(c: Collection<RosterDoc>) {
    this.c = c;
  }

  static async open(store: DocumentStore): Promise<SenderRoster> {
    return new SenderRoster(await store.collection<RosterDoc>({ name: 'leases', indexes: [] }));
  }

  /**
   * Enters (or keeps) `owner` until now + ttlMs and returns how many instances want to send now, itself
   * included. One read; a write only when the entry is new or a third of its time has passed.
   */
  async live(owner: string, ttlMs: number, now: Date): Promise<number> {
    const nowIso = now.toISOString();
    const until = new Date(now.getTime() + ttlMs).toISOString();
    const renewBefore = new Date(now.getTime() + (ttlMs * 2) / 3).toISOString();
    for (let attempt = 1; ; attempt++) {
      const current = await this.c.get(rosterId, rosterId);
      const senders = Object.fromEntries(Object.entries(current?.senders ?? {}).filter(([, at]) => at > nowIso));
      const count = Object.keys(senders).length + (senders[owner] ? 0 : 1);
      if ((senders[owner] ?? '') >= renewBefore) {
        this.entered.add(owner);
        return count;
      }
      senders[owner] = until;
      try {
        if (current) await this.c.replace({ ...current, senders });
        else await this.c.create({ id: rosterId, pk: rosterId, senders });
        this.entered.add(owner);
        return count;
      } catch (err) {
        if (!(err instanceof ConflictError || err instanceof DuplicateError) || attempt >= 5) throw err;
      }
    }
  }

  /** Takes `owner` off the roster (nothing is due for it); free when it has no entry. */
  async leave(owner: string, now: Date): Promise<void> {
    if (!this.entered.has(owner)) return;
    for (let attempt = 1; ; attempt++) {
      const current = await this.c.get(rosterId, rosterId);
      const nowIso = now.toISOString();
      if (!current?.senders[owner]) break;
      const senders = Object.fromEntries(Object.entries(current.senders).filter(([o, at]) => o !== owner && at > nowIso));
      try {
        await this.c.replace({ ...current, senders });
        break;
      } catch (err) {
        if (!(err instanceof ConflictError) || attempt >= 5) throw err;
      }
    }
    this.entered.delete(owner);
  }
}
