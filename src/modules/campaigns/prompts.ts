import { preparationCard } from '../../core/cards/cards.ts';
import type { Person, Reflection } from '../../core/entities.ts';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import type { DeliveryError, Repositories } from '../../core/ports.ts';
import type { QuietReason } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryKind, Prepared } from '../../delivery/delivery-kind.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Logger } from '../../platform/log.ts';
import type { RetryOptions } from '../../teams/connector.ts';
import { type Delivery, spreadDue } from './campaigns.ts';
import { campaignPromptCard, withPromptHeader } from './cards.ts';
import { promptReflection } from './delivery-ledger.ts';
import { backoff, type LedgerWrites } from './ledger-writes.ts';
import type { DuePrompt } from './outbox.ts';
import { recheckMs } from './planner.ts';
import type { TrialoogPrompts } from './ports.ts';
import { type CardContext, PromptCards, promptCardKey } from './prompt-cards.ts';
import type { SendRun } from './send-run.ts';

// A campaign prompt and its reminders as the delivery engine sees them (docs/delivery.md): the engine asks
// the send policy, claims, sends and hands back the outcome; this says whom a prompt goes to, what its card
// shows, and what each outcome means in the ledger the coordinator reads (docs/campaigns.md).

export interface PromptDeps {
  repos: Repositories;
  flows: FlowCatalog;
  clock: Clock;
  log: Logger;
  writes: LedgerWrites;
  /** Per-request retries within a claim (Retry-After on 429, backoff with jitter on 412/5xx). */
  retry: RetryOptions;
  /** The card of a trialoog campaign's prompt (the sharing module). */
  trialoog: TrialoogPrompts;
}

const dayMs = 24 * 3_600_000;
const earlier = (a: string, b: string) => (a < b ? a : b);

/** The latest moment a first prompt still makes sense: the end of the answer window from its planned moment. */
function latestPrompt(due: DuePrompt): number {
  return new Date(due.delivery.scheduledAt).getTime() + due.campaign.closeAfterDays * dayMs;
}

