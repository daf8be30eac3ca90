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

/**
 * `scope.groupIds`: only the prompts to students reached through these groups (a team leader's classes);
 * then pass no `upcoming`, since later moments are not split per group.
 */
export async function campaignStatus(
  deps: StatusDeps,
  campaign: Campaign,
  upcoming: { scheduledAt: string; students: number }[],
  scope?: { groupIds: readonly string[] },
): Promise<CampaignStatus> {
  const { camp, repos } = deps;
  const filters = (f: Omit<DeliveryFilter, 'campaignId'>): DeliveryFilter[] =>
    scope ? scope.groupIds.map((groupId) => ({ campaignId: campaign.id, ...f, groupId })) : [{ campaignId: campaign.id, ...f }];
  const count = async (f: Omit<DeliveryFilter, 'campaignId'>) =>
    (await Promise.all(filters(f).map((x) => camp.deliveries.count(campaign.schoolId, x)))).reduce((a, b) => a + b, 0);
  const find = async (f: Omit<DeliveryFilter, 'campaignId'>) =>
    (await Promise.all(filters(f).map((x) => camp.deliveries.find(campaign.schoolId, x)))).flat();
  const [total, toSend, sent, answered, reminded, closed, cancelled, unreachableList, occurrences] = await Promise.all([
    count({}),
    count({ states: ['planned', 'sending'] }),
    count({ sent: true }),
    count({ states: ['answered'] }),
    count({ reminded: true }),
    count({ states: ['closed'] }),
    count({ states: ['cancelled'] }),
    find({ states: ['unreachable'] }),
    camp.occurrences.listByCampaign(campaign.schoolId, campaign.id),
  ]);
  const late = answered ? (await find({ states: ['answered'] })).filter((d) => d.late).length : 0;
  const expected = upcoming.reduce((n, u) => n + u.students, 0);
  const unreachableStudents = await Promise.all(
    unreachableList
      .sort((a, b) => a.studentId.localeCompare(b.studentId))
      .map(async (d: Delivery) => {
        const p = await repos.people.get(campaign.schoolId, d.studentId);
        return {
          studentId: d.studentId,
          name: p?.name ?? '?',
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
