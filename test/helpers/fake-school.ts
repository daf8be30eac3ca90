// A tiny in-memory school for buildCoordinatorOverview and buildCheckEvidence: groups (each linked to an
// education team through its Teams team), campaigns with deliveries, competencies per student. Only what
// the two builders read, so a test can put what one viewer sees on the page beside the Check evidence.
import { schoolYearStarting } from '../../src/core/time/school-year.ts';
import type { Competency } from '../../src/core/types.ts';
import type { Campaign, Delivery } from '../../src/modules/campaigns/campaigns.ts';
import type { CampaignRepositories } from '../../src/modules/campaigns/ports.ts';
import type { OverviewDeps, OverviewScope } from '../../src/modules/coordinator-page/overview.ts';
import { buildCoordinatorOverview } from '../../src/modules/coordinator-page/overview.ts';
import {
  buildCheckEvidence,
  type CheckEvidenceSource,
  type EvidencePeriodChoice,
  evidencePeriod,
  relatedPeriods,
} from '../../src/modules/quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../../src/modules/quality-cycle/quality-cycle.ts';

export const schoolId = 'school-1';
export const tz = 'Europe/Amsterdam';
export const clock = { today: '2027-03-15', year: schoolYearStarting(2026), timeZone: tz };
export const now = new Date('2027-03-15T10:00:00Z');

export interface FakeGroup {
  id: string;
  team: string;
  size: number;
}

export function team(id: string): EducationTeam {
  return {
    id,
    version: 1,
    schoolId,
    name: id,
    kind: 'year',
    leaderIds: ['leader'],
    mentorIds: [],
    teamsTeamId: `19:${id}@thread.tacv2`,
    createdAt: '2026-08-01T00:00:00.000Z',
    updatedAt: '2026-08-01T00:00:00.000Z',
  };
}

export const studentsOf = (g: FakeGroup) => Array.from({ length: g.size }, (_, i) => `${g.id}-s${i}`);

export function campaign(id: string, activityType: string, groupIds: string[]): Campaign {
  return {
    id,
    version: 1,
    schoolId,
    name: id,
    flowId: 'free',
    activityType: activityType as Campaign['activityType'],
    groupIds,
    activityIds: [],
    schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 60 } } as Campaign['schedule'],
    reminders: { afterHours: 48, max: 1 },
    closeAfterDays: 7,
    state: 'completed',
    notBefore: '2026-08-01T00:00:00.000Z',
    createdAt: '2026-09-01T10:00:00.000Z',
    updatedAt: '2026-09-01T10:00:00.000Z',
    statusCards: [],
  } as Campaign;
}

/** One sent prompt per student of the group, in the given month; the first `answered` answered. */
export function prompts(c: Campaign, g: FakeGroup, at: string, answered: number): Delivery[] {
  return studentsOf(g).map((studentId, i) => ({
    id: `${c.id}-${studentId}-${at}`,
    version: 1,
    schoolId,
    campaignId: c.id,
    occurrenceId: `${c.id}-${at}`,
    activityId: `${c.id}-act`,
    studentId,
    groupId: g.id,
    flowId: 'free',
    kind: 'prompt',
    scheduledAt: at,
    state: i < answered ? 'answered' : 'closed',
    attempts: 1,
    reflectionId: `r-${c.id}-${studentId}-${at}`,
    sentAt: at,
    closesAt: at,
    reminders: 0,
    ...(i < answered ? { answeredAt: at } : {}),
    createdAt: at,
    updatedAt: at,
  })) as Delivery[];
}

export interface FakeSchool {
  groups: FakeGroup[];
  campaigns?: Campaign[];
  deliveries?: Delivery[];
  /** Per student, the competencies of their reflections (the same for every period). */
  competencies?: Map<string, Set<Competency>>;
  teams: EducationTeam[];
  /** Students Reach has marked unreachable (Person.reachability). */
  unreachable?: Set<string>;
}

export function evidenceSource(s: FakeSchool): CheckEvidenceSource {
  return {
    groups: async (t) =>
      s.groups
        .filter((g) => `19:${g.team}@thread.tacv2` === t.teamsTeamId)
        .map((g) => ({ id: g.id, name: g.id, studentIds: studentsOf(g) })),
    competencies: async (ids) => new Map([...(s.competencies ?? new Map())].filter(([id]) => ids.includes(id))),
    unreachableStudents: async (_, ids) => ids.filter((id) => s.unreachable?.has(id)).length,
    campaigns: async () => undefined,
    followUp: async () => undefined,
  };
}

export async function overview(s: FakeSchool, scope: OverviewScope, teams: EducationTeam[]) {
  const camp = {
    groups: {
      list: async () => s.groups.map((g) => ({ id: g.id, schoolId, name: g.id })),
      members: async (_: string, groupId: string) =>
        studentsOf(s.groups.find((g) => g.id === groupId)!).map((personId) => ({ personId, groupId })),
    },
    campaigns: { list: async () => s.campaigns ?? [] },
    deliveries: { find: async () => s.deliveries ?? [] },
    occurrences: { listByCampaign: async () => [] },
  } as unknown as CampaignRepositories;
  const deps: OverviewDeps = {
    camp,
    repos: { people: { getMany: async () => [] } } as unknown as OverviewDeps['repos'],
    evidence: evidenceSource(s),
    upcoming: async () => [],
    timeZone: tz,
  };
  const { year, period } = evidencePeriod('year', clock);
  return buildCoordinatorOverview(deps, {
    schoolId,
    scope,
    year,
    period,
    qualityCycle: [],
    evidence: { teams, periods: relatedPeriods('year', clock)! },
  });
}

export async function evidence(s: FakeSchool, t: EducationTeam, choice: EvidencePeriodChoice = 'year') {
  const { year, period } = evidencePeriod(choice, clock);
  return buildCheckEvidence(evidenceSource(s), {
    schoolId,
    team: t,
    schoolYear: year.id,
    period,
    now,
    related: relatedPeriods(choice, clock),
  });
}
