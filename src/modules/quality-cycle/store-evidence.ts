import type { Repositories } from '../../core/ports.ts';
import type { Competency } from '../../core/types.ts';
import { mapLimit } from '../../platform/pool.ts';
import type {
  CampaignFigures,
  CheckEvidenceSource,
  EvidenceGroup,
  EvidencePeriod,
  EvidenceQuery,
  FollowUpFigures,
  StudentVoiceFigures,
} from './evidence-source.ts';
import type { EducationTeam } from './quality-cycle.ts';
import type { LedgerRow, SchoolTeam } from './school-prompts.ts';

// The Check evidence source over our own store, with the campaign ledger and mentor follow-up plugged in
// when they exist. Until then their figures are "not connected", never made up.

/** The campaign delivery ledger's side of the evidence (issue 4). See docs/quality-cycle.md for the exact counting rules. */
export interface CampaignLedgerEvidence {
  figures(query: EvidenceQuery): Promise<CampaignFigures>;
  /** Every row of the school's ledger (what the status cards count). */
  ledger?(schoolId: string): Promise<readonly LedgerRow[]>;
}

/** Mentor follow-up's side of the evidence (issue 5). See docs/quality-cycle.md. */
export interface MentorFollowUpEvidence {
  figures(query: EvidenceQuery): Promise<FollowUpFigures>;
}

export interface StoreEvidenceDeps {
  repos: Pick<Repositories, 'assignments' | 'people' | 'reflections'>;
  campaigns?: CampaignLedgerEvidence | undefined;
  followUp?: MentorFollowUpEvidence | undefined;
  /** The student pulse's side (the student-voice module). */
  studentVoice?: ((query: EvidenceQuery) => Promise<StudentVoiceFigures>) | undefined;
  /**
   * The team's groups (e.g. the classes linked to its Teams team). When there are none: one group per
   * mentor of the team, with that mentor's active students.
   */
  groups?: ((team: EducationTeam) => Promise<EvidenceGroup[]>) | undefined;
  /** The school's education teams (the whole school's prompt figures are decided at once). */
  teams?: ((schoolId: string) => Promise<EducationTeam[]>) | undefined;
  /** Partition reads at once (one per student). */
  concurrency?: number;
}

export class StoreEvidenceSource implements CheckEvidenceSource {
  private readonly deps: StoreEvidenceDeps;
  constructor(deps: StoreEvidenceDeps) {
    this.deps = deps;
  }

  async groups(team: EducationTeam): Promise<EvidenceGroup[]> {
    const linked = this.deps.groups ? await this.deps.groups(team) : [];
    if (linked.length) return linked;
    const { assignments, people } = this.deps.repos;
    const groups = await Promise.all(
      team.mentorIds.map(async (mentorId) => {
        const [mentor, students] = await Promise.all([
          people.get(team.schoolId, mentorId),
          assignments.activeStudentsOf(team.schoolId, mentorId),
        ]);
        return { id: `mentor:${mentorId}`, name: mentor?.name ?? mentorId, studentIds: students.map((a) => a.studentId) };
      }),
    );
    return groups;
  }

  async competencies(studentIds: readonly string[], period: EvidencePeriod): Promise<Map<string, ReadonlySet<Competency>>> {
    const from = period.start.toISOString();
    const to = period.end.toISOString();
    // The reflections of many students at once (one query per chunk), not one partition read per student.
    const chunks: string[][] = [];
    for (let i = 0; i < studentIds.length; i += 500) chunks.push(studentIds.slice(i, i + 500));
    const out = new Map<string, Set<Competency>>();
    for (const list of await mapLimit(chunks, this.deps.concurrency ?? 8, (ids) =>
      this.deps.repos.reflections.listByStudents(ids),
    )) {
      for (const r of list) {
        if (r.status !== 'submitted' || !r.submittedAt || r.submittedAt < from || r.submittedAt >= to) continue;
        if (!r.competencies.length) continue;
        const tags = out.get(r.studentId) ?? new Set<Competency>();
        out.set(r.studentId, tags);
        for (const c of r.competencies) tags.add(c);
      }
    }
    return out;
  }

  async unreachableStudents(schoolId: string, studentIds: readonly string[]): Promise<number> {
    const people = await mapLimit(studentIds, this.deps.concurrency ?? 8, (id) => this.deps.repos.people.get(schoolId, id));
    return people.filter((p) => p?.reachability.state === 'unreachable').length;
  }

  async campaigns(query: EvidenceQuery): Promise<CampaignFigures | undefined> {
    return this.deps.campaigns?.figures(query);
  }

  async followUp(query: EvidenceQuery): Promise<FollowUpFigures | undefined> {
    return this.deps.followUp?.figures(query);
  }

  async schoolTeams(schoolId: string): Promise<SchoolTeam[]> {
    const linked = (await this.deps.teams?.(schoolId))?.filter((t) => t.teamsTeamId) ?? [];
    return mapLimit(linked, this.deps.concurrency ?? 8, async (team) => ({
      id: team.id,
      studentIds: [...new Set((await this.groups(team)).flatMap((g) => g.studentIds))],
    }));
  }

  async ledger(schoolId: string): Promise<readonly LedgerRow[] | undefined> {
    return this.deps.teams ? this.deps.campaigns?.ledger?.(schoolId) : undefined;
  }

  async studentVoice(query: EvidenceQuery): Promise<StudentVoiceFigures | undefined> {
    return this.deps.studentVoice?.(query);
  }
}
