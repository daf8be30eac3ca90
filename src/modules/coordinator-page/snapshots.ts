import type { Person } from '../../core/entities.ts';
import type { Platform } from '../../core/platform.ts';
import { type HolidayCoverage, holidayWarnings } from '../../core/send-policy/holiday-coverage.ts';
import { shippedHolidays } from '../../core/send-policy/load-holidays.ts';
import type { Campaigns } from '../campaigns/setup.ts';
import { type CheckEvidenceSource, evidencePeriod, relatedPeriods } from '../quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../quality-cycle/quality-cycle.ts';
import { phaseCounts, type QualityCycleDeps, remindDays, schoolClock, visibleCycles } from '../quality-cycle/year-cycle.ts';
import { pulsesFor } from '../student-voice/evidence.ts';
import { type PulseResult, pulseResults } from '../student-voice/results.ts';
import type { StudentVoiceModule } from '../student-voice/setup.ts';
import { buildCoordinatorOverview, type CoordinatorOverview, type OverviewScope } from './overview.ts';

// The coordinator page's figures, computed from the campaign ledger and the quality cycle and kept per
// school and scope on this instance.

/** Someone the page lets in, and what they may see. */
export interface Granted {
  actor: Person;
  scope: OverviewScope;
  teams: EducationTeam[];
}

export interface FiguresDeps {
  platform: Pick<Platform, 'repos' | 'clock' | 'log' | 'config' | 'calendars'>;
  campaigns: Pick<Campaigns, 'camp' | 'planner'>;
  qualityCycle: { cycle: QualityCycleDeps; cycles: Pick<QualityCycleDeps['cycles'], 'teams'>; evidence: CheckEvidenceSource };
  /** The student pulses (their own section of the page). */
  studentVoice?: Pick<StudentVoiceModule, 'repos' | 'pulses'>;
}

export interface Snapshot {
  overview: CoordinatorOverview;
  groupNames: Map<string, string>;
  timeZone: string;
  computedAt: Date;
  /** The current or coming school year without (confirmed) holiday dates: prompts could land in a holiday. */
  holidays: HolidayCoverage[];
  /** The student pulses this viewer sees (the student-voice module decides what of them is shown). */
  studentVoice?: PulseResult[];
}

async function computeSnapshot(deps: FiguresDeps, a: Granted): Promise<Snapshot> {
  const engine = deps.campaigns;
  const { cycle } = deps.qualityCycle;
  const schoolId = a.actor.schoolId;
  const clock = await schoolClock(cycle, schoolId);
  const { year, period } = evidencePeriod('year', clock);
  const visible = await visibleCycles(cycle, a.actor, clock.year);
  const days = remindDays(visible.school);
  const qualityCycle: CoordinatorOverview['qualityCycle'] = [
    ...(visible.school && a.scope.kind === 'school'
      ? [{ level: 'school' as const, name: '', linked: true, counts: phaseCounts(visible.school.milestones, clock.today, days) }]
      : []),
    ...visible.teams.map(({ team, cycle: c }) => ({
      level: 'team' as const,
      teamId: team.id,
      name: team.name,
      linked: Boolean(team.teamsTeamId),
      counts: phaseCounts(c.milestones, clock.today, days),
    })),
  ];
  const overview = await buildCoordinatorOverview(
    {
      camp: engine.camp,
      repos: deps.platform.repos,
      evidence: deps.qualityCycle.evidence,
      upcoming: (campaign) => engine.planner.upcoming(campaign),
      timeZone: clock.timeZone,
    },
    {
      schoolId,
      scope: a.scope,
      year,
      period,
      qualityCycle,
      evidence: { teams: a.teams, periods: relatedPeriods('year', clock) },
    },
  );
  const groupNames = new Map((await engine.camp.groups.list(schoolId)).map((g) => [g.id, g.name]));
  const voice = deps.studentVoice;
  const studentVoice = voice
    ? await pulseResults(
        voice.repos,
        pulsesFor(
          await voice.repos.pulses.listBySchool(schoolId),
          a.scope.kind === 'school' ? undefined : a.teams.map((x) => x.id),
        ),
        clock.today,
        a.scope.kind === 'school' ? 'school' : 'team',
      )
    : [];
  const calendar = await deps.platform.calendars.get(schoolId);
  const holidays = holidayWarnings(clock.today, shippedHolidays(), calendar?.addedHolidays ?? []);
  return { overview, groupNames, timeZone: clock.timeZone, computedAt: deps.platform.clock.now(), holidays, studentVoice };
}

