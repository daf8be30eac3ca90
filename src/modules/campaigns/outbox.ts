import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import { type Campaign, type Delivery, finalDeliveryStates } from './campaigns.ts';
import type { LedgerWrites } from './ledger-writes.ts';
import type { CampaignRepositories } from './ports.ts';
import type { SendRun } from './send-run.ts';

// The school's outbox: the deliveries whose dueAt has come, read in batches (oldest first). What needs no
// message is settled here (a final delivery, a stopped or paused campaign, a closed answer window, a
// reminder that is not due yet); what needs one, a first prompt or a reminder, goes on to the delivery
// engine (prompts.ts says how to send it).

/** A delivery that needs a message now, with what the run already knows about it. */
export interface DuePrompt {
  delivery: Delivery;
  campaign: Campaign;
  op: 'send' | 'remind';
}

const isFinal = (d: Delivery) => finalDeliveryStates.includes(d.state);

/** What a delivery taken from the outbox needs: nothing more (settled here), or a message. */
export async function settle(d: Delivery, run: SendRun, writes: LedgerWrites, now: Date): Promise<DuePrompt | undefined> {
  const nowIso = now.toISOString();
  if (!d.dueAt || d.dueAt > nowIso) return undefined;
  if (isFinal(d)) {
    await writes.write(d, { dueAt: undefined }, isFinal);
    return undefined;
  }
  const campaign = await run.campaign(d.schoolId, d.campaignId);
  if (!campaign || campaign.state === 'cancelled') {
    const unsent = d.state === 'planned' || (d.state === 'sending' && !d.sentAt);
    const outcome: Partial<Delivery> = unsent ? { state: 'cancelled' } : { state: 'closed', reason: 'campaign-cancelled' };
    if (await writes.end(d, outcome, (c) => !isFinal(c))) run.stats.cancelled++;
    return undefined;
  }
  if (campaign.state === 'paused') {
    // Parked without a dueAt: resuming the campaign gives them one again (no polling while paused).
    const parked = { dueAt: undefined, parked: true, op: undefined, claimedBy: undefined };
    if (await writes.write(d, parked, (c) => c.dueAt !== undefined)) run.stats.parked++;
    return undefined;
  }
  if (d.state === 'planned' || d.state === 'sending') return { delivery: d, campaign, op: 'send' };

  // A prompt that went out: the end of its answer window, or its next reminder.
  const closesAt = d.closesAt ?? nowIso;
  if (nowIso >= closesAt) {
    const closed = await writes.end(
      d,
      { state: 'closed', reason: 'no-answer' },
      (c) => c.state === 'sent' || c.state === 'reminded',
    );
    if (closed) run.stats.closed++;
    return undefined;
  }
  const { afterHours, max } = campaign.reminders;
  const remindAt = new Date(new Date(d.remindedAt ?? d.sentAt ?? nowIso).getTime() + afterHours * 3_600_000).toISOString();
  const sameState = (c: Delivery) => c.state === d.state;
  if (d.reminders >= max || remindAt >= closesAt) {
    await writes.write(d, { dueAt: closesAt, op: undefined, claimedBy: undefined }, sameState);
    return undefined;
  }
  if (nowIso < remindAt) {
    await writes.write(d, { dueAt: remindAt, op: undefined, claimedBy: undefined }, sameState);
    return undefined;
  }
  return { delivery: d, campaign, op: 'remind' };
}

export interface OutboxInput {
  schoolId: string;
  camp: CampaignRepositories;
  clock: Clock;
  log: Logger;
  batchSize: number;
  run: SendRun;
  writes: LedgerWrites;
  /**
   * Asked before each batch and each prompt: does this instance still work the school (its lease held,
   * not handed over to another instance)? When not, reading stops; what was not claimed stays due.
   */
  keep: () => Promise<boolean>;
}

/**
 * The deliveries of one school that need a message, read lazily batch by batch while the engine sends the
 * ones before. Each delivery is looked at once per run: one left due by an error waits for the next run.
 */
export async function* dueMessages(input: OutboxInput): AsyncGenerator<DuePrompt> {
  const { schoolId, camp, clock, log, run, writes } = input;
  const seen = new Set<string>();
  for (;;) {
    if (!(await input.keep())) return;
    const due = await camp.deliveries.due(schoolId, clock.now().toISOString(), input.batchSize);
    const fresh = due.filter((d) => !seen.has(d.id));
    if (fresh.length === 0) return;
    for (const d of fresh) {
      seen.add(d.id);
      let next: DuePrompt | undefined;
      try {
        next = await settle(d, run, writes, clock.now());
      } catch (err) {
        log.error({ deliveryId: d.id, err: String(err) }, 'campaign delivery step failed; retried next run');
      }
      if (!next) continue;
      if (!(await input.keep())) return;
      yield next;
    }
  }
}
