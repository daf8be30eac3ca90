import type { Person } from '../../core/entities.ts';
import { isDate, isTime, zonedInstant } from '../../core/time/zoned-time.ts';
import { isAssigned } from './access.ts';
import type { ConversationPlan } from './entities.ts';
import type { ConversationDeps } from './ports.ts';

// Planning a conversation together. The mentor proposes one to three moments ("plan a conversation"
// with times; without times it stays the mentor's private reminder). The student accepts one, or
// suggests another, which the mentor can accept. Once agreed, both get the confirmation with a calendar
// file. The plan lives in the mentor's follow-up of the student; the student reaches it by the mentor's
// id and their own id, so another student's plan cannot be named. Times are the school's local times.

export const maxProposals = 3;
/** How far ahead a conversation can be planned. */
const horizonMs = 90 * 86_400_000;

/** A moment from a date and a time field (school time zone): in the future, within the horizon. */
export function parseMoment(date: unknown, time: unknown, now: Date, timeZone: string): string | undefined {
  if (!isDate(date) || typeof time !== 'string' || !isTime(time)) return undefined;
  const at = zonedInstant(date, time, timeZone);
  if (Number.isNaN(at.getTime()) || at <= now || at.getTime() > now.getTime() + horizonMs) return undefined;
  return at.toISOString();
}

/**
 * The proposed moments on the mentor's card (`p1d-<student>` and `p1t-<student>`, up to 3). None filled
 * in: undefined (a private reminder). A half or wrong one: 'invalid'.
 */
export function proposalsFrom(
  data: Record<string, unknown>,
  studentId: string,
  now: Date,
  timeZone: string,
): string[] | 'invalid' | undefined {
  const out: string[] = [];
  for (let i = 1; i <= maxProposals; i++) {
    const date = data[`p${i}d-${studentId}`];
    const time = data[`p${i}t-${studentId}`];
    if ((date === undefined || date === '') && (time === undefined || time === '')) continue;
    const at = parseMoment(date, time, now, timeZone);
    if (!at) return 'invalid';
    if (!out.includes(at)) out.push(at);
  }
  return out.length ? out.sort() : undefined;
}

export type MeetingResult =
  | { ok: true; plan: ConversationPlan; mentor: Person; student: Person }
  | { ok: false; reason: 'gone' | 'invalid-time' | 'agreed'; plan?: ConversationPlan };

/** Queues a planning message and sends it at once when the hour allows it. */
export async function sendPlanning(
  deps: ConversationDeps,
  input: {
    kind: 'proposal' | 'suggestion' | 'meeting';
    schoolId: string;
    recipientId: string;
    mentorId: string;
    studentId: string;
    planAt: string;
  },
): Promise<'sent' | 'queued'> {
  const now = deps.clock.now();
  const outcome = await deps.outbox.queue({
    id: `${input.kind}:${input.recipientId}:${input.studentId}:${input.planAt}:${now.toISOString()}`,
    schoolId: input.schoolId,
    recipientId: input.recipientId,
    kind: input.kind,
    studentId: input.studentId,
    ref: input.planAt,
    mentorId: input.mentorId,
  });
  return outcome === 'sent' ? 'sent' : 'queued';
}

/**
 * The plan a student is asked about, by the mentor named in the card and the student pressing, while it is
 * still open; otherwise why the answer is refused.
 */
async function openPlan(
  deps: ConversationDeps,
  student: Person,
  data: Record<string, unknown>,
): Promise<{ mentor: Person; plan: ConversationPlan } | Extract<MeetingResult, { ok: false }>> {
  const mentorInput = data['mentorId'];
  const planInput = data['plan'];
  if (typeof mentorInput !== 'string' || mentorInput.length > 64 || typeof planInput !== 'string' || planInput.length > 64)
    return { ok: false, reason: 'gone' };
  const mentor = await deps.repos.people.get(student.schoolId, mentorInput);
  if (!mentor || !(await isAssigned(deps.repos, mentor, student.id))) return { ok: false, reason: 'gone' };
  const followUp = await deps.mentoring.followUps.get(mentor.id, student.id);
  const plan = followUp?.plan;
  if (!followUp || followUp.studentId !== student.id || !plan?.proposals || plan.at !== planInput)
    return { ok: false, reason: 'gone' };
  if (plan.agreed) return { ok: false, reason: 'agreed', plan };
  return { mentor, plan };
}

