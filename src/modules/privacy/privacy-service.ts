import type { Person, Versioned } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import { schoolYearOf } from '../../core/time/school-year.ts';
import { localDate, startOfDay } from '../../core/time/zoned-time.ts';
import type { Clock } from '../../platform/clock.ts';
import { anonPrefix } from './anonymise.ts';
import type { ErasureCounts, PersonalData, PersonalDataPort } from './personal-data.ts';
import { erasureDueAt, type RetentionSettings } from './retention.ts';

// The AVG/GDPR rights of a student, over the store: their data as one export, its erasure (on their own
// request in Teams, on a request to the school handled with the CLI, or by the school's retention term),
// and the retention job. Every erasure is recorded while it runs, so one interrupted by a crash is
// finished by the next run of the job; once done, the record keeps only when and why, never whom.

export type ErasureReason = 'student' | 'operator' | 'retention';

export interface ErasureRecord extends Versioned {
  schoolId: string;
  reason: ErasureReason;
  state: 'running' | 'done';
  startedAt: string;
  /** Only while it runs (to finish it after a crash); removed when done. */
  personId?: string;
  anonId?: string;
  completedAt?: string;
  /** Records anonymised and deleted, per collection. */
  counts?: ErasureCounts;
}

export interface PrivacyRepository {
  settings(schoolId: string): Promise<RetentionSettings>;
  setRetention(schoolId: string, monthsAfterLeaving: number | null, at: string): Promise<RetentionSettings>;
  startErasure(record: Omit<ErasureRecord, 'version'>): Promise<ErasureRecord>;
  runningErasureOf(schoolId: string, personId: string): Promise<ErasureRecord | undefined>;
  runningErasures(): Promise<ErasureRecord[]>;
  finishErasure(schoolId: string, id: string, counts: ErasureCounts, at: string): Promise<void>;
  erasures(schoolId: string): Promise<ErasureRecord[]>;
}

export type ErasureOutcome =
  | { kind: 'erased'; counts: ErasureCounts; erasureId: string }
  | { kind: 'not-found' }
  /** Staff are not erased this way: their names sit in other people's records (see docs/privacy.md). */
  | { kind: 'staff' };

export interface PrivacyServiceDeps {
  repos: Pick<Repositories, 'people' | 'schools'>;
  data: PersonalDataPort;
  privacy: PrivacyRepository;
  clock: Clock;
  newId: () => string;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** School time zone when a school has none stored. */
  defaultTimeZone: string;
  /** Makes what an erasure deleted unreadable in the store's files now (DocumentStore.purgeErased). */
  purgeErased(): Promise<boolean>;
}

/** Whether the rights of this page apply: students (and people with no role), never staff. */
export function isStudentOnly(person: Pick<Person, 'roles'>): boolean {
  return person.roles.every((r) => r === 'student');
}

/** An erasure that has not finished after this long was interrupted (a crash) and is finished by the job. */
const abandonedAfterMs = 10 * 60_000;

export class PrivacyService {
  private readonly deps: PrivacyServiceDeps;
  constructor(deps: PrivacyServiceDeps) {
    this.deps = deps;
  }

  /** Everything stored about a student; undefined for unknown people and staff. */
  async export(schoolId: string, personId: string): Promise<PersonalData | undefined> {
    const person = await this.deps.repos.people.get(schoolId, personId);
    if (!person || person.erasedAt || !isStudentOnly(person)) return undefined;
    return this.deps.data.collect(schoolId, personId);
  }

