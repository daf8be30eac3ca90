import type { MentorItem, Person, School } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { DeliveryError, type Repositories } from '../../core/ports.ts';
import { isAllowed, type SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import { assignedStudents } from './access.ts';
import { type Digest, defaultDigestSettings, type MentorSettings } from './entities.ts';
import type {
  MentoringRepositories,
  MentorMessenger,
  MentorScope,
  NonResponders,
  NonResponse,
  StudentMessage,
  StudentMessages,
} from './ports.ts';
import { latestSlot } from './schedule.ts';
import { buildSection, compareSections, flowTitle, stepStatuses } from './sections.ts';
import type { DigestView, StudentSection } from './views.ts';

// The mentor's digest: one card per mentor with what their students wrote since the last digest, most
// important first. Whether a digest is due is worked out from the store and the clock, never from the
// tick that asks: a slot missed while the bot was down goes out at the next allowed moment, and a slot
// already handled is never handled again (the digest's id is the slot; the mentor's cursor moves on).

export interface LogPort {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface DigestDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  flows: FlowCatalog;
  clock: Clock;
  messenger: MentorMessenger;
  nonResponders: NonResponders;
  /** Talent signals and replies to notes (ports.ts); none when not given. */
  messages?: StudentMessages;
  log: LogPort;
  /** The school's quiet hours and time zone (../quiet-hours.ts). */
  sendPolicy: SendPolicies;
  /** Items younger than this wait for the next digest: writes of other instances may still be in flight. */
  marginMs?: number;
  /** How long a run may hold one mentor's digest before another run may take it over. */
  claimMs?: number;
  /** Entries shown per student; the rest is counted. */
  maxEntriesPerStudent?: number;
}

export type DigestOutcome = 'sent' | 'nothing' | 'already-sent' | 'held' | 'failed';

export interface MentorRun {
  schoolId: string;
  mentorId: string;
  outcome: DigestOutcome;
  students: number;
  entries: number;
  /** Students on the first card (the rest come with "show more"). */
  onFirstCard: number;
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

type Plan = { kind: 'scheduled'; slot: string; cutoff: string } | { kind: 'manual'; cutoff: string };

/** Students read per step while filling a digest's first card (a card holds about eight to twelve). */
const firstCardBatch = 8;
const priorityRank = { talk: 0, signal: 1, other: 2 } as const;

const maxAttempts = 3;

/** The later of two ISO timestamps. */
function later(a: string, b: string): string {
  return a < b ? b : a;
}

export class DigestService {
  private readonly deps: DigestDeps;
  private readonly marginMs: number;
  private readonly claimMs: number;
  constructor(deps: DigestDeps) {
    this.deps = deps;
    this.marginMs = deps.marginMs ?? 60_000;
    this.claimMs = deps.claimMs ?? 300_000;
  }

  /** The scheduled run: every mentor whose slot has passed and who has something new gets a digest. */
  async runDue(now = this.deps.clock.now()): Promise<DigestRunSummary> {
    const summary = emptySummary();
    const probe = new Date(now.getTime() - this.marginMs);
    for (const school of await this.deps.repos.schools.list()) {
      const policy = await this.deps.sendPolicy(school.id);
      const tz = policy.timeZone;
      if (!isAllowed(now, policy, 'mentor-digest')) {
        summary.quietSchools++;
        continue;
      }
      // Most mentors share a schedule: work out each schedule's last slot once.
      const slots = new Map<string, string>();
      for (const mentor of await this.deps.repos.people.listByRole(school.id, 'mentor')) {
        const settings = await this.deps.mentoring.settings.get(mentor.id);
        const schedule = settings ?? defaultDigestSettings;
        const key = `${schedule.frequency}|${schedule.weekday}|${schedule.hour}`;
        let slot = slots.get(key);
        if (!slot) {
          slot = latestSlot(probe, schedule, tz).toISOString();
          slots.set(key, slot);
        }
        if (settings?.lastSlot && settings.lastSlot >= slot) continue;
        const plan = { kind: 'scheduled', slot, cutoff: probe.toISOString() } as const;
        add(summary, await this.guarded(school, mentor, settings, plan, now));
      }
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
      for (const mentor of await this.deps.repos.people.listByRole(school.id, 'mentor')) {
        if (options.mentorIds && !options.mentorIds.includes(mentor.id)) continue;
        const settings = await this.deps.mentoring.settings.get(mentor.id);
        add(summary, await this.guarded(school, mentor, settings, { kind: 'manual', cutoff: now.toISOString() }, now));
      }
    }
    return summary;
  }

  private async guarded(
    school: School,
    mentor: Person,
    settings: MentorSettings | undefined,
    plan: Plan,
    now: Date,
  ): Promise<MentorRun> {
    try {
      return await this.forMentor(school, mentor, settings, plan, now);
    } catch (err) {
      this.deps.log.warn({ mentorId: mentor.id, err: String(err) }, 'digest failed');
      return { schoolId: school.id, mentorId: mentor.id, outcome: 'failed', students: 0, entries: 0, onFirstCard: 0 };
    }
  }

  private async forMentor(
    school: School,
    mentor: Person,
    known: MentorSettings | undefined,
    plan: Plan,
    now: Date,
  ): Promise<MentorRun> {
    const { mentoring, messenger, log } = this.deps;
    const run = (outcome: DigestOutcome, students = 0, entries = 0, onFirstCard = 0): MentorRun => ({
      schoolId: school.id,
      mentorId: mentor.id,
      outcome,
      students,
      entries,
      onFirstCard,
    });
    const settings = known ?? (await mentoring.settings.ensure(school.id, mentor.id, now.toISOString()));
    const from = settings.coveredUntil;
    const to = plan.cutoff;
    const scope = mentoring.scope(school.id, mentor.id);
    const content = from && from >= to ? undefined : await this.content(scope, from, to);
    const dueBy = plan.kind === 'scheduled' ? plan.slot : to;
    const due =
      content !== undefined &&
      (content.items.some((i) => i.createdAt <= dueBy) ||
        content.nonResponses.some((n) => n.sentAt <= dueBy) ||
        content.messages.some((m) => m.at <= dueBy));
    if (!due) {
      if (plan.kind === 'scheduled') await this.markHandled(mentor.id, { slot: plan.slot });
      return run('nothing');
    }

    // Unique across mentors too, so a digest id in card data names one mentor's digest only.
    const id = `digest:${mentor.id}:${plan.kind === 'scheduled' ? plan.slot : `manual:${to}`}`;
    const claimedUntil = new Date(now.getTime() + this.claimMs).toISOString();
    const { digest: existing, created } = await mentoring.digests.ensure({
      id,
      schoolId: school.id,
      mentorId: mentor.id,
      kind: plan.kind,
      slot: plan.kind === 'scheduled' ? plan.slot : to,
      ...(from ? { from } : {}),
      to,
      state: 'building',
      attempts: 1,
      claimedUntil,
      order: [],
      pages: [],
      studentCount: 0,
      entryCount: 0,
      createdAt: now.toISOString(),
    });
    if (!created) {
      if (existing.state === 'sent') {
        await this.markHandled(mentor.id, existing);
        return run('already-sent', existing.studentCount, existing.entryCount, existing.pages[0]?.length ?? 0);
      }
      let claimed = false;
      const digest = await mentoring.digests.update(mentor.id, id, (d) => {
        if (d.state === 'sent' || (d.state === 'building' && d.claimedUntil && d.claimedUntil > now.toISOString()))
          return undefined;
        if (d.attempts >= maxAttempts) return undefined;
        claimed = true;
        return { ...d, state: 'building', attempts: d.attempts + 1, claimedUntil, ...(from ? { from } : {}), to };
      });
      if (!claimed) {
        if (digest.state === 'sent') {
          return run('already-sent', digest.studentCount, digest.entryCount, digest.pages[0]?.length ?? 0);
        }
        if (digest.attempts >= maxAttempts) {
          // Given up on this slot: its content stays uncovered and goes into the next digest.
          if (plan.kind === 'scheduled') await this.markHandled(mentor.id, { slot: plan.slot });
          return run('failed');
        }
        return run('held');
      }
    }

    const locale = mentor.locale;
    const ranked = await this.rank(scope, content!);
    const entries = content!.items.filter((i) => ranked.includes(i.studentId)).length;
    if (ranked.length === 0) {
      await mentoring.digests.update(mentor.id, id, (d) => ({
        ...d,
        state: 'sent',
        claimedUntil: undefined,
        order: [],
        pages: [],
      }));
      await this.markHandled(mentor.id, { ...(plan.kind === 'scheduled' ? { slot: plan.slot } : {}), to });
      return run('nothing');
    }
    const view = await this.firstCard(scope, content!, ranked, {
      digestId: id,
      locale,
      timeZone: (await this.deps.sendPolicy(school.id)).timeZone,
      ...(from ? { from } : {}),
      to,
      page: 0,
      sections: [],
      offset: 0,
      total: ranked.length,
      entryCount: entries,
    });
    try {
      const sent = await messenger.digest({ mentor, view });
      const done = await mentoring.digests.update(mentor.id, id, (d) => ({
        ...d,
        state: 'sent',
        claimedUntil: undefined,
        lastError: undefined,
        order: ranked,
        pages: [sent.shown],
        studentCount: ranked.length,
        entryCount: entries,
        sentAt: this.deps.clock.now().toISOString(),
        message: { conversationId: sent.conversationId, activityId: sent.activityId },
      }));
      await this.markHandled(mentor.id, done);
      log.info(
        { mentorId: mentor.id, digestId: id, students: ranked.length, entries, onFirstCard: sent.shown.length },
        'digest sent',
      );
      return run('sent', ranked.length, entries, sent.shown.length);
    } catch (err) {
      const reason = err instanceof DeliveryError ? err.reason : 'error';
      const failed = await mentoring.digests.update(mentor.id, id, (d) => ({
        ...d,
        state: 'failed',
        claimedUntil: undefined,
        lastError: reason,
      }));
      const permanent = err instanceof DeliveryError && !err.transient;
      if (plan.kind === 'scheduled' && (permanent || failed.attempts >= maxAttempts)) {
        await this.markHandled(mentor.id, { slot: plan.slot });
      }
      log.warn({ mentorId: mentor.id, digestId: id, reason, attempt: failed.attempts }, 'digest not sent');
      return run('failed');
    }
  }

  /** Moves the mentor's cursor and last slot forward (never back). */
  private async markHandled(mentorId: string, handled: { slot?: string; to?: string; kind?: Digest['kind'] }): Promise<void> {
    const slot = handled.kind === 'manual' ? undefined : handled.slot;
    await this.deps.mentoring.settings.update(mentorId, (s: MentorSettings) => {
      const coveredUntil = handled.to && (!s.coveredUntil || s.coveredUntil < handled.to) ? handled.to : s.coveredUntil;
      const lastSlot = slot && (!s.lastSlot || s.lastSlot < slot) ? slot : s.lastSlot;
      if (coveredUntil === s.coveredUntil && lastSlot === s.lastSlot) return undefined;
      return {
        ...s,
        ...(coveredUntil ? { coveredUntil } : {}),
        ...(lastSlot ? { lastSlot } : {}),
        updatedAt: this.deps.clock.now().toISOString(),
      };
    });
  }

  /** The mentor's new items and unanswered prompts in the window, for their own students only. */
  private async content(scope: MentorScope, from: string | undefined, to: string) {
    // Both walls: the store's scope and the domain's own reading of the assignments.
    const [scoped, assigned] = await Promise.all([
      scope.studentIds(),
      assignedStudents(this.deps.repos, { id: scope.mentorId, schoolId: scope.schoolId }),
    ]);
    const students = new Set([...scoped].filter((id) => assigned.has(id)));
    const items = (await this.deps.repos.mentorItems.listCreatedBetween(scope.mentorId, from, to)).filter(
      (i) => i.mentorId === scope.mentorId && students.has(i.studentId),
    );
    let nonResponses: NonResponse[] = [];
    if (students.size > 0) {
      try {
        nonResponses = (
          await this.deps.nonResponders.list({
            schoolId: scope.schoolId,
            studentIds: [...students],
            ...(from ? { from } : {}),
            to,
          })
        ).filter((n) => students.has(n.studentId));
      } catch (err) {
        this.deps.log.warn({ mentorId: scope.mentorId, err: String(err) }, 'non-responders unavailable; digest without them');
      }
    }
    let messages: StudentMessage[] = [];
    if (students.size > 0 && this.deps.messages) {
      try {
        messages = (
          await this.deps.messages.list({
            schoolId: scope.schoolId,
            mentorId: scope.mentorId,
            studentIds: [...students],
            ...(from ? { from } : {}),
            to,
          })
        ).filter((m) => students.has(m.studentId));
      } catch (err) {
        this.deps.log.warn({ mentorId: scope.mentorId, err: String(err) }, 'student messages unavailable; digest without them');
      }
    }
    return { items, nonResponses, messages };
  }

  /**
   * The digest's students in order of importance, from the mentor's items alone (no answer is read):
   * asked to talk, then a signal, then the rest; the newest answer first; then by name. Students with only
   * unanswered prompts come last.
   */
  private async rank(
    scope: MentorScope,
    content: { items: MentorItem[]; nonResponses: NonResponse[]; messages: StudentMessage[] },
  ): Promise<string[]> {
    const best = new Map<string, { rank: number; at: string }>();
    for (const i of content.items) {
      const rank = priorityRank[i.priority ?? (i.mode === 'now' ? 'signal' : 'other')];
      const at = i.submittedAt ?? i.createdAt;
      const seen = best.get(i.studentId);
      if (!seen) best.set(i.studentId, { rank, at });
      else best.set(i.studentId, { rank: Math.min(seen.rank, rank), at: later(seen.at, at) });
    }
    // A reply or a talent signal ranks with the ordinary entries, by when it was written.
    for (const m of content.messages) {
      const seen = best.get(m.studentId);
      best.set(m.studentId, seen ? { rank: seen.rank, at: later(seen.at, m.at) } : { rank: priorityRank.other, at: m.at });
    }
    for (const n of content.nonResponses) if (!best.has(n.studentId)) best.set(n.studentId, { rank: priorityRank.other, at: '' });
    const people = await scope.students([...best.keys()]);
    return [...best.keys()]
      .filter((id) => people.has(id))
      .sort((a, b) => {
        const x = best.get(a)!;
        const y = best.get(b)!;
        if (x.rank !== y.rank) return x.rank - y.rank;
        if (x.at !== y.at) return x.at < y.at ? 1 : -1;
        return people.get(a)!.name.localeCompare(people.get(b)!.name);
      });
  }

  /**
   * The sections of the digest's first card: students are read in order of importance, a few at a time,
   * until the card is full. The others are read only when the mentor asks for them ("show more").
   */
  private async firstCard(
    scope: MentorScope,
    content: { items: MentorItem[]; nonResponses: NonResponse[]; messages: StudentMessage[] },
    ranked: readonly string[],
    base: DigestView,
  ): Promise<DigestView> {
    const position = new Map(ranked.map((id, i) => [id, i]));
    const ctx = { from: base.from, to: base.to, locale: base.locale };
    let view = base;
    for (let next = 0; next < ranked.length; ) {
      const batch = ranked.slice(next, next + firstCardBatch);
      next += batch.length;
      const more = await this.sections(scope, content, ctx, new Set(batch));
      const sections = [...view.sections, ...more].sort((a, b) => position.get(a.student.id)! - position.get(b.student.id)!);
      view = { ...view, sections };
      if (this.deps.messenger.fitDigest(view) < sections.length) break;
    }
    return view;
  }

  /** One section per student with something to report, most important first. */
  private async sections(
    scope: MentorScope,
    content: { items: { studentId: string; reflectionId: string }[]; nonResponses: NonResponse[]; messages: StudentMessage[] },
    ctx: { from: string | undefined; to: string; locale: Person['locale'] },
    onlyStudents?: ReadonlySet<string>,
  ): Promise<StudentSection[]> {
    const { flows, mentoring } = this.deps;
    const shown = new Map<string, Set<string>>();
    for (const i of content.items) {
      if (onlyStudents && !onlyStudents.has(i.studentId)) continue;
      if (!shown.has(i.studentId)) shown.set(i.studentId, new Set());
      shown.get(i.studentId)!.add(i.reflectionId);
    }
    const missed = new Map<string, NonResponse[]>();
    for (const n of content.nonResponses) {
      if (onlyStudents && !onlyStudents.has(n.studentId)) continue;
      missed.set(n.studentId, [...(missed.get(n.studentId) ?? []), n]);
    }
    const written = new Map<string, StudentMessage[]>();
    for (const m of content.messages) {
      if (onlyStudents && !onlyStudents.has(m.studentId)) continue;
      written.set(m.studentId, [...(written.get(m.studentId) ?? []), m]);
    }
    const followUps = new Map((await mentoring.followUps.listByMentor(scope.mentorId)).map((f) => [f.studentId, f]));
    const ids = [...new Set([...shown.keys(), ...missed.keys(), ...written.keys()])];
    const writers = await this.writerNames(scope.schoolId, [...written.values()].flat());
    const [students, reflectionsOf] = await Promise.all([scope.students(ids), scope.reflectionsOf(ids)]);
    const sections: StudentSection[] = [];
    for (const studentId of ids) {
      const student = students.get(studentId);
      if (!student) continue;
      const reflections = reflectionsOf.get(studentId) ?? [];
      const inDigest = shown.get(studentId) ?? new Set<string>();
      const section = buildSection(
        {
          student,
          reflections,
          show: (r) => inDigest.has(r.id),
          maxEntries: this.deps.maxEntriesPerStudent ?? 2,
          statuses: stepStatuses(reflections),
          followUp: followUps.get(studentId),
          nonResponses: (missed.get(studentId) ?? []).map((n) => ({
            flowTitle: flowTitle(flows, n.flowId, ctx.locale),
            sentAt: n.sentAt,
          })),
        },
        { flows, locale: ctx.locale },
      );
      const messages = (written.get(studentId) ?? []).map((m) => ({
        kind: m.kind,
        from: m.fromName ?? (m.kind === 'reply' ? student.name : (writers.get(m.fromId) ?? '')),
        text: m.text,
        at: m.at,
      }));
      if (section.entries.length === 0 && section.nonResponses.length === 0 && messages.length === 0) continue;
      sections.push(messages.length ? { ...section, messages } : section);
    }
    return sections.sort(compareSections);
  }

  /** The names of the people who wrote the messages (teachers), read once. */
  private async writerNames(schoolId: string, messages: StudentMessage[]): Promise<Map<string, string>> {
    const ids = [...new Set(messages.filter((m) => m.kind === 'talent').map((m) => m.fromId))];
    if (ids.length === 0) return new Map();
    return new Map((await this.deps.repos.people.getMany(schoolId, ids)).map((p) => [p.id, p.name]));
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
    const content = await this.content(scope, digest.from, digest.to);
    const sections = await this.sections(
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
    const items = await this.deps.repos.mentorItems.listCreatedBetween(mentor.id, digest.from, digest.to);
    return items.filter((i) => i.studentId === studentId && i.mentorId === mentor.id).map((i) => i.reflectionId);
  }
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
