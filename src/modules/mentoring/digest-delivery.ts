import type { Person } from '../../core/entities.ts';
import type { DeliveryKind, Message } from '../../delivery/delivery-kind.ts';
import type { Clock } from '../../platform/clock.ts';
import type { DigestContent, LogPort } from './digest-content.ts';
import type { Digest, MentorSettings } from './entities.ts';
import type { MentorMessages } from './messages.ts';
import type { MentoringRepositories } from './ports.ts';

// A mentor's digest as the delivery engine sees it. The digest's id is the mentor plus the slot (or the
// moment of a manual run), so a slot's digest is one document: claimed on it (version-checked), sent once,
// its outcome recorded on it; the mentor's cursor (`coveredUntil`) and last slot then move on.

export type Plan = { kind: 'scheduled'; slot: string; cutoff: string } | { kind: 'manual'; cutoff: string };

export type DigestOutcome = 'sent' | 'nothing' | 'already-sent' | 'held' | 'failed';

/** What became of one mentor's digest in a run. */
export interface MentorRun {
  schoolId: string;
  mentorId: string;
  outcome: DigestOutcome;
  students: number;
  entries: number;
  /** Students on the first card (the rest come with "show more"). */
  onFirstCard: number;
}

/** One mentor's digest in one run; `run` is filled in as the engine goes. */
export interface DigestTask {
  mentor: Person;
  settings: MentorSettings | undefined;
  plan: Plan;
  timeZone: string;
  run: MentorRun;
  /** The digest document, once claimed. */
  digest?: Digest;
}

type Drawn = { message: Message; shown: string[]; ranked: string[]; entries: number; from?: string; to: string };

const maxAttempts = 3;

/** Reasons of the digest's own for not sending (besides the connector's permanent failures). */
const nothingNew = 'nothing-new';
const noStudent = 'no-student';
const alreadySent = 'already-sent';
const exhausted = 'attempts-exhausted';

export interface DigestDeliveryDeps {
  mentoring: MentoringRepositories;
  content: DigestContent;
  compose: MentorMessages;
  clock: Clock;
  log: LogPort;
}

/** Unique across mentors too, so a digest id in card data names one mentor's digest only. */
export function digestId(mentorId: string, plan: Plan): string {
  return `digest:${mentorId}:${plan.kind === 'scheduled' ? plan.slot : `manual:${plan.cutoff}`}`;
}

