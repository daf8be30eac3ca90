import { z } from 'zod';
import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { type CardActionResponse, cardResponse, type Turn } from '../../teams/turn.ts';
import { type EvidencePeriodChoice, evidencePeriodChoices } from './check-evidence.ts';
import { type TeamProblem, teamIdPattern } from './education-teams.ts';

// What the quality cycle's cards send back, checked before anything is read (a tampered or stale card
// gets a card that says so), and the small replies the Teams side shares.

const teamId = z.string().regex(teamIdPattern);
const cycleId = z.string().regex(/^\d{4}-\d{4}:(school|team:[a-z0-9][a-z0-9-]{0,39})$/);
const milestoneId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,39}$/);
const text = (max: number) => z.string().max(max).optional();
export const scopeSchema = z.discriminatedUnion('scope', [
  z.looseObject({ scope: z.literal('school') }),
  z.looseObject({ scope: z.literal('template') }),
  z.looseObject({ scope: z.literal('team'), teamId }),
]);
export const doneSchema = z.looseObject({ cycleId, milestoneId, note: z.unknown().optional(), link: z.unknown().optional() });
export const evidenceSchema = z.looseObject({
  teamId,
  period: z.enum(evidencePeriodChoices as [EvidencePeriodChoice, ...EvidencePeriodChoice[]]).optional(),
});
export const editSchema = z.looseObject({
  milestoneId: milestoneId.optional(),
  phase: text(16),
  title: text(2000),
  due: text(32),
  owner: text(32),
  ownerEmail: text(320),
  description: text(5000),
});

export function invalidCard(turn: Turn, verb: string): CardActionResponse {
  turn.deps.log.warn({ personId: turn.actor.id, verb }, 'quality cycle card action with invalid data refused');
  return cardResponse(messageCard('core.errors.invalidCard', turn.locale, 'attention'));
}

export function teamErrorText(locale: Locale, p: TeamProblem): string {
  const params: Record<string, string> = {};
  if ('value' in p) params['value'] = p.value;
  if ('role' in p) params['role'] = p.role;
  if ('by' in p) params['by'] = p.by;
  if ('known' in p) params['known'] = p.known.join(', ') || '-';
  return t(locale, `pdca.errors.${p.code}`, params);
}

/** A plain message, in the person's language (the message card reads a locale key). */
export function textCard(text: string, attention = false) {
  return {
    type: 'AdaptiveCard',
    $schema: 'http://adaptivecards.io/schemas/adaptive-card.json',
    version: '1.5',
    body: [{ type: 'RichTextBlock', inlines: [{ type: 'TextRun', text, ...(attention ? { color: 'Attention' } : {}) }] }],
  };
}
