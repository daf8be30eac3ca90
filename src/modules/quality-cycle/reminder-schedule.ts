import { addDays, daysBetween, type LocalDate } from '../../core/time/zoned-time.ts';
import type { Milestone } from './quality-cycle.ts';

// When a milestone is due for its reminder or its escalation, and whom a step has already reached. Worked
// out from the milestone as stored, so a run missed while the bot was down is caught up by the next one
// and a run that sends nothing new (the same day, or another instance) is harmless.

/** A milestone overdue longer than this is no longer announced in the channel (it is escalated instead). */
export const channelGraceDays = 7;
export const escalateEveryDays = 7;

/** The reminder N days before the due date (channel and owners), or the weekly escalation of an overdue one. */
export type ReminderStep = 'reminder' | 'escalation';

export function reminderDue(m: Milestone, today: LocalDate, days: number): boolean {
  return !m.done && !m.remindedOn && today >= addDays(m.due, -days) && today <= addDays(m.due, channelGraceDays);
}

export function escalationDue(m: Milestone, today: LocalDate): boolean {
  return !m.done && m.due < today && (!m.escalatedOn || daysBetween(m.escalatedOn, today) >= escalateEveryDays);
}

export function stepDue(step: ReminderStep, m: Milestone, today: LocalDate, days: number): boolean {
  return step === 'reminder' ? reminderDue(m, today, days) : escalationDue(m, today);
}

/** An escalation card of the round that is open now (rounds end when `escalatedOn` is set). */
export function ofThisRound(m: Milestone, card: { kind: string; sentOn?: LocalDate }): boolean {
  return card.kind === 'escalation' && card.sentOn !== undefined && (!m.escalatedOn || card.sentOn > m.escalatedOn);
}

/** Whether this step already reached this recipient: the channel (no person), an owner, or a leader this round. */
export function reached(m: Milestone, step: ReminderStep, personId: string | undefined): boolean {
  const cards = m.cards ?? [];
  if (step === 'escalation') return cards.some((c) => c.personId === personId && ofThisRound(m, c));
  if (personId === undefined) return cards.some((c) => c.kind === 'channel');
  return cards.some((c) => c.kind === 'owner' && c.personId === personId);
}

/** What a card shows of a milestone: when it changes, the cards must be drawn again. */
export function shown(m: Milestone): string {
  return JSON.stringify([m.phase, m.title, m.description, m.due, m.owner, m.done, m.escalatedOn]);
}
