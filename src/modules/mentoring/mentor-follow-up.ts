import type { Person } from '../../core/entities.ts';
import { undoIfErased } from '../../core/erased-meanwhile.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import { isDate, localDate } from '../../core/time/zoned-time.ts';
import type { Clock } from '../../platform/clock.ts';
import { isAssigned } from './access.ts';
import type { DigestService, LogPort } from './digest.ts';
import { proposalsFrom, sendPlanning } from './meetings.ts';
import { nextAllowedFor, type OutboxService } from './outbox.ts';
import type { MentoringRepositories } from './ports.ts';
import type { StudentViews } from './student-views.ts';

// What a mentor does with what they read: record that they discussed it (with the date of the
// conversation), plan a conversation (and be reminded when it stays open), or send the student a short
// feedforward note. Every action names a student and the card it came from; both are checked against
// the store (the student must be the mentor's, the card must be the mentor's and about that student),
// so tampered card data changes nothing.

/** Where an action was pressed; decides which reflections it is about. */
export type ActionContext =
  | { kind: 'item'; itemId: string }
  | { kind: 'digest'; digestId: string; page: number }
  | { kind: 'students'; page: number }
  | { kind: 'student' };

export const noteMaxLength = 500;

export type ActionResult =
  | { ok: true; kind: 'discussed'; student: Person; on: string }
  | { ok: true; kind: 'planned'; student: Person; remindAt: string; proposed: number }
  | { ok: true; kind: 'note'; student: Person; delivery: 'sent' | 'queued' | 'failed' }
  | {
      ok: false;
      reason: 'not-your-student' | 'not-your-card' | 'invalid-date' | 'empty-note' | 'note-too-long' | 'invalid-time';
    };

export interface FollowUpDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  views: StudentViews;
  digests: DigestService;
  outbox: OutboxService;
  clock: Clock;
  newId: () => string;
  log: LogPort;
  /** The school's quiet hours and time zone (../quiet-hours.ts). */
  sendPolicy: SendPolicies;
  /** Makes deleted documents unreadable in the store's own files now (DocumentStore.purgeErased). */
  purgeErased?: () => Promise<boolean>;
}

export class MentorFollowUpService {
  private readonly deps: FollowUpDeps;
  constructor(deps: FollowUpDeps) {
    this.deps = deps;
  }

  /**
   * The student (when the mentor's) and the reflections the action is about, from the context. A context
   * that is not the mentor's, or not about this student, is refused.
   */
  private async resolve(
    mentor: Person,
    ctx: ActionContext,
    studentId: string,
  ): Promise<{ student: Person; reflectionIds: string[] } | { refused: 'not-your-student' | 'not-your-card' }> {
    if (!(await isAssigned(this.deps.repos, mentor, studentId))) return { refused: 'not-your-student' };
    const scope = this.deps.views.scope(mentor);
    const student = await scope.student(studentId);
    if (!student) return { refused: 'not-your-student' };
    const own = new Set((await scope.reflections(studentId)).map((r) => r.id));
    let ids: string[];
    if (ctx.kind === 'item') {
      const item = await this.deps.views.item(mentor, ctx.itemId);
      if (!item || item.studentId !== studentId) return { refused: 'not-your-card' };
      ids = [item.reflectionId];
    } else if (ctx.kind === 'digest') {
      const inDigest = await this.deps.digests.reflectionIdsIn(mentor, ctx.digestId, studentId);
      if (!inDigest) return { refused: 'not-your-card' };
      ids = inDigest;
    } else {
      ids = [...own];
    }
    return { student, reflectionIds: ids.filter((id) => own.has(id)) };
  }

  async discussed(mentor: Person, ctx: ActionContext, studentId: string, dateInput: unknown): Promise<ActionResult> {
    const now = this.deps.clock.now();
    const { timeZone } = await this.deps.sendPolicy(mentor.schoolId);
    const on = parseConversationDate(dateInput, now, timeZone);
    if (!on) return { ok: false, reason: 'invalid-date' };
    const resolved = await this.resolve(mentor, ctx, studentId);
    if ('refused' in resolved) return { ok: false, reason: resolved.refused };
    const at = now.toISOString();
    await this.deps.mentoring.followUps.upsert({ schoolId: mentor.schoolId, mentorId: mentor.id, studentId }, (f) => ({
      ...f,
      discussions: [{ on, at, reflectionIds: resolved.reflectionIds }, ...f.discussions].slice(0, 20),
      updatedAt: at,
    }));
    this.deps.log.info({ mentorId: mentor.id, studentId, on, reflections: resolved.reflectionIds.length }, 'discussed recorded');
    return { ok: true, kind: 'discussed', student: resolved.student, on };
  }

