import {
  type Collection,
  createOrGet,
  type Doc,
  deleteCurrent,
  type NewDoc,
  update,
} from '../../platform/store/document-store.ts';
import { type Activity, type Delivery, ids } from '../campaigns/campaigns.ts';
import type { Digest } from '../mentoring/entities.ts';
import {
  anonymousActivity,
  anonymousAssignment,
  anonymousDelivery,
  anonymousDigest,
  anonymousFollowUp,
  anonymousMembership,
  anonymousNote,
  anonymousPerson,
  anonymousReflection,
} from './anonymise.ts';
import type { ErasureCounts } from './personal-data.ts';
import {
  digestsNaming,
  mentorIdsOf,
  type PersonalDataCollections,
  personalConversationId,
  type Stored,
} from './personal-data-collections.ts';

// The erasure of one student (right to erasure): every record that names them is moved to their anonymous
// stand-in, scrubbed (anonymise.ts), or deleted. Each step is safe to repeat, so a run that stopped halfway
// is finished by the next one.

const assignmentId = (studentId: string, mentorId: string) => `${studentId}:${mentorId}`;
const followUpId = (studentId: string) => `student:${studentId}`;

/** Writes the anonymous copy (once), then deletes the original: safe to repeat after a crash in between. */
async function move<T extends Doc>(c: Collection<T>, from: T, to: NewDoc<T>): Promise<void> {
  await createOrGet(c, to);
  await deleteCurrent(c, from.pk, from.id);
}

/** Moves every kept record of the person to `anonId`, scrubbed, and deletes the rest. */
export async function erasePersonalData(
  c: PersonalDataCollections,
  input: { schoolId: string; personId: string; anonId: string; at: string },
): Promise<ErasureCounts> {
  const { schoolId, personId: sid, anonId: aid, at } = input;
  const counts: ErasureCounts = {};
  const tally = (name: string, kind: 'anonymised' | 'deleted', n = 1) => {
    counts[name] ??= { anonymised: 0, deleted: 0 };
    counts[name][kind] += n;
  };

  // First the person and how to reach them: from here on nothing can start for them any more.
  const person = await c.people.get(schoolId, sid);
  if (person) {
    await createOrGet(c.people, { ...anonymousPerson(person, aid, at), pk: schoolId });
    tally('people', 'anonymised');
    await deleteCurrent(c.people, schoolId, sid);
  }
  if (await deleteCurrent(c.conversations, schoolId, personalConversationId(sid))) tally('conversations', 'deleted');
  for (const d of await c.downloads.find({ where: { personId: sid } })) {
    if (d.schoolId === schoolId && (await deleteCurrent(c.downloads, d.pk, d.id))) tally('downloads', 'deleted');
  }
  // Links to what the student shared stop working with the rest of the ways in.
  for (const l of await c.shareLinks.find({ where: { studentId: sid } })) {
    if (l.schoolId === schoolId && (await deleteCurrent(c.shareLinks, l.pk, l.id))) tally('share_links', 'deleted');
  }
  for (const item of await c.mentorItems.find({ where: { studentId: sid } })) {
    if (item.schoolId === schoolId && (await deleteCurrent(c.mentorItems, item.pk, item.id))) tally('mentor_items', 'deleted');
  }
  for (const e of [...(await c.outbox.find({ pk: sid })), ...(await c.outbox.find({ where: { studentId: sid } }))]) {
    if (e.schoolId === schoolId && (await deleteCurrent(c.outbox, e.pk, e.id))) tally('mentoring_outbox', 'deleted');
  }

  // The mentors' digests, before the assignments that lead to them move.
  for (const d of await digestsNaming(c, await mentorIdsOf(c, schoolId, [sid, aid]), sid)) {
    await update(c.digests, d.pk, d.id, (cur) => anonymousDigest(cur, sid, aid) as Stored<Digest>);
    tally('mentor_digests', 'anonymised');
  }
  for (const f of await c.followUps.find({ where: { studentId: sid } })) {
    if (f.schoolId !== schoolId) continue;
    await move(c.followUps, f, { ...anonymousFollowUp(f, aid), id: followUpId(aid), pk: f.pk });
    tally('mentor_followups', 'anonymised');
  }
  for (const a of await c.assignments.find({ pk: schoolId, where: { studentId: sid } })) {
    await move(c.assignments, a, { ...anonymousAssignment(a, aid), id: assignmentId(aid, a.mentorId), pk: schoolId });
    tally('assignments', 'anonymised');
  }
  for (const m of await c.members.find({ pk: schoolId, where: { personId: sid } })) {
    await move(c.members, m, { ...anonymousMembership(m, aid), id: ids.membership(m.groupId, aid), pk: schoolId });
    tally('group_members', 'anonymised');
  }
  for (const d of await c.deliveries.find({ pk: schoolId, where: { studentId: sid } })) {
    await update(c.deliveries, schoolId, d.id, (cur) => anonymousDelivery(cur, aid, at) as Stored<Delivery>);
    tally('deliveries', 'anonymised');
  }
  for (const a of await c.activities.find({ pk: schoolId })) {
    if (!a.studentIds.includes(sid)) continue;
    await update(c.activities, schoolId, a.id, (cur) => anonymousActivity(cur, sid, aid) as Stored<Activity>);
    tally('activities', 'anonymised');
  }
  // The student's own partitions last, and twice: a campaign prompt that was being sent at this very
  // moment may still have opened a reflection after the first pass.
  for (let pass = 0; pass < 2; pass++) {
    for (const r of await c.reflections.find({ pk: sid })) {
      await move(c.reflections, r, { ...anonymousReflection(r, aid), pk: aid });
      tally('reflections', 'anonymised');
    }
    for (const n of await c.notes.find({ pk: sid })) {
      await move(c.notes, n, { ...anonymousNote(n, aid), pk: aid });
      tally('feedforward_notes', 'anonymised');
    }
    // A talent signal serves no figure: it is deleted with the student.
    for (const s of await c.talentSignals.find({ pk: sid })) {
      if (await deleteCurrent(c.talentSignals, s.pk, s.id)) tally('talent_signals', 'deleted');
    }
    // The supervisor and their answers serve no figure either.
    for (const s of await c.supervisors.find({ pk: sid })) {
      if (await deleteCurrent(c.supervisors, s.pk, s.id)) tally('supervisors', 'deleted');
    }
    for (const a of await c.trialoogAnswers.find({ pk: sid })) {
      if (await deleteCurrent(c.trialoogAnswers, a.pk, a.id)) tally('trialoog_answers', 'deleted');
    }
    // The student pulse's marks (invited, answered) go with the student; their answers were never theirs
    // to take back: the tallies hold no link to anyone.
    for (const m of await c.voiceMarks.find({ pk: sid })) {
      if (await deleteCurrent(c.voiceMarks, m.pk, m.id)) tally('voice_marks', 'deleted');
    }
  }
  return counts;
}
