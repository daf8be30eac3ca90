import type { CampaignRepositories, DeliveryFilter } from './campaign-ports.ts';
import type { Campaign, Delivery } from './campaigns.ts';
import type { Repositories } from './ports.ts';

// What a coordinator sees of a campaign: numbers, progress, and who could not be reached and why.
// Counts come from the ledger; nothing here shows what a student answered.

export interface CampaignStatus {
  campaign: Campaign;
  /** Deliveries in the ledger. */
  total: number;
  /** Not sent yet (waiting for their moment, quiet hours, or being sent now). */
  toSend: number;
  /** Students expected for occurrences that are not planned yet (later moments). */
  upcoming: number;
  nextAt?: string;
  sent: number;
  answered: number;
  late: number;
  reminded: number;
  unreachable: number;
  /** Window closed without an answer (or could not be sent before it closed). */
  closed: number;
  cancelled: number;
  /** Weekly prompts not sent because a later one was due at the same time (after downtime). */
  superseded: number;
  /** Share of the work done: everything no longer waiting to be sent, of everything planned or expected. */
  progress: number;
  unreachableStudents: { studentId: string; name: string; email?: string; reason: string }[];
}

export interface StatusDeps {
  repos: Repositories;
  camp: CampaignRepositories;
}

export async function campaignStatus(
  deps: StatusDeps,
  campaign: Campaign,
  upcoming: { scheduledAt: string; students: number }[],
): Promise<CampaignStatus> {
  const { camp, repos } = deps;
  const count = (f: Omit<DeliveryFilter, 'campaignId'>) =>
    camp.deliveries.count(campaign.schoolId, { campaignId: campaign.id, ...f });
  const [total, toSend, sent, answered, reminded, closed, cancelled, unreachableList, occurrences] = await Promise.all([
    count({}),
    count({ states: ['planned', 'sending'] }),
    count({ sent: true }),
    count({ states: ['answered'] }),
    count({ reminded: true }),
    count({ states: ['closed'] }),
    count({ states: ['cancelled'] }),
    camp.deliveries.find(campaign.schoolId, { campaignId: campaign.id, states: ['unreachable'] }),
    camp.occurrences.listByCampaign(campaign.schoolId, campaign.id),
  ]);
  const late = answered
    ? (await camp.deliveries.find(campaign.schoolId, { campaignId: campaign.id, states: ['answered'] })).filter((d) => d.late)
        .length
    : 0;
  const expected = upcoming.reduce((n, u) => n + u.students, 0);
  const unreachableStudents = await Promise.all(
    unreachableList
      .sort((a, b) => a.studentId.localeCompare(b.studentId))
      .map(async (d: Delivery) => {
        const p = await repos.people.get(campaign.schoolId, d.studentId);
        return {
          studentId: d.studentId,
          // '?' also for an erased student's anonymous stand-in (no name).
          name: p?.name || '?',
          ...(p?.email ? { email: p.email } : {}),
          reason: d.reason ?? 'unknown',
        };
      }),
  );
  unreachableStudents.sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  const all = total + expected;
  return {
    campaign,
    total,
    toSend,
    upcoming: expected,
    ...(upcoming[0] ? { nextAt: upcoming[0].scheduledAt } : {}),
    sent,
    answered,
    late,
    reminded,
    unreachable: unreachableList.length,
    closed,
    cancelled,
    superseded: occurrences.filter((o) => o.state === 'superseded').length,
    progress: all === 0 ? 0 : (total - toSend) / all,
    unreachableStudents,
  };
}