/**
 * The figures per school and scope, kept for a short while: a large school's ledger (tens of thousands of
 * prompts) takes seconds to read and count, a page must open in well under one. A snapshot younger than
 * `freshMs` is shown as it is; an older one is shown at once and recomputed in the background (the page
 * says when its figures were computed); the first view of a scope computes it.
 */
export class Snapshots {
  private readonly entries = new Map<string, { value?: Snapshot; pending?: Promise<Snapshot> }>();
  private readonly freshMs: number;
  private readonly maxEntries: number;
  constructor(freshMs: number, maxEntries = 500) {
    this.freshMs = freshMs;
    this.maxEntries = maxEntries;
  }

  /** Computes the snapshot now (or joins a computation under way) and keeps it. */
  refresh(key: string, compute: () => Promise<Snapshot>): Promise<Snapshot> {
    const entry = this.entry(key);
    entry.pending ??= compute()
      .then((value) => {
        entry.value = value;
        return value;
      })
      .finally(() => {
        entry.pending = undefined;
      });
    return entry.pending;
  }

  private entry(key: string): { value?: Snapshot; pending?: Promise<Snapshot> } {
    const entry = this.entries.get(key) ?? {};
    this.entries.delete(key);
    this.entries.set(key, entry);
    if (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  async get(key: string, now: Date, compute: () => Promise<Snapshot>, onError: (err: unknown) => void): Promise<Snapshot> {
    const entry = this.entry(key);
    const refresh = () => this.refresh(key, compute);
    if (!entry.value) return refresh();
    // After this view is answered: the store is synchronous, so a recomputation holds the event loop.
    if (now.getTime() - entry.value.computedAt.getTime() >= this.freshMs && !entry.pending) {
      setImmediate(() => refresh().catch(onError));
    }
    return entry.value;
  }
}

/** The page's figures on this instance: the snapshots, and warming them before anyone asks. */
export class CoordinatorFigures {
  private readonly deps: FiguresDeps;
  private readonly snapshots: Snapshots;
  constructor(deps: FiguresDeps) {
    this.deps = deps;
    this.snapshots = new Snapshots(deps.platform.config.COORDINATOR_PAGE_FRESH_SECONDS * 1000);
  }

  of(a: Granted, log: Pick<Platform['log'], 'warn'>, options: { refresh?: boolean } = {}): Promise<Snapshot> {
    const key = `${a.actor.schoolId}|${
      a.scope.kind === 'school'
        ? 'school'
        : a.scope.teams
            .map((t) => t.id)
            .sort()
            .join(',')
    }`;
    const compute = () => computeSnapshot(this.deps, a);
    if (options.refresh) return this.snapshots.refresh(key, compute);
    return this.snapshots.get(key, this.deps.platform.clock.now(), compute, (err) =>
      log.warn({ err: String(err) }, 'coordinator page: background refresh failed'),
    );
  }

  /**
   * Keeps the whole-school figures of every school with a coordinator computed on this instance, from the
   * start on, so that the page never makes a coordinator wait for the first computation.
   */
  async warm(): Promise<number> {
    const { repos, log } = this.deps.platform;
    let warmed = 0;
    for (const school of await repos.schools.list()) {
      const coordinators = [
        ...(await repos.people.listByRole(school.id, 'coordinator')),
        ...(await repos.people.listByRole(school.id, 'admin')),
      ];
      const actor = coordinators[0];
      if (!actor) continue;
      const teams = await this.deps.qualityCycle.cycles.teams.list(school.id);
      await this.of({ actor, scope: { kind: 'school' }, teams }, log, { refresh: true });
      warmed++;
    }
    return warmed;
  }
}
