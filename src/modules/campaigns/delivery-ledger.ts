import type { Reflection } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import type { SubmittedListener } from '../reflection/reflections.ts';
import type { CampaignRepositories } from './ports.ts';

// answer → ledger. When a student submits a reflection a campaign prompted, its delivery becomes
// 'answered' (no more reminders). An answer after the window closed still counts: it is stored and
// routed like any other, and both the delivery and the reflection are marked late.

export interface LedgerDeps {
  repos: Repositories;
  camp: CampaignRepositories;
  clock: Clock;
  /** Told which campaign changed (its status card is then updated). */
  onChange?: (schoolId: string, campaignId: string) => void;
}

export function answeredListener(deps: LedgerDeps): SubmittedListener {
  return async (reflection: Reflection) => {
    const source = reflection.source;
    if (source?.kind !== 'campaign') return undefined;
    const { camp, repos, clock } = deps;
    const delivery = await camp.deliveries.get(reflection.schoolId, source.deliveryId);
    if (!delivery || delivery.studentId !== reflection.studentId || delivery.reflectionId !== reflection.id) return undefined;
    const now = clock.now().toISOString();
    const late = delivery.state === 'closed' || (delivery.closesAt !== undefined && now >= delivery.closesAt);
    await camp.deliveries.update(reflection.schoolId, delivery.id, (d) =>
      d.state === 'answered'
        ? undefined
        : { ...d, state: 'answered', answeredAt: now, late, dueAt: undefined, parked: undefined, updatedAt: now },
    );
    deps.onChange?.(reflection.schoolId, delivery.campaignId);
    if (!late) return undefined;
    return repos.reflections.update(reflection.studentId, reflection.id, (r) => (r.late ? undefined : { ...r, late: true }));
  };
}
