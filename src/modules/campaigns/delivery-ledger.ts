import type { Person, Reflection } from '../../core/entities.ts';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Locale } from '../../core/types.ts';
import type { Clock } from '../../platform/clock.ts';
import { NotFoundError } from '../../platform/store/document-store.ts';
import type { PendingReflections, SubmitJoin, SubmitJoins } from '../reflection/reflections.ts';
import { type Delivery, ids } from './campaigns.ts';
import type { CampaignRepositories } from './ports.ts';

// prompt → answer → ledger. Until the student answers, a prompt's delivery stands for its reflection: the
// card carries the reflection's id (derived from the delivery's), and the reflection is stored by the
// student's first answer, so a prompt costs the ledger's writes only (claim, outcome).
// When a student submits a reflection a campaign prompted, its delivery becomes 'answered' (no more
// reminders) in the answer's own write call: the delivery as read when the reflection was looked up (or,
// for one stored before, once before the write), replaced if it is still that version. An answer after
// the window closed still counts: it is stored and routed like any other, and both the delivery and the
// reflection are marked late.

export interface LedgerDeps {
  repos: Repositories;
  camp: CampaignRepositories;
  clock: Clock;
  /** Told which campaign changed (its status card is then updated). */
  onChange?: (schoolId: string, campaignId: string) => void;
}

const isLate = (d: Delivery, at: string) => d.state === 'closed' || (d.closesAt !== undefined && at >= d.closesAt);

function answered(d: Delivery, at: string): Delivery {
  return { ...d, state: 'answered', answeredAt: at, late: isLate(d, at), dueAt: undefined, parked: undefined, updatedAt: at };
}

/** The ledger's side of the submit of a reflection a campaign prompted: its delivery `d`, as read, answered. */
function answeredJoin(
  deps: LedgerDeps,
  d: Delivery,
  reflection: Pick<Reflection, 'id' | 'studentId'>,
  submittedAt: string,
): SubmitJoin | undefined {
  if (d.studentId !== reflection.studentId || d.reflectionId !== reflection.id || d.state === 'answered') return undefined;
  const next = answered(d, submittedAt);
  return {
    reflection: next.late ? { late: true } : {},
    write: deps.camp.deliveries.replaceInWriteAll(next),
    done: async (written, stored) => {
      if (!written) await answeredSince(deps, d, stored, submittedAt);
      deps.onChange?.(d.schoolId, d.campaignId);
    },
  };
}

/** The delivery moved on since it was read (a reminder went out, the window closed): answered as it is now. */
async function answeredSince(deps: LedgerDeps, d: Delivery, reflection: Reflection, at: string): Promise<void> {
  let late = false;
  try {
    await deps.camp.deliveries.update(d.schoolId, d.id, (c) => {
      late = isLate(c, at);
      return c.state === 'answered' ? undefined : answered(c, at);
    });
  } catch (err) {
    // No delivery to mark (the ledger deletes none, but bad data must not fail an answer already stored).
    if (err instanceof NotFoundError) return;
    throw err;
  }
  if (late && !reflection.late)
    await deps.repos.reflections.update(reflection.studentId, reflection.id, (r) => (r.late ? undefined : { ...r, late: true }));
}

/** For the submit of a campaign's reflection that was stored before (a preparation answered first): read the delivery once. */
export function answeredJoins(deps: LedgerDeps): SubmitJoins {
  return async (reflection, submittedAt) => {
    const source = reflection.source;
    if (source?.kind !== 'campaign') return undefined;
    const d = await deps.camp.deliveries.get(reflection.schoolId, source.deliveryId);
    return d ? answeredJoin(deps, d, reflection, submittedAt) : undefined;
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

/**
 * A prompt's reflection before it is stored: only for a prompt that went out (or is going out), in the
 * actor's school. Its submit marks the delivery read here answered, in the answer's write call.
 */
export function pendingPromptReflections(deps: LedgerDeps & { flows: FlowCatalog }): PendingReflections {
  return async (actor, reflectionId) => {
    const deliveryId = ids.deliveryOf(reflectionId);
    const d = deliveryId ? await deps.camp.deliveries.get(actor.schoolId, deliveryId) : undefined;
    if (!d || d.reflectionId !== reflectionId || (!d.sentAt && d.state !== 'sending')) return undefined;
    const flow = deps.flows.get(d.flowId);
    if (!flow) return undefined;
    const { version: _, ...reflection } = promptReflection(d, flow, actor.locale);
    return { reflection, join: (submittedAt) => answeredJoin(deps, d, reflection, submittedAt) };
  };
}
