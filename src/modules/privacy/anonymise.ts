import type { MentorAssignment, Person, Reflection } from '../../core/entities.ts';
import type { Activity, Delivery, DeliveryState, GroupMembership } from '../campaigns/campaigns.ts';
import type { Digest, FeedforwardNote, MentorFollowUp } from '../mentoring/entities.ts';

// What erasure keeps of a student, record type by record type: the decisions of docs/privacy.md in code.
//
// The student's data is not simply deleted, because the school's figures (campaign ledgers, PDCA Check
// evidence, competency coverage) count it: deleting it would change what a school reported. Instead every
// record that is kept moves to a fresh random id ("anon-…") that nothing else knows (no mapping is
// stored, no log line names it), and loses everything the student typed or chose in words and everything
// that identifies them. What remains says "a student of this group did this, then", which is no longer
// about anyone. Records that serve no figure (conversation references, mentor inbox items, the outbox,
// download links) are deleted.

export const anonPrefix = 'anon-';

export function isAnonymousId(id: string): boolean {
  return id.startsWith(anonPrefix);
}

/** The stand-in for the erased student: no name, no ids, no roles; the reachability keeps "unreachable" figures right. */
export function anonymousPerson(person: Person, anonId: string, at: string): Omit<Person, 'version'> {
  return {
    id: anonId,
    schoolId: person.schoolId,
    name: '',
    locale: person.locale,
    localeSource: 'default',
    roles: [],
    reachability:
      person.reachability.state === 'unreachable'
        ? { state: 'unreachable', since: person.reachability.since, reason: person.reachability.reason }
        : { state: 'reachable' },
    erasedAt: at,
    createdAt: at,
    updatedAt: at,
  };
}

/**
 * Kept: which flow, when, the emotion tap and the competencies (coverage counts), whether it reached a
 * mentor (follow-up counts), where it came from (the campaign ledger). Gone: every answer, the chosen
 * options, the preparation, signals, the wish to talk, the card, the follow-up of the next step.
 */
export function anonymousReflection(r: Reflection, anonId: string): Omit<Reflection, 'version'> {
  return {
    id: r.id,
    schoolId: r.schoolId,
    studentId: anonId,
    flowId: r.flowId,
    ...(r.activityType ? { activityType: r.activityType } : {}),
    ...(r.source ? { source: r.source } : {}),
    locale: r.locale,
    status: r.status,
    createdAt: r.createdAt,
    ...(r.submittedAt ? { submittedAt: r.submittedAt } : {}),
    ...(r.emotion ? { emotion: r.emotion } : {}),
    answers: {},
    competencies: [...r.competencies],
    // Marked as tagged under its rule, so the start-up re-tagging never recomputes it from the removed answers.
    ...(r.taggingRule ? { taggingRule: r.taggingRule } : {}),
    ...(r.late ? { late: true } : {}),
    // Nothing may route or follow up an erased student's reflection any more.
    routing: r.routing === 'routed' ? 'routed' : 'none',
  };
}

/** Kept: that a mentor wrote a note about that reflection, and when (follow-up counts). Gone: the text. */
export function anonymousNote(n: FeedforwardNote, anonId: string): Omit<FeedforwardNote, 'version'> {
  return {
    id: n.id,
    schoolId: n.schoolId,
    studentId: anonId,
    mentorId: n.mentorId,
    ...(n.reflectionId ? { reflectionId: n.reflectionId } : {}),
    text: '',
    createdAt: n.createdAt,
    ...(n.deliveredAt ? { deliveredAt: n.deliveredAt } : {}),
  };
}

/** Kept: the conversations the mentor recorded (follow-up counts). Gone: a planned conversation and its reminder. */
export function anonymousFollowUp(f: MentorFollowUp, anonId: string): Omit<MentorFollowUp, 'version' | 'id'> {
  return {
    schoolId: f.schoolId,
    mentorId: f.mentorId,
    studentId: anonId,
    discussions: f.discussions.map((d) => ({ on: d.on, at: d.at, reflectionIds: [...d.reflectionIds] })),
    notesSent: f.notesSent,
    updatedAt: f.updatedAt,
  };
}

/** The membership as it was, under the anonymous id (group sizes and figures stay right). */
export function anonymousMembership(m: GroupMembership, anonId: string): Omit<GroupMembership, 'version' | 'id'> {
  return { ...strip(m), personId: anonId };
}

/** The assignment as it was, under the anonymous id (the mentor's group and follow-up figures stay right). */
export function anonymousAssignment(a: MentorAssignment, anonId: string): Omit<MentorAssignment, 'version' | 'id'> {
  return { ...strip(a), studentId: anonId };
}

const withdrawn: Partial<Record<DeliveryState, DeliveryState>> = {
  planned: 'cancelled',
  sending: 'cancelled',
  sent: 'closed',
  reminded: 'closed',
};

/**
 * Kept: the prompt's whole ledger line (sent, reminded, answered, late, unreachable and why), under the
 * anonymous id. A prompt still in progress is withdrawn: cancelled if it was not sent yet, closed if it was.
 * Gone: the card's address and the last error text.
 */
export function anonymousDelivery(d: Delivery, anonId: string, at: string): Delivery {
  const next: Delivery = { ...d, studentId: anonId, updatedAt: at };
  for (const field of ['message', 'lastError', 'op', 'claimedBy', 'dueAt', 'parked'] as const) delete next[field];
  const state = withdrawn[d.state];
  if (state) {
    next.state = state;
    next.reason = 'erased';
  }
  return next;
}

/** An activity that named the student: the anonymous id in their place. */
export function anonymousActivity(a: Activity, personId: string, anonId: string): Activity {
  return { ...a, studentIds: a.studentIds.map((id) => (id === personId ? anonId : id)) };
}

/** A digest that listed the student: the anonymous id in their place (its counts stay). */
export function anonymousDigest(d: Digest, personId: string, anonId: string): Digest {
  const swap = (id: string) => (id === personId ? anonId : id);
  return { ...d, order: d.order.map(swap), pages: d.pages.map((page) => page.map(swap)) };
}

function strip<T extends { version: number; id: string }>(doc: T): Omit<T, 'version' | 'id'> {
  const { version: _v, id: _id, ...rest } = doc as T & { pk?: string };
  delete (rest as { pk?: string }).pk;
  return rest;
}