  /** Erases a student's data (or finishes an erasure that was interrupted). */
  async erase(schoolId: string, personId: string, reason: ErasureReason): Promise<ErasureOutcome> {
    const { repos, privacy, data, clock, newId, log } = this.deps;
    const [person, running] = await Promise.all([
      repos.people.get(schoolId, personId),
      privacy.runningErasureOf(schoolId, personId),
    ]);
    if (!running && (!person || person.erasedAt)) return { kind: 'not-found' };
    if (person && !isStudentOnly(person)) return { kind: 'staff' };
    const at = clock.now().toISOString();
    const record =
      running ??
      (await privacy.startErasure({
        id: `erasure-${newId()}`,
        schoolId,
        reason,
        state: 'running',
        startedAt: at,
        personId,
        anonId: `${anonPrefix}${newId()}`,
      }));
    const counts = await data.anonymise({ schoolId, personId, anonId: record.anonId!, at });
    await privacy.finishErasure(schoolId, record.id, counts, clock.now().toISOString());
    // Erased means unreadable, also for whoever copies the store's files later (docs/security.md).
    if (!(await this.deps.purgeErased()))
      log.warn({ erasureId: record.id }, 'erased data stays in the store journal until the other process closes the store');
    const records = Object.values(counts).reduce((n, c) => n + c.anonymised + c.deleted, 0);
    // The erasure's id, never the person's: after this nothing should connect the two.
    log.info({ erasureId: record.id, reason: record.reason, records }, 'student data erased');
    return { kind: 'erased', counts, erasureId: record.id };
  }

  /** The record of a school's erasures: when, why, how many records; never whom. */
  erasures(schoolId: string): Promise<ErasureRecord[]> {
    return this.deps.privacy.erasures(schoolId);
  }

  retention(schoolId: string): Promise<RetentionSettings> {
    return this.deps.privacy.settings(schoolId);
  }

  setRetention(schoolId: string, monthsAfterLeaving: number | null): Promise<RetentionSettings> {
    return this.deps.privacy.setRetention(schoolId, monthsAfterLeaving, this.deps.clock.now().toISOString());
  }

  /** The students of a school whose data retention erases now (or would, for a dry run). */
  async dueForErasure(schoolId: string, now: Date): Promise<{ person: Person; dueAt: string }[]> {
    const settings = await this.deps.privacy.settings(schoolId);
    const out: { person: Person; dueAt: string }[] = [];
    for (const facts of await this.deps.data.retentionFacts(schoolId)) {
      const dueAt = erasureDueAt(facts, settings);
      if (dueAt && dueAt <= now.toISOString()) out.push({ person: facts.person, dueAt });
    }
    return out;
  }

  /** Erasures a crash interrupted (running for longer than one takes), of one school or of all. */
  async interruptedErasures(now: Date, schoolId?: string): Promise<ErasureRecord[]> {
    return (await this.deps.privacy.runningErasures()).filter(
      (r) => r.personId && (!schoolId || r.schoolId === schoolId) && Date.parse(r.startedAt) <= now.getTime() - abandonedAfterMs,
    );
  }

  /**
   * The retention run, for the nightly job (every school) and `privacy retention run` (one school): finishes
   * interrupted erasures, erases what the retention term makes due (worked out from the store, so a missed
   * run is caught up by the next), and ends the group memberships and mentor assignments of students
   * erased before this school year.
   */
  async runRetention(
    now: Date,
    only?: { schoolId: string },
  ): Promise<{ resumed: number; erased: number; relationsEnded: number }> {
    const { repos, data, log } = this.deps;
    let resumed = 0;
    for (const r of await this.interruptedErasures(now, only?.schoolId)) {
      if ((await this.erase(r.schoolId, r.personId!, r.reason)).kind === 'erased') resumed++;
    }
    let erased = 0;
    let relationsEnded = 0;
    const schools = only ? [await repos.schools.get(only.schoolId)].filter((s) => s !== undefined) : await repos.schools.list();
    for (const school of schools) {
      for (const { person } of await this.dueForErasure(school.id, now)) {
        try {
          if ((await this.erase(school.id, person.id, 'retention')).kind === 'erased') erased++;
        } catch (err) {
          // The record stays 'running': the next run finishes it.
          log.warn({ schoolId: school.id, err: String(err) }, 'retention erasure failed; the next run retries');
        }
      }
      const zone = school.timeZone || this.deps.defaultTimeZone;
      const yearStart = startOfDay(schoolYearOf(localDate(now, zone)).start, zone).toISOString();
      relationsEnded += await data.endAnonymousRelations(school.id, yearStart, now.toISOString());
    }
    if (resumed || erased || relationsEnded) log.info({ resumed, erased, relationsEnded }, 'retention ran');
    return { resumed, erased, relationsEnded };
  }
}