async function agree(deps: ConversationDeps, mentor: Person, student: Person, at: string, by: 'student' | 'mentor') {
  const agreedAt = deps.clock.now().toISOString();
  let changed = false;
  const saved = await deps.mentoring.followUps.upsert(
    { schoolId: mentor.schoolId, mentorId: mentor.id, studentId: student.id },
    (f) => {
      if (!f.plan || f.plan.agreed) return undefined;
      changed = true;
      return { ...f, plan: { ...f.plan, agreed: { at, agreedAt, by } }, updatedAt: agreedAt };
    },
  );
  const plan = saved.plan!;
  if (!changed) return { ok: false as const, reason: 'agreed' as const, plan };
  deps.log.info({ mentorId: mentor.id, studentId: student.id, by }, 'conversation agreed');
  await sendPlanning(deps, {
    kind: 'meeting',
    schoolId: mentor.schoolId,
    recipientId: by === 'student' ? mentor.id : student.id,
    mentorId: mentor.id,
    studentId: student.id,
    planAt: plan.at,
  });
  return { ok: true as const, plan, mentor, student };
}

/** The student takes one of the proposed moments. */
export async function acceptProposal(
  deps: ConversationDeps,
  student: Person,
  data: Record<string, unknown>,
): Promise<MeetingResult> {
  const found = await openPlan(deps, student, data);
  if ('ok' in found) return found;
  // The card sends the index as a number. Number() would throw on {"toString":1} and read [[0]] as 0.
  const slot = data['slot'];
  const index = typeof slot === 'number' ? slot : typeof slot === 'string' && /^\d{1,2}$/.test(slot) ? Number(slot) : Number.NaN;
  const at = Number.isInteger(index) ? found.plan.proposals![index] : undefined;
  if (!at || Date.parse(at) <= deps.clock.now().getTime()) return { ok: false, reason: 'invalid-time', plan: found.plan };
  return agree(deps, found.mentor, student, at, 'student');
}

/** The student suggests another moment; the mentor gets it with a button to accept. */
export async function suggestMoment(
  deps: ConversationDeps,
  student: Person,
  data: Record<string, unknown>,
): Promise<MeetingResult> {
  const found = await openPlan(deps, student, data);
  if ('ok' in found) return found;
  const { timeZone } = await deps.sendPolicy(student.schoolId);
  const at = parseMoment(data['date'], data['time'], deps.clock.now(), timeZone);
  if (!at) return { ok: false, reason: 'invalid-time', plan: found.plan };
  const now = deps.clock.now().toISOString();
  const saved = await deps.mentoring.followUps.upsert(
    { schoolId: student.schoolId, mentorId: found.mentor.id, studentId: student.id },
    (f) =>
      f.plan && !f.plan.agreed ? { ...f, plan: { ...f.plan, suggested: { at, suggestedAt: now } }, updatedAt: now } : undefined,
  );
  deps.log.info({ mentorId: found.mentor.id, studentId: student.id }, 'other moment suggested');
  await sendPlanning(deps, {
    kind: 'suggestion',
    schoolId: student.schoolId,
    recipientId: found.mentor.id,
    mentorId: found.mentor.id,
    studentId: student.id,
    planAt: found.plan.at,
  });
  return { ok: true, plan: saved.plan!, mentor: found.mentor, student };
}

/** The mentor takes the student's suggestion. */
export async function acceptSuggestion(
  deps: ConversationDeps,
  mentor: Person,
  data: Record<string, unknown>,
): Promise<MeetingResult> {
  const studentId = data['studentId'];
  if (typeof studentId !== 'string' || studentId.length > 64 || !(await isAssigned(deps.repos, mentor, studentId)))
    return { ok: false, reason: 'gone' };
  const student = await deps.repos.people.get(mentor.schoolId, studentId);
  const plan = (await deps.mentoring.followUps.get(mentor.id, studentId))?.plan;
  if (!student || student.erasedAt || !plan?.suggested || plan.at !== data['plan']) return { ok: false, reason: 'gone' };
  if (plan.agreed) return { ok: false, reason: 'agreed', plan };
  if (Date.parse(plan.suggested.at) <= deps.clock.now().getTime()) return { ok: false, reason: 'invalid-time', plan };
  return agree(deps, mentor, student, plan.suggested.at, 'mentor');
}
