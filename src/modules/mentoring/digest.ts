import type { Person, School } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import { DigestContent, type LogPort } from './digest-content.ts';
import { type DigestTask, digestDelivery, type MentorRun, type Plan } from './digest-delivery.ts';
import { defaultDigestSettings, type MentorSettings } from './entities.ts';
import type { MentorMessages } from './messages.ts';
import type { MentoringRepositories, NonResponders, StudentMessages } from './ports.ts';
import { latestSlot } from './schedule.ts';
import type { DigestView } from './views.ts';

// The mentor's digest: one card per mentor with what their students wrote since the last digest, most
// important first. Whether a digest is due is worked out from the store and the clock, never from the
// tick that asks: a slot missed while the bot was down goes out at the next allowed moment, and a slot
// already handled is never handled again (the digest's id is the slot; the mentor's cursor moves on).
// What the digest says is digest-content.ts; how it is claimed, sent and recorded, digest-delivery.ts
// on the delivery engine.

export type { LogPort } from './digest-content.ts';
export type { DigestOutcome, MentorRun } from './digest-delivery.ts';

export interface DigestDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  flows: FlowCatalog;
  clock: Clock;
  /** The digest card (and what fits on it). */
  compose: MentorMessages;
  /** Sends it: the calendar, the claim, Reach, the outcome (src/delivery/engine.ts). */
  delivery: Pick<DeliveryEngine, 'deliver' | 'allows'>;
  nonResponders: NonResponders;
  /** Talent signals and replies to notes (ports.ts); none when not given. */
  messages?: StudentMessages;
  log: LogPort;
  /** The school's time zone (../quiet-hours.ts). */
  sendPolicy: SendPolicies;
  /** Items younger than this wait for the next digest: writes of other instances may still be in flight. */
  marginMs?: number;
  /** Entries shown per student; the rest is counted. */
  maxEntriesPerStudent?: number;
}

export interface DigestRunSummary {
  sent: number;
  nothing: number;
  failed: number;
  held: number;
  /** Schools skipped because it is quiet time there. */
  quietSchools: number;
  mentors: MentorRun[];
}

export class DigestService {
  private readonly deps: DigestDeps;
  private readonly marginMs: number;
  private readonly content: DigestContent;
  private readonly scheduled;
  private readonly onRequest;
  constructor(deps: DigestDeps) {
    this.deps = deps;
    this.marginMs = deps.marginMs ?? 60_000;
    this.content = new DigestContent({
      repos: deps.repos,
      mentoring: deps.mentoring,
      flows: deps.flows,
      nonResponders: deps.nonResponders,
      ...(deps.messages ? { messages: deps.messages } : {}),
      log: deps.log,
      fit: (view) => deps.compose.fitDigest(view),
      ...(deps.maxEntriesPerStudent !== undefined ? { maxEntriesPerStudent: deps.maxEntriesPerStudent } : {}),
    });
    const parts = { mentoring: deps.mentoring, content: this.content, compose: deps.compose, clock: deps.clock, log: deps.log };
    this.scheduled = digestDelivery(parts, 'mentor-digest');
    this.onRequest = digestDelivery(parts, 'at-once');
  }

  /** The scheduled run: every mentor whose slot has passed and who has something new gets a digest. */
  async runDue(now = this.deps.clock.now()): Promise<DigestRunSummary> {
    const summary = emptySummary();
    const probe = new Date(now.getTime() - this.marginMs);
    for (const school of await this.deps.repos.schools.list()) {
      // Nothing of a quiet school is read: the engine's own rule, asked once for the school.
      if (!(await this.deps.delivery.allows(school.id, 'mentor-digest', now))) {
        summary.quietSchools++;
        continue;
      }
      const timeZone = (await this.deps.sendPolicy(school.id)).timeZone;
      // Most mentors share a schedule: work out each schedule's last slot once.
      const slots = new Map<string, string>();
      const tasks: DigestTask[] = [];
      for (const mentor of await this.mentorsOf(school.id)) {
        const settings = await this.deps.mentoring.settings.get(mentor.id);
        const schedule = settings ?? defaultDigestSettings;
        const key = `${schedule.frequency}|${schedule.weekday}|${schedule.hour}`;
        let slot = slots.get(key);
        if (!slot) {
          slot = latestSlot(probe, schedule, timeZone).toISOString();
          slots.set(key, slot);
        }
        if (settings?.lastSlot && settings.lastSlot >= slot) continue;
        tasks.push(task(school, mentor, settings, { kind: 'scheduled', slot, cutoff: probe.toISOString() }, timeZone));
      }
      await this.send(this.scheduled, tasks, now, summary);
    }
    return summary;
  }

  /**
   * A digest for every mentor (or the given ones) right now, whatever their schedule and the time of
   * day: for the walk-through and for IT. What it covers is not covered again by the next digest.
   */
  async runNow(options: { schoolId?: string; mentorIds?: readonly string[] } = {}): Promise<DigestRunSummary> {
    const now = this.deps.clock.now();
    const summary = emptySummary();
    for (const school of await this.deps.repos.schools.list()) {
      if (options.schoolId && school.id !== options.schoolId) continue;
      const timeZone = (await this.deps.sendPolicy(school.id)).timeZone;
      const tasks: DigestTask[] = [];
      for (const mentor of await this.mentorsOf(school.id, options.mentorIds)) {
        const settings = await this.deps.mentoring.settings.get(mentor.id);
        tasks.push(task(school, mentor, settings, { kind: 'manual', cutoff: now.toISOString() }, timeZone));
      }
      await this.send(this.onRequest, tasks, now, summary);
    }
    return summary;
  }

