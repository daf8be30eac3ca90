import { isSmallGroup } from '../../core/aggregates.ts';
import type { Person } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Campaign, Delivery, Occurrence } from './campaigns.ts';
import type { CampaignRepositories } from './ports.ts';

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
  /** Trialoog prompts that asked a student to add their internship supervisor first, not answered yet. */
  withoutSupervisor: number;
  /** Share of the work done: everything no longer waiting to be sent, of everything planned or expected. */
  progress: number;
  /** The students these counts are about (studentsCounted). Under 5 (and more than none) every count is hidden (aggregates.ts). */
  students: number;
  unreachableStudents: { studentId: string; name: string; email?: string; reason: string }[];
}

export interface StatusDeps {
  repos: Repositories;
  camp: CampaignRepositories;
}

/**
 * A campaign's figures from its ledger rows (the deliveries and occurrences of the campaign), with the
 * names of the students not reached. The status card, the CLI and the coordinator page all count here.
 */
export function statusOf(
  campaign: Campaign,
  rows: readonly Delivery[],
  occurrences: readonly Pick<Occurrence, 'state'>[],
  upcoming: readonly { scheduledAt: string; students: number }[],
  people: ReadonlyMap<string, Pick<Person, 'name' | 'email'>>,
): CampaignStatus {
  let toSend = 0;
  let sent = 0;
  let answered = 0;
  let late = 0;
  let reminded = 0;
  let closed = 0;
  let cancelled = 0;
  let withoutSupervisor = 0;
  const unreachable: Delivery[] = [];
  for (const d of rows) {
    if (d.state === 'planned' || d.state === 'sending') toSend++;
    if (d.sentAt) sent++;
    if (d.state === 'answered') {
      answered++;
      if (d.late) late++;
    }
    if (d.reminders > 0) reminded++;
    if (d.state === 'closed') closed++;
    if (d.state === 'cancelled') cancelled++;
    if (d.state === 'unreachable') unreachable.push(d);
    if (d.reason === 'no-supervisor' && d.state !== 'answered') withoutSupervisor++;
  }
  const unreachableStudents = unreachable
    .map((d) => {
      const p = people.get(d.studentId);
      return {
        studentId: d.studentId,
        // '?' also for an erased student's anonymous stand-in (no name).
        name: p?.name || '?',
        ...(p?.email ? { email: p.email } : {}),
        reason: d.reason ?? 'unknown',
      };
    })
    .sort((a, b) => a.name.localeCompare(b.name, 'nl') || a.studentId.localeCompare(b.studentId));
  const students = studentsCounted(rows);
  const expected = upcoming.reduce((n, u) => n + u.students, 0);
  const total = rows.length;
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
    unreachable: unreachable.length,
    closed,
    cancelled,
    superseded: occurrences.filter((o) => o.state === 'superseded').length,
    withoutSupervisor,
    progress: all === 0 ? 0 : (total - toSend) / all,
    students,
    unreachableStudents,
  };
}

/** The students a campaign's counts are about: every student in its ledger (prompted, planned or not reached). */
export function studentsCounted(rows: readonly Pick<Delivery, 'studentId'>[]): number {
  return new Set(rows.map((d) => d.studentId)).size;
}

/**
 * A campaign's line in a list (the Teams list card, `campaign list`): its counts, or undefined when they
 * are about 1 to 4 students (the status card's rule).
 */
export function listCounts(rows: readonly Pick<Delivery, 'sentAt' | 'state' | 'studentId'>[]) {
  if (isSmallGroup(studentsCounted(rows))) return undefined;
  return {
    total: rows.length,
    sent: rows.filter((d) => d.sentAt).length,
    answered: rows.filter((d) => d.state === 'answered').length,
  };
}

/** The people behind the unreachable rows, read in one go. */
export async function unreachablePeople(
  repos: Pick<Repositories, 'people'>,
  schoolId: string,
  rows: readonly Delivery[],
): Promise<Map<string, Person>> {
  const ids = [...new Set(rows.filter((d) => d.state === 'unreachable').map((d) => d.studentId))];
  return new Map((ids.length ? await repos.people.getMany(schoolId, ids) : []).map((p) => [p.id, p]));
}

export async function campaignStatus(
  deps: StatusDeps,
  campaign: Campaign,
  upcoming: { scheduledAt: string; students: number }[],
): Promise<CampaignStatus> {
  const { camp, repos } = deps;
  // One read of the campaign's ledger, counted in memory: cheaper than a count query per figure.
  const [rows, occurrences] = await Promise.all([
    camp.deliveries.find(campaign.schoolId, { campaignId: campaign.id }),
    camp.occurrences.listByCampaign(campaign.schoolId, campaign.id),
  ]);
  return statusOf(campaign, rows, occurrences, upcoming, await unreachablePeople(repos, campaign.schoolId, rows));
}
