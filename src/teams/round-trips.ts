// A tenant's round trips, for the send windows' credit (rate-limit.ts, docs/delivery.md): how much
// earlier than its answer a request may stop counting in Teams' windows.

/**
 * The shortest round trip of a tenant's answered requests since the process started. Not a recent one: in a
 * stall every recent round trip is long, and the credit must stay what the legs can do at their quickest.
 * Capped, so that a process that starts in a stall cannot earn more than a small credit from it.
 *
 * The shortest round trip is the quickest sum of the legs seen so far, which lies above the sum of each
 * leg's quickest by more the noisier the legs are (a loaded machine, a busy service): a request that finds
 * both ends idle can be quicker than any seen. So besides a fixed margin the credit gives up the spread of
 * the quickest tenth of the recent round trips over the shortest.
 */
export class RoundTrips {
  private seen = 0;
  private shortest = Number.POSITIVE_INFINITY;
  private readonly recent: number[] = [];
  private next = 0;
  private spread = 0;
  private readonly settings: RoundTripSettings;
  constructor(settings: RoundTripSettings) {
    this.settings = settings;
  }

  add(ms: number): void {
    this.seen++;
    if (ms < this.shortest) this.shortest = ms;
    this.recent[this.next] = ms;
    this.next = (this.next + 1) % recentRoundTrips;
    // Sorting 256 numbers every 32 answers: far below a request's own cost.
    if (this.seen % 32 === 0) {
      const sorted = [...this.recent].sort((a, b) => a - b);
      this.spread = sorted[Math.floor(sorted.length / 10)]! - this.shortest;
    }
  }

  /** How much earlier than its answer a request may stop counting (0 until enough answers were seen). */
  credit(): number {
    const { least, marginMs, maxMs } = this.settings;
    if (this.seen < least) return 0;
    return Math.min(maxMs, Math.max(0, this.shortest - marginMs - this.spread));
  }
}

const recentRoundTrips = 256;

/** Answers needed before any credit, the margin taken off the shortest round trip, and the most credit. */
export interface RoundTripSettings {
  least: number;
  marginMs: number;
  maxMs: number;
}
