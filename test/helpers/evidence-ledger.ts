import type { LocalDate } from '../../src/core/time/zoned-time.ts';
import type {
  CampaignFigures,
  EvidenceGroup,
  EvidenceQuery,
  FollowUpFigures,
} from '../../src/modules/quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../../src/modules/quality-cycle/quality-cycle.ts';
import type { CampaignLedgerEvidence, MentorFollowUpEvidence } from '../../src/modules/quality-cycle/store-evidence.ts';

// In-memory stand-ins for the campaign delivery ledger (issue 4) and mentor follow-up (issue 5), holding
// rows the way those engines do and counting them exactly as docs/quality-cycle.md specifies the ports. They are
// the executable form of that contract until the real ledger and follow-up are wired in at merge.

export interface LedgerGroup {
  id: string;
  name: string;
  /** The Teams team the group (class) is linked to: how it belongs to an education team. */
  teamsTeamId?: string;
  studentIds: string[];
}

export interface LedgerActivity {
  id: string;
  type: string;
  date: LocalDate;
  groupIds: string[];
}

export type DeliveryState = 'planned' | 'sent' | 'answered' | 'reminded' | 'closed' | 'unreachable';

export interface LedgerDelivery {
  id: string;
  activityId: string;
  studentId: string;
  state: DeliveryState;
  /** When the prompt first went out; absent while planned (and for deliveries that never reached the student). */
  sentAt?: string;
  reminders: number;
  answeredAt?: string;
}

export class InMemoryCampaignLedger implements CampaignLedgerEvidence {
  groups: LedgerGroup[] = [];
  activities: LedgerActivity[] = [];
  deliveries: LedgerDelivery[] = [];

  /** The education team's groups: those linked to its Teams team. */
  groupsOf = async (team: EducationTeam): Promise<EvidenceGroup[]> =>
    this.groups.filter((g) => team.teamsTeamId && g.teamsTeamId === team.teamsTeamId);

  async figures(q: EvidenceQuery): Promise<CampaignFigures> {
    const groupIds = new Set(q.groups.map((g) => g.id));
    const held = new Map<string, number>();
    for (const a of this.activities) {
      if (a.date < q.period.from || a.date > q.period.to || !a.groupIds.some((g) => groupIds.has(g))) continue;
      held.set(a.type, (held.get(a.type) ?? 0) + 1);
    }
    const students = new Set(q.studentIds);
    const from = q.period.start.toISOString();
    const to = q.period.end.toISOString();
    const sent = this.deliveries.filter(
      (d) => students.has(d.studentId) && d.state !== 'planned' && d.sentAt !== undefined && d.sentAt >= from && d.sentAt < to,
    );
    return {
      activitiesHeld: [...held].map(([activityType, count]) => ({ activityType, count })),
      promptsSent: sent.length,
      answered: sent.filter((d) => d.state === 'answered' || d.answeredAt !== undefined).length,
      reminded: sent.filter((d) => d.reminders > 0).length,
      studentsPrompted: new Set(sent.map((d) => d.studentId)).size,
    };
  }
}

export interface FollowUpRow {
  reflectionId: string;
  studentId: string;
  submittedAt: string;
  reachedMentor: boolean;
  discussed: boolean;
  note?: string;
}

export class InMemoryFollowUp implements MentorFollowUpEvidence {
  rows: FollowUpRow[] = [];

  async figures(q: EvidenceQuery): Promise<FollowUpFigures> {
    const students = new Set(q.studentIds);
    const from = q.period.start.toISOString();
    const to = q.period.end.toISOString();
    const rows = this.rows.filter(
      (r) => students.has(r.studentId) && r.reachedMentor && r.submittedAt >= from && r.submittedAt < to,
    );
    return {
      reflections: rows.length,
      discussed: rows.filter((r) => r.discussed).length,
      withNote: rows.filter((r) => Boolean(r.note)).length,
      students: new Set(rows.map((r) => r.studentId)).size,
    };
  }
}
