import type { Person, Reflection } from '../../core/entities.ts';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Locale } from '../../core/types.ts';
import type { Clock } from '../../platform/clock.ts';
import type { PendingReflections, SubmittedListener } from '../reflection/reflections.ts';
import { type Delivery, ids } from './campaigns.ts';
import type { CampaignRepositories } from './ports.ts';

// prompt → answer → ledger. Until the student answers, a prompt's delivery stands for its reflection: the
// card carries the reflection's id (derived from the delivery's), and the reflection is stored by the
// student's first answer, so a prompt costs the ledger's writes only (claim, outcome).
// When a student submits a reflection a campaign prompted, its delivery becomes
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

/**
 * A trialoog prompt is answered when its student makes a supervisor link, from the prompt's card or
 * later from the share menu (after adding their supervisor): every open trialoog prompt of the student.
 */
export function trialoogAskedListener(deps: LedgerDeps): (student: Pick<Person, 'id' | 'schoolId'>) => Promise<void> {
  return async (student) => {
    const { camp, clock } = deps;
    const open = await camp.deliveries.find(student.schoolId, { studentId: student.id, states: ['sent', 'reminded'] });
    for (const delivery of open) {
      const campaign = await camp.campaigns.get(student.schoolId, delivery.campaignId);
      if (!campaign?.trialoog) continue;
      const now = clock.now().toISOString();
      await camp.deliveries.update(student.schoolId, delivery.id, (d) =>
        d.state === 'sent' || d.state === 'reminded'
          ? { ...d, state: 'answered', answeredAt: now, dueAt: undefined, parked: undefined, updatedAt: now }
          : undefined,
      );
      deps.onChange?.(student.schoolId, campaign.id);
    }
  };
}

/** The reflection a prompt stands for, as its student's first answer stores it. */
export function promptReflection(d: Delivery, flow: Flow, locale: Locale): Reflection {
  return {
    id: d.reflectionId,
    version: 0,
    schoolId: d.schoolId,
    studentId: d.studentId,
    flowId: flow.id,
    activityType: flow.activityType,
    source: { kind: 'campaign', campaignId: d.campaignId, deliveryId: d.id },
    locale,
    status: 'open',
    createdAt: d.sentAt ?? d.updatedAt,
    answers: {},
    competencies: [],
    routing: 'none',
  };
}

/** A prompt's reflection before it is stored: only for a prompt that went out (or is going out), in the actor's school. */
export function pendingPromptReflections(deps: { camp: CampaignRepositories; flows: FlowCatalog }): PendingReflections {
  return async (actor, reflectionId) => {
    const deliveryId = ids.deliveryOf(reflectionId);
    const d = deliveryId ? await deps.camp.deliveries.get(actor.schoolId, deliveryId) : undefined;
    if (!d || d.reflectionId !== reflectionId || (!d.sentAt && d.state !== 'sending')) return undefined;
    const flow = deps.flows.get(d.flowId);
    if (!flow) return undefined;
    const { version: _, ...reflection } = promptReflection(d, flow, actor.locale);
    return reflection;
  };
}
