import { preparationCard, reflectionCard } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import type { BotDeps } from '../../teams/turn.ts';

// Previews of every flow as the student sees it: the cards of a sample reflection that holds no answer,
// rendered by the same card builders the bot sends (the browser draws them with Adaptive Cards).

export function flowPreviews(deps: BotDeps, locale: Locale) {
  const at = deps.clock.now().toISOString();
  const sample = (flowId: string, activityType: string): Reflection => ({
    id: 'preview',
    version: 1,
    schoolId: 'preview',
    studentId: 'preview',
    flowId,
    activityType,
    locale,
    status: 'open',
    createdAt: at,
    answers: {},
    competencies: [],
    routing: 'none',
  });
  const tx = (k: string) => t(locale, `coordinator.previews.${k}`);
  return deps.flows
    .all()
    .map((flow) => {
      const r = sample(flow.id, flow.activityType);
      return {
        id: flow.id,
        title: flow.title[locale],
        sectors: t(locale, 'coordinator.previews.sectors', { sectors: flow.sectors.join(', ') }),
        cards: [
          ...(flow.preparation ? [{ label: tx('preparation'), card: preparationCard(flow, r) }] : []),
          { label: tx('step1'), card: reflectionCard(flow, r) },
          { label: tx('positive'), card: reflectionCard(flow, r, { emotion: 'great' }) },
          { label: tx('negative'), card: reflectionCard(flow, r, { emotion: 'bad' }) },
        ],
      };
    })
    .sort((a, b) => a.title.localeCompare(b.title, locale));
}