  /** Plans a conversation: with proposed moments on the card (meetings.ts) they go to the student. */
  async plan(mentor: Person, ctx: ActionContext, studentId: string, data: Record<string, unknown> = {}): Promise<ActionResult> {
    const now = this.deps.clock.now();
    const policy = await this.deps.sendPolicy(mentor.schoolId);
    const proposals = proposalsFrom(data, studentId, now, policy.timeZone);
    if (proposals === 'invalid') return { ok: false, reason: 'invalid-time' };
    const resolved = await this.resolve(mentor, ctx, studentId);
    if ('refused' in resolved) return { ok: false, reason: resolved.refused };
    const at = now.toISOString();
    const settings = await this.deps.mentoring.settings.ensure(mentor.schoolId, mentor.id, at);
    const remindAt = nextAllowedFor(
      'plan-reminder',
      new Date(now.getTime() + settings.reminderDays * 86_400_000),
      policy,
    ).toISOString();
    await this.deps.mentoring.followUps.upsert({ schoolId: mentor.schoolId, mentorId: mentor.id, studentId }, (f) => ({
      ...f,
      plan: { at, remindAt, reflectionIds: resolved.reflectionIds, ...(proposals ? { proposals } : {}) },
      updatedAt: at,
    }));
    await this.deps.mentoring.outbox.ensure({
      id: `plan:${studentId}:${at}`,
      schoolId: mentor.schoolId,
      recipientId: mentor.id,
      kind: 'plan-reminder',
      studentId,
      ref: at,
      mentorId: mentor.id,
      notBefore: remindAt,
      state: 'pending',
      attempts: 0,
      createdAt: at,
    });
    if (proposals) {
      await sendPlanning(this.deps, {
        kind: 'proposal',
        schoolId: mentor.schoolId,
        recipientId: studentId,
        mentorId: mentor.id,
        studentId,
        planAt: at,
      });
    }
    this.deps.log.info({ mentorId: mentor.id, studentId, remindAt, proposed: proposals?.length ?? 0 }, 'conversation planned');
    return { ok: true, kind: 'planned', student: resolved.student, remindAt, proposed: proposals?.length ?? 0 };
  }

  async note(mentor: Person, ctx: ActionContext, studentId: string, textInput: unknown): Promise<ActionResult> {
    const text = typeof textInput === 'string' ? textInput.trim() : '';
    if (!text) return { ok: false, reason: 'empty-note' };
    if ([...text].length > noteMaxLength) return { ok: false, reason: 'note-too-long' };
    const resolved = await this.resolve(mentor, ctx, studentId);
    if ('refused' in resolved) return { ok: false, reason: resolved.refused };
    const now = this.deps.clock.now();
    const at = now.toISOString();
    // About the newest reflection the card showed (the student's newest, from `mijn studenten`).
    const reflections = await this.deps.views.scope(mentor).reflections(studentId);
    const about = reflections.find((r) => resolved.reflectionIds.includes(r.id));
    const note = await this.deps.mentoring.notes.create({
      id: this.deps.newId(),
      schoolId: mentor.schoolId,
      studentId,
      mentorId: mentor.id,
      ...(about ? { reflectionId: about.id } : {}),
      text,
      createdAt: at,
    });
    if (
      await undoIfErased(this.deps, note, () => this.deps.mentoring.notes.delete(note), {
        name: 'note',
        ids: { noteId: note.id },
      })
    ) {
      this.deps.log.info({ mentorId: note.mentorId, noteId: note.id }, 'note dropped: the student was erased meanwhile');
      return { ok: false, reason: 'not-your-student' };
    }
    await this.deps.mentoring.followUps.upsert({ schoolId: mentor.schoolId, mentorId: mentor.id, studentId }, (f) => ({
      ...f,
      notesSent: f.notesSent + 1,
      updatedAt: at,
    }));
    const outcome = await this.deps.outbox.queue({
      id: `note:${note.id}`,
      schoolId: mentor.schoolId,
      recipientId: studentId,
      kind: 'note',
      studentId,
      ref: note.id,
      mentorId: mentor.id,
    });
    this.deps.log.info({ mentorId: mentor.id, studentId, noteId: note.id, chars: [...text].length }, 'feedforward note written');
    const delivery = outcome === 'sent' ? 'sent' : outcome === 'failed' ? 'failed' : 'queued';
    return { ok: true, kind: 'note', student: resolved.student, delivery };
  }
}

/** A conversation date from the card: YYYY-MM-DD, not in the future, at most a year back. Empty is today. */
export function parseConversationDate(input: unknown, now: Date, timeZone: string): string | undefined {
  const today = localDate(now, timeZone);
  if (input === undefined || input === null || input === '') return today;
  if (!isDate(input)) return undefined;
  const yearAgo = localDate(new Date(now.getTime() - 366 * 86_400_000), timeZone);
  if (input > today || input < yearAgo) return undefined;
  return input;
}