  /**
   * The school's mentors (or those of them named), whole: everyone's roles are read to find them, and
   * only the mentors themselves whole.
   */
  private async mentorsOf(schoolId: string, only?: readonly string[]): Promise<Person[]> {
    const ids = (await this.deps.repos.people.idsByRole(schoolId, 'mentor')).filter((id) => !only || only.includes(id));
    const mentors: Person[] = [];
    // Bounded IN lists: Cosmos DB limits the size of a query.
    for (let i = 0; i < ids.length; i += 100)
      mentors.push(...(await this.deps.repos.people.getMany(schoolId, ids.slice(i, i + 100))));
    const order = new Map(ids.map((id, i) => [id, i]));
    return mentors.filter((m) => m.roles.includes('mentor')).sort((a, b) => order.get(a.id)! - order.get(b.id)!);
  }

  private async send(kind: typeof this.scheduled, tasks: DigestTask[], now: Date, summary: DigestRunSummary): Promise<void> {
    await this.deps.delivery.deliver(kind, tasks, now, {
      onError: (failed, err) => {
        this.deps.log.warn({ mentorId: failed.mentor.id, err: String(err) }, 'digest failed');
        failed.run.outcome = 'failed';
      },
    });
    for (const t of tasks) add(summary, t.run);
  }

  /**
   * A card of a sent digest, drawn with today's state: a card drawn before (after an action on it), or
   * the next one ("show more"): then every student not on an earlier card is given, and the caller
   * records which of them fitted (recordPage). Only the mentor's own digest, and only students who are
   * still theirs.
   */
  async page(mentor: Person, digestId: string, page: number): Promise<{ view: DigestView; known: boolean } | undefined> {
    const digest = await this.deps.mentoring.digests.get(mentor.id, digestId);
    if (!digest || digest.mentorId !== mentor.id || digest.state !== 'sent' || page < 0 || page > digest.pages.length) {
      return undefined;
    }
    const known = page < digest.pages.length;
    const before = digest.pages.slice(0, page).flat();
    const ids = known ? digest.pages[page]! : digest.order.filter((id) => !before.includes(id));
    if (ids.length === 0) return undefined;
    const scope = this.deps.mentoring.scope(mentor.schoolId, mentor.id);
    const content = await this.content.content(scope, digest.from, digest.to);
    const sections = await this.content.sections(
      scope,
      content,
      { from: digest.from, to: digest.to, locale: mentor.locale },
      new Set(ids),
    );
    const order = new Map(ids.map((id, i) => [id, i]));
    sections.sort((a, b) => (order.get(a.student.id) ?? 0) - (order.get(b.student.id) ?? 0));
    return {
      known,
      view: {
        digestId,
        locale: mentor.locale,
        timeZone: (await this.deps.sendPolicy(mentor.schoolId)).timeZone,
        ...(digest.from ? { from: digest.from } : {}),
        to: digest.to,
        page,
        sections,
        offset: before.length,
        total: digest.order.length,
        entryCount: digest.entryCount,
      },
    };
  }

  /** Records the students of a newly drawn card, unless another action recorded that card first. */
  async recordPage(mentor: Person, digestId: string, page: number, shown: string[]): Promise<string[]> {
    const digest = await this.deps.mentoring.digests.update(mentor.id, digestId, (d) =>
      d.pages.length === page ? { ...d, pages: [...d.pages, shown] } : undefined,
    );
    return digest.pages[page] ?? shown;
  }

  /** The card of a digest a student is on. */
  async pageOf(mentor: Person, digestId: string, studentId: string): Promise<number> {
    const digest = await this.deps.mentoring.digests.get(mentor.id, digestId);
    return Math.max(0, digest?.pages.findIndex((p) => p.includes(studentId)) ?? 0);
  }

  /** The reflections of one student that a digest showed (what "discussed" on that digest covers). */
  async reflectionIdsIn(mentor: Person, digestId: string, studentId: string): Promise<string[] | undefined> {
    const digest = await this.deps.mentoring.digests.get(mentor.id, digestId);
    if (!digest || digest.mentorId !== mentor.id || digest.state !== 'sent') return undefined;
    const items = await this.deps.repos.mentorItems.headsCreatedBetween(mentor.id, digest.from, digest.to);
    return items.filter((i) => i.studentId === studentId && i.mentorId === mentor.id).map((i) => i.reflectionId);
  }
}

function task(school: School, mentor: Person, settings: MentorSettings | undefined, plan: Plan, timeZone: string): DigestTask {
  const run: MentorRun = {
    schoolId: school.id,
    mentorId: mentor.id,
    outcome: 'nothing',
    students: 0,
    entries: 0,
    onFirstCard: 0,
  };
  return { mentor, settings, plan, timeZone, run };
}

function emptySummary(): DigestRunSummary {
  return { sent: 0, nothing: 0, failed: 0, held: 0, quietSchools: 0, mentors: [] };
}

function add(summary: DigestRunSummary, run: MentorRun): void {
  summary.mentors.push(run);
  if (run.outcome === 'sent') summary.sent++;
  else if (run.outcome === 'failed') summary.failed++;
  else if (run.outcome === 'held') summary.held++;
  else summary.nothing++;
}