/** The scheduled digest follows the mentor-digest rule; a digest asked for now goes at once. */
export function digestDelivery(deps: DigestDeliveryDeps, message: 'mentor-digest' | 'at-once'): DeliveryKind<DigestTask, Drawn> {
  const { mentoring, content, clock, log } = deps;
  const report = (task: DigestTask, outcome: DigestOutcome, students = 0, entries = 0, onFirstCard = 0) => {
    Object.assign(task.run, { outcome, students, entries, onFirstCard });
  };

  /** Moves the mentor's cursor and last slot forward (never back); `known`: the settings as this run read them. */
  const markHandled = async (
    mentorId: string,
    handled: { slot?: string; to?: string; kind?: Digest['kind'] },
    known?: MentorSettings,
  ) => {
    const slot = handled.kind === 'manual' ? undefined : handled.slot;
    await mentoring.settings.update(
      mentorId,
      (s: MentorSettings) => {
        const coveredUntil = handled.to && (!s.coveredUntil || s.coveredUntil < handled.to) ? handled.to : s.coveredUntil;
        const lastSlot = slot && (!s.lastSlot || s.lastSlot < slot) ? slot : s.lastSlot;
        if (coveredUntil === s.coveredUntil && lastSlot === s.lastSlot) return undefined;
        return {
          ...s,
          ...(coveredUntil ? { coveredUntil } : {}),
          ...(lastSlot ? { lastSlot } : {}),
          updatedAt: clock.now().toISOString(),
        };
      },
      known,
    );
  };
  const slotOf = (plan: Plan) => (plan.kind === 'scheduled' ? { slot: plan.slot } : {});

  return {
    message,
    schoolOf: (task) => task.mentor.schoolId,
    prepare: async (task, now) => {
      const { mentor, plan } = task;
      const id = digestId(mentor.id, plan);
      const [settings, existing] = await Promise.all([
        task.settings ?? mentoring.settings.ensure(mentor.schoolId, mentor.id, now.toISOString()),
        mentoring.digests.get(mentor.id, id),
      ]);
      // Kept for moving the cursor after sending, without reading the settings again.
      task.settings = settings;
      // Another run (or instance) sent this slot already, or gave it up.
      if (existing?.state === 'sent') return { kind: 'skip', reason: alreadySent };
      if (existing && existing.state !== 'building' && existing.attempts >= maxAttempts)
        return { kind: 'skip', reason: exhausted };
      const from = settings.coveredUntil;
      const to = plan.cutoff;
      if (from && from >= to) return { kind: 'skip', reason: nothingNew };
      const scope = mentoring.scope(mentor.schoolId, mentor.id);
      const window = await content.content(scope, from, to);
      const dueBy = plan.kind === 'scheduled' ? plan.slot : to;
      const due =
        window.items.some((i) => i.createdAt <= dueBy) ||
        window.nonResponses.some((n) => n.sentAt <= dueBy) ||
        window.messages.some((m) => m.at <= dueBy);
      if (!due) return { kind: 'skip', reason: nothingNew };
      const ranked = await content.rank(scope, window);
      if (ranked.length === 0) return { kind: 'skip', reason: noStudent };
      const shownStudents = new Set(ranked);
      const entries = window.items.filter((i) => shownStudents.has(i.studentId)).length;
      const view = await content.firstCard(scope, window, ranked, {
        digestId: id,
        locale: mentor.locale,
        timeZone: task.timeZone,
        ...(from ? { from } : {}),
        to,
        page: 0,
        sections: [],
        offset: 0,
        total: ranked.length,
        entryCount: entries,
      });
      const { message: drawn, shown } = deps.compose.digest(mentor, view);
      return { kind: 'send', to: mentor, context: { message: drawn, shown, ranked, entries, ...(from ? { from } : {}), to } };
    },
    claim: async (task, now, until) => {
      const { mentor, plan } = task;
      const id = digestId(mentor.id, plan);
      const claimedUntil = until.toISOString();
      const { digest: existing, created } = await mentoring.digests.ensure({
        id,
        schoolId: mentor.schoolId,
        mentorId: mentor.id,
        kind: plan.kind,
        slot: plan.kind === 'scheduled' ? plan.slot : plan.cutoff,
        to: plan.cutoff,
        state: 'building',
        attempts: 1,
        claimedUntil,
        order: [],
        pages: [],
        studentCount: 0,
        entryCount: 0,
        createdAt: now.toISOString(),
      });
      if (created) return { ...task, digest: existing };
      let claimed = false;
      const digest = await mentoring.digests.update(mentor.id, id, (d) => {
        claimed = false;
        if (d.state === 'sent' || (d.state === 'building' && d.claimedUntil && d.claimedUntil > now.toISOString()))
          return undefined;
        if (d.attempts >= maxAttempts) return undefined;
        claimed = true;
        return { ...d, state: 'building', attempts: d.attempts + 1, claimedUntil };
      });
      if (claimed) return { ...task, digest };
      if (digest.state === 'sent')
        report(task, 'already-sent', digest.studentCount, digest.entryCount, digest.pages[0]?.length ?? 0);
      else if (digest.attempts >= maxAttempts) {
        // Given up on this slot: its content stays uncovered and goes into the next digest.
        await markHandled(mentor.id, slotOf(plan));
        report(task, 'failed');
      } else report(task, 'held');
      return undefined;
    },
    compose: (_claimed, _to, drawn) => drawn.message,
    sent: async (claimed, delivered, drawn) => {
      const { mentor } = claimed;
      const done = await mentoring.digests.update(
        mentor.id,
        claimed.digest!.id,
        (d) => ({
          ...d,
          state: 'sent',
          claimedUntil: undefined,
          lastError: undefined,
          ...(drawn.from ? { from: drawn.from } : {}),
          to: drawn.to,
          order: drawn.ranked,
          pages: [drawn.shown],
          studentCount: drawn.ranked.length,
          entryCount: drawn.entries,
          sentAt: clock.now().toISOString(),
          message: delivered,
        }),
        claimed.digest,
      );
      await markHandled(mentor.id, done, claimed.settings);
      log.info(
        {
          mentorId: mentor.id,
          digestId: done.id,
          students: drawn.ranked.length,
          entries: drawn.entries,
          onFirstCard: drawn.shown.length,
        },
        'digest sent',
      );
      report(claimed, 'sent', drawn.ranked.length, drawn.entries, drawn.shown.length);
    },
    retryLater: async (claimed, error) => {
      const failed = await mentoring.digests.update(claimed.mentor.id, claimed.digest!.id, (d) => ({
        ...d,
        state: 'failed',
        claimedUntil: undefined,
        lastError: error.reason,
      }));
      if (failed.attempts >= maxAttempts) await markHandled(claimed.mentor.id, slotOf(claimed.plan));
      log.warn(
        { mentorId: claimed.mentor.id, digestId: failed.id, reason: error.reason, attempt: failed.attempts },
        'digest not sent',
      );
      report(claimed, 'failed');
    },
    gaveUp: async (task, reason) => {
      const { mentor, plan } = task;
      if (reason === alreadySent) {
        const sent = await mentoring.digests.get(mentor.id, digestId(mentor.id, plan));
        if (sent) await markHandled(mentor.id, sent);
        report(task, 'already-sent', sent?.studentCount, sent?.entryCount, sent?.pages[0]?.length ?? 0);
        return;
      }
      if (reason === nothingNew || reason === exhausted) {
        await markHandled(mentor.id, slotOf(plan));
        report(task, reason === exhausted ? 'failed' : 'nothing');
        return;
      }
      if (reason === noStudent) {
        // Items whose students are no longer the mentor's: covered, never shown.
        await markHandled(mentor.id, { ...slotOf(plan), to: plan.cutoff });
        report(task, 'nothing');
        return;
      }
      // The connector refused for good (blocked, uninstalled): this slot is given up.
      const failed = await mentoring.digests.update(mentor.id, task.digest!.id, (d) => ({
        ...d,
        state: 'failed',
        claimedUntil: undefined,
        lastError: reason,
      }));
      await markHandled(mentor.id, slotOf(plan));
      log.warn({ mentorId: mentor.id, digestId: failed.id, reason, attempt: failed.attempts }, 'digest not sent');
      report(task, 'failed');
    },
    // A mentor has no pause.
    postpone: async () => {},
  };
}
