import { isSmallGroup } from '../../core/aggregates.ts';
import type { Delivery } from './campaigns.ts';
import type { CampaignRepositories } from './ports.ts';
import { studentsCounted } from './status.ts';

// What other parts read from the campaign ledger. The PDCA Check evidence (issue 6, docs/quality-cycle.md "The
// port"): the groups of an education team, and per period the activities held and the prompts sent,
// answered and reminded; the shapes match EvidenceQuery, EvidenceGroup and CampaignFigures, so this plugs
// into StoreEvidenceSource as `groups` and `campaigns`. And the mentor side's non-responders (issue 5:
// the NonResponders port).

export interface LedgerEvidenceQuery {
  schoolId: string;
  period: { from: string; to: string; start: Date; end: Date };
  groups: readonly { id: string }[];
  studentIds: readonly string[];
}

export interface LedgerFigures {
  activitiesHeld: { activityType: string; count: number }[];
  promptsSent: number;
  answered: number;
  reminded: number;
  studentsPrompted: number;
  /** Campaigns among these prompts whose own counts are hidden (about 1 to 4 students; see status.ts). */
  smallCampaigns: number;
}

/**
 * The counting rule for prompts that reached students (deliveries with a send time): how many, how many
 * answered (late answers too), how many needed a reminder, and how many distinct students they went to
 * (what the small-group rule looks at). The Check evidence and the coordinator page both count with this.
 */
export function countSent(sent: readonly Pick<Delivery, 'state' | 'reminders' | 'studentId'>[]) {
  return {
    promptsSent: sent.length,
    answered: sent.filter((d) => d.state === 'answered').length,
    reminded: sent.filter((d) => d.reminders > 0).length,
    studentsPrompted: new Set(sent.map((d) => d.studentId)).size,
  };
}

export function campaignLedgerEvidence(camp: CampaignRepositories) {
  return {
    /** The classes linked to the education team's Teams team, with their current students. */
    async groupsOf(team: { schoolId: string; teamsTeamId?: string | undefined }) {
      if (!team.teamsTeamId) return [];
      const groups = (await camp.groups.list(team.schoolId)).filter((g) => g.teamId === team.teamsTeamId);
      return Promise.all(
        groups.map(async (g) => ({
          id: g.id,
          name: g.name,
          studentIds: (await camp.groups.members(team.schoolId, g.id)).map((m) => m.personId),
        })),
      );
    },

    /** Every row of the school's ledger: what the status cards count (the Check evidence decides its teams with them). */
    ledger: (schoolId: string) => camp.deliveries.find(schoolId, {}),

    /**
     * Activities of any of the groups that ended in the period, once each, per kind; prompts to the
     * students first sent in the period (never the ones that did not reach them), with how many were
     * answered (late answers too) and needed a reminder.
     */
    async figures(q: LedgerEvidenceQuery): Promise<LedgerFigures> {
      const start = q.period.start.toISOString();
      const end = q.period.end.toISOString();
      const groupIds = new Set(q.groups.map((g) => g.id));
      const held = new Map<string, number>();
      for (const a of await camp.activities.listEndingBetween(q.schoolId, start, end)) {
        if (a.groupIds.some((g) => groupIds.has(g))) held.set(a.type, (held.get(a.type) ?? 0) + 1);
      }
      const students = new Set(q.studentIds);
      const sent = (await camp.deliveries.find(q.schoolId, { sentFrom: start, sentTo: end })).filter((d) =>
        students.has(d.studentId),
      );
      return {
        activitiesHeld: [...held].map(([activityType, count]) => ({ activityType, count })),
        ...countSent(sent),
        smallCampaigns: await smallCampaigns(camp, q.schoolId, sent),
      };
    },
  };
}

/**
 * How many of the campaigns behind these prompts have their counts hidden on the status card: a team's
 * total minus the other campaigns' shown counts would give such a campaign away.
 */
export async function smallCampaigns(
  camp: CampaignRepositories,
  schoolId: string,
  rows: readonly Pick<Delivery, 'campaignId'>[],
): Promise<number> {
  let small = 0;
  for (const campaignId of new Set(rows.map((d) => d.campaignId))) {
    if (isSmallGroup(studentsCounted(await camp.deliveries.find(schoolId, { campaignId })))) small++;
  }
  return small;
}

/** Prompts a student got and did not answer (the mentor side's NonResponders port). */
export function campaignNonResponders(camp: CampaignRepositories) {
  return {
    /** Prompts sent to any of the students after `from` (exclusive; or ever) and up to `to`, still unanswered. */
    async list(input: { schoolId: string; studentIds: readonly string[]; from?: string; to: string }) {
      const students = new Set(input.studentIds);
      const rows = await camp.deliveries.find(input.schoolId, {
        states: ['sent', 'reminded', 'closed'],
        ...(input.from ? { sentFrom: input.from } : { sent: true }),
      });
      return rows
        .filter((d) => students.has(d.studentId) && d.sentAt && (!input.from || d.sentAt > input.from) && d.sentAt <= input.to)
        .map((d) => ({ studentId: d.studentId, flowId: d.flowId, sentAt: d.sentAt! }));
    },
  };
}