export function campaignPrompts(deps: PromptDeps, run: SendRun): DeliveryKind<DuePrompt, CardContext> {
  const { writes, clock } = deps;
  const stats = run.stats;
  const settled = { kind: 'settled' } as const;
  // Per flow as loaded: a flow edited while a run sends is drawn anew.
  const cards = new WeakMap<Flow, PromptCards>();
  const cardsOf = (flow: Flow) => {
    let c = cards.get(flow);
    if (!c) {
      c = new PromptCards();
      cards.set(flow, c);
    }
    return c;
  };

  /** Reads what the card needs; undefined when the delivery's flow or card is gone. */
  async function cardContext(due: DuePrompt, student: Person, stored?: Reflection): Promise<CardContext | undefined> {
    const d = due.delivery;
    const flow = deps.flows.get(d.flowId);
    if (!flow || (d.kind === 'preparation' && !flow.preparation)) return undefined;
    const policy = await run.policy(d.schoolId);
    const reflection = stored ?? promptReflection(d, flow, student.locale);
    if (d.kind === 'preparation') return { flow, timeZone: policy.timeZone, reflection, stored: stored !== undefined };
    const activity = await run.activity(d.schoolId, d.activityId);
    const shown = activity ?? { title: '', type: 'other' as const, endsAt: d.scheduledAt };
    if (due.campaign.trialoog) {
      const trialoog = await deps.trialoog.prompt(student, policy.timeZone);
      return { flow, activity: shown, timeZone: policy.timeZone, reflection, stored: stored !== undefined, trialoog };
    }
    return { flow, activity: shown, timeZone: policy.timeZone, reflection, stored: stored !== undefined };
  }

  async function preparePrompt(due: DuePrompt, student: Person): Promise<Prepared<CardContext>> {
    const d = due.delivery;
    const context = await cardContext(due, student);
    if (!context) {
      const reason = deps.flows.get(d.flowId) ? 'no-preparation' : 'flow-missing';
      if (await writes.end(d, { state: 'closed', reason }, (c) => c.version === d.version)) stats.closed++;
      return settled;
    }
    return { kind: 'send', to: student, context };
  }

  async function prepareReminder(due: DuePrompt, student: Person | undefined): Promise<Prepared<CardContext>> {
    const d = due.delivery;
    const closesAt = d.closesAt!;
    const sameState = (c: Delivery) => c.state === d.state;
    if (!student) {
      await writes.write(d, { dueAt: closesAt, reason: 'not-found' }, sameState);
      return settled;
    }
    // Stored once the student answered something (a preparation, or the answer whose ledger update was lost).
    const stored = await deps.repos.reflections.get(student.id, d.reflectionId);
    if (stored?.status === 'submitted') {
      const answeredAt = stored.submittedAt ?? clock.now().toISOString();
      await writes.write(d, { state: 'answered', answeredAt, dueAt: undefined }, sameState);
      writes.changed(d);
      return settled;
    }
    const context = await cardContext(due, student, stored);
    if (!context) {
      await writes.write(d, { dueAt: closesAt, op: undefined, claimedBy: undefined }, sameState);
      return settled;
    }
    return { kind: 'send', to: student, context };
  }

  const retry: RetryOptions = {
    ...deps.retry,
    onRetry: (err, attempt, delayMs) => {
      stats.retries++;
      deps.retry.onRetry?.(err, attempt, delayMs);
    },
  };

  async function failedPrompt(claimed: DuePrompt, e: DeliveryError): Promise<void> {
    const d = claimed.delivery;
    run.failuresInARow++;
    stats.failed++;
    const retryAt = backoff(d.attempts, clock.now());
    if (retryAt.getTime() > latestPrompt(claimed)) {
      await writes.finish(d, { state: 'closed', reason: 'error', lastError: e.message, dueAt: undefined });
      stats.closed++;
      return;
    }
    await writes.finish(d, { state: 'planned', lastError: e.message, dueAt: retryAt.toISOString() });
    deps.log.debug({ deliveryId: d.id, reason: e.reason, attempts: d.attempts }, 'campaign prompt not sent yet; retried later');
  }

  async function failedReminder(claimed: DuePrompt, e: DeliveryError): Promise<void> {
    const d = claimed.delivery;
    run.failuresInARow++;
    stats.failed++;
    const retryAt = backoff(d.attempts + d.reminders + 1, clock.now()).toISOString();
    await writes.finish(d, { dueAt: earlier(retryAt, d.closesAt!), lastError: e.message });
  }

  async function notNow(due: DuePrompt, why: QuietReason, next: Date | undefined, now: Date): Promise<void> {
    const d = due.delivery;
    const at = next ?? new Date(now.getTime() + recheckMs);
    // A first prompt waits for holidays and weekends (the school's rhythm), but a pause is the student's
    // choice: past the window it is closed with the reason instead of sent weeks late. A reminder that
    // would only fit after the window is not sent at all.
    const tooLate =
      due.op === 'send'
        ? why === 'paused' && at.getTime() > latestPrompt(due)
        : at.getTime() > new Date(d.closesAt!).getTime() - 1;
    if (tooLate) {
      const outcome: Partial<Delivery> =
        due.op === 'send' ? { state: 'closed', reason: 'paused', dueAt: undefined } : { dueAt: d.closesAt };
      if (await writes.writeIfUnchanged(d, { ...outcome, op: undefined, claimedBy: undefined })) {
        if (outcome.state === 'closed') stats.closed++;
        writes.changed(d);
      }
      return;
    }
    // Looked at again within a day at the latest: a student may end a pause early.
    const dueAt = spreadDue(Math.min(at.getTime(), now.getTime() + recheckMs), d.id);
    if (await writes.writeIfUnchanged(d, { dueAt, lastError: undefined })) stats.deferred++;
  }

  return {
    message: 'campaign-prompt',
    schoolOf: (due) => due.delivery.schoolId,
    prepare: async (due) => {
      const student = await deps.repos.people.get(due.delivery.schoolId, due.delivery.studentId);
      if (due.op === 'remind') return prepareReminder(due, student);
      if (!student) return { kind: 'skip', reason: 'not-found' };
      return preparePrompt(due, student);
    },
    claim: async (due, now, until) => {
      const d = due.delivery;
      const patch: Partial<Delivery> =
        due.op === 'send' ? { state: 'sending', op: 'send', attempts: d.attempts + 1 } : { op: 'remind' };
      const claimed = await writes.claim(d, patch, now, until);
      if (!claimed) {
        stats.lost++;
        return undefined;
      }
      return { ...due, delivery: claimed };
    },
    compose: (claimed, to, context) => {
      const { flow, reflection, trialoog } = context;
      if (trialoog) {
        const header = {
          activity: context.activity!,
          timeZone: context.timeZone,
          reminder: claimed.op === 'remind',
          trialoog: true,
        };
        return { to, card: withPromptHeader(trialoog.card, to.locale, header), summary: trialoog.summary, retry };
      }
      const reminder = claimed.op === 'remind';
      const draw = (reflectionId: string) => {
        const r = reflectionId === reflection.id ? reflection : { ...reflection, id: reflectionId };
        return claimed.delivery.kind === 'preparation'
          ? preparationCard(flow, r)
          : campaignPromptCard(flow, r, { activity: context.activity!, timeZone: context.timeZone, reminder });
      };
      const card = context.stored
        ? draw(reflection.id)
        : cardsOf(flow).card(promptCardKey(claimed, context), reflection.id, draw);
      return { to, card, summary: flow.title[reflection.locale], retry };
    },
    sent: async (claimed, message, context) => {
      run.failuresInARow = 0;
      // The coordinator sees how many trialoog prompts asked a student to add their supervisor first.
      const reason = context.trialoog?.withoutSupervisor ? 'no-supervisor' : undefined;
      if (claimed.op === 'send') await promptSent(claimed, message, reason);
      else await reminderSent(claimed, reason);
    },
    retryLater: async (claimed, e) => {
      const d = claimed.delivery;
      // No chat with the bot to open: the student must install the app first; the coordinator sees why.
      if (e.reason === 'no-conversation') {
        await (claimed.op === 'send' ? unreachable(d, e.reason) : writes.finish(d, { dueAt: d.closesAt, reason: e.reason }));
        return;
      }
      await (claimed.op === 'send' ? failedPrompt(claimed, e) : failedReminder(claimed, e));
    },
    gaveUp: async (due, reason) => {
      const d = due.delivery;
      // A reminder's student had the prompt: no more reminders, the reason is kept for the coordinator.
      if (due.op === 'remind') await writes.finish(d, { dueAt: d.closesAt, reason });
      else await unreachable(d, reason);
    },
    postpone: (due, until) => notNow(due, 'paused', new Date(until), clock.now()),
    notNow,
  };

  async function unreachable(d: Delivery, reason: string): Promise<void> {
    if (await writes.unreachable(d, reason)) stats.unreachable++;
  }

  async function promptSent(
    claimed: DuePrompt,
    delivered: { conversationId: string; activityId: string; installedBySchool?: true },
    reason: string | undefined,
  ): Promise<void> {
    const { delivery: d, campaign } = claimed;
    const { installedBySchool, ...message } = delivered;
    const sentAt = clock.now();
    const closesAt = new Date(sentAt.getTime() + campaign.closeAfterDays * dayMs).toISOString();
    const remindAt = new Date(sentAt.getTime() + campaign.reminders.afterHours * 3_600_000).toISOString();
    // The student had never opened the app: the school installed it for them to send this prompt.
    const sentFields = { sentAt: sentAt.toISOString(), message, closesAt, ...(installedBySchool ? { installedBySchool } : {}) };
    const next = await writes.write(
      d,
      {
        ...sentFields,
        state: 'sent',
        op: undefined,
        claimedBy: undefined,
        reason,
        lastError: undefined,
        dueAt: campaign.reminders.max > 0 && remindAt < closesAt ? remindAt : closesAt,
      },
      (c) => c.state === 'sending' || c.state === 'planned',
    );
    // Answered (or stopped) in the meantime: keep that state, but record that the prompt went out.
    if (!next) await writes.recordSent(d, sentFields);
    stats.sent++;
    writes.changed(d);
  }

  async function reminderSent(claimed: DuePrompt, reason: string | undefined): Promise<void> {
    const { delivery: d, campaign } = claimed;
    const { afterHours, max } = campaign.reminders;
    const closesAt = d.closesAt!;
    const at = clock.now();
    const reminders = d.reminders + 1;
    const nextRemind = new Date(at.getTime() + afterHours * 3_600_000).toISOString();
    await writes.reminded(d, {
      reminders,
      remindedAt: at.toISOString(),
      dueAt: reminders < max && nextRemind < closesAt ? nextRemind : closesAt,
      ...(claimed.campaign.trialoog ? { reason } : {}),
    });
    stats.reminded++;
    writes.changed(d);
  }
}
