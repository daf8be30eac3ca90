import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection } from '../../core/entities.ts';
import { type Collection, inChunks } from '../../platform/store/document-store.ts';
import type { Activity, Delivery, GroupMembership } from '../campaigns/campaigns.ts';
import type { Digest, FeedforwardNote, MentorFollowUp, OutboxEntry } from '../mentoring/entities.ts';
import type { ShareLink, Supervisor, TrialoogAnswer } from '../sharing/entities.ts';
import type { PulseMark } from '../student-voice/entities.ts';
import type { TalentSignal } from '../talent/entities.ts';
import type { DownloadLinkInfo, PersonalData } from './personal-data.ts';
import {
  type DownloadDoc,
  digestsNaming,
  mentorIdsOf,
  type PersonalDataCollections,
  personalConversationId,
  type Stored,
  unstored,
} from './personal-data-collections.ts';

// The read behind a student's AVG export (right of access): every record that names them, as stored, with
// the names of the mentors, groups and campaigns those records refer to and nothing of other students.

async function namesOf<T extends { id: string }>(
  c: Collection<Stored<T>>,
  schoolId: string,
  wanted: Iterable<string>,
  name: (t: T) => string,
): Promise<Record<string, string>> {
  const list = [...new Set(wanted)];
  const out: Record<string, string> = {};
  for (const chunk of inChunks(list)) {
    for (const doc of await c.find({ pk: schoolId, where: { id: { in: chunk } } })) out[doc.id] = name(doc);
  }
  return out;
}

const downloadInfo = (d: DownloadDoc): DownloadLinkInfo => ({
  id: d.id,
  kind: d.render?.kind ?? 'file',
  formats: d.render?.formats ?? Object.keys(d.files ?? {}),
  createdAt: d.createdAt,
  expiresAt: d.expiresAt,
  ...(d.usedAt ? { usedAt: d.usedAt } : {}),
});

/** Everything stored about the person; undefined when there is no such person. */
export async function collectPersonalData(
  c: PersonalDataCollections,
  schoolId: string,
  personId: string,
): Promise<PersonalData | undefined> {
  const person = await c.people.get(schoolId, personId);
  if (!person) return undefined;
  const [
    assignments,
    conversation,
    reflections,
    mentorItems,
    notes,
    talentSignals,
    followUps,
    outboxTo,
    outboxAbout,
    memberships,
    deliveries,
    activities,
    downloads,
    supervisors,
    shareLinks,
    trialoogAnswers,
    voiceMarks,
  ] = await Promise.all([
    c.assignments.find({ pk: schoolId, where: { studentId: personId } }),
    c.conversations.get(schoolId, personalConversationId(personId)),
    c.reflections.find({ pk: personId, orderBy: { field: 'createdAt' } }),
    c.mentorItems.find({ where: { studentId: personId } }),
    c.notes.find({ pk: personId, orderBy: { field: 'createdAt' } }),
    c.talentSignals.find({ pk: personId, orderBy: { field: 'createdAt' } }),
    c.followUps.find({ where: { studentId: personId } }),
    c.outbox.find({ pk: personId }),
    c.outbox.find({ where: { studentId: personId } }),
    c.members.find({ pk: schoolId, where: { personId } }),
    c.deliveries.find({ pk: schoolId, where: { studentId: personId } }),
    c.activities.find({ pk: schoolId }),
    c.downloads.find({ where: { personId } }),
    c.supervisors.find({ pk: personId }),
    c.shareLinks.find({ where: { studentId: personId } }),
    c.trialoogAnswers.find({ pk: personId }),
    c.voiceMarks.find({ pk: personId }),
  ]);
  const mine = <T extends { schoolId: string }>(list: T[]) => list.filter((x) => x.schoolId === schoolId);
  const outbox = new Map([...outboxTo, ...outboxAbout].map((e) => [`${e.pk}|${e.id}`, e]));
  const digests = await digestsNaming(c, await mentorIdsOf(c, schoolId, [personId]), personId);
  const naming = activities.filter((a) => a.studentIds.includes(personId));
  const mentorIds = [
    ...assignments.map((a) => a.mentorId),
    ...mentorItems.map((i) => i.mentorId),
    ...notes.map((n) => n.mentorId),
    ...talentSignals.map((s) => s.teacherId),
    ...followUps.map((f) => f.mentorId),
    ...digests.map((d) => d.mentorId),
  ];
  const [people, groups, campaigns] = await Promise.all([
    namesOf(c.people, schoolId, mentorIds, (p) => p.name),
    namesOf(
      c.groups,
      schoolId,
      memberships.map((m) => m.groupId),
      (g) => g.name,
    ),
    namesOf(
      c.campaigns,
      schoolId,
      deliveries.map((d) => d.campaignId),
      (k) => k.name,
    ),
  ]);
  return {
    person: unstored(person) as Person,
    assignments: assignments.map(unstored) as MentorAssignment[],
    conversations: conversation ? [unstored(conversation) as ConversationRef] : [],
    reflections: reflections.map(unstored) as Reflection[],
    mentorItems: mine(mentorItems).map(unstored) as MentorItem[],
    notes: mine(notes).map(unstored) as FeedforwardNote[],
    talentSignals: mine(talentSignals).map(unstored) as TalentSignal[],
    followUps: mine(followUps).map(unstored) as MentorFollowUp[],
    outbox: mine([...outbox.values()]).map(unstored) as OutboxEntry[],
    // Only the student's own place in a digest: the other students in it are not theirs to see.
    digests: mine(digests).map((d) => {
      const { order: _o, pages: _p, ...rest } = unstored(d);
      return { ...rest, order: [personId], pages: [[personId]] } as Digest;
    }),
    memberships: memberships.map(unstored) as GroupMembership[],
    deliveries: deliveries.map(unstored) as Delivery[],
    activities: naming.map((a) => ({ ...(unstored(a) as Activity), studentIds: [personId] })),
    downloads: mine(downloads).map(downloadInfo),
    supervisors: mine(supervisors).map(unstored) as Supervisor[],
    shareLinks: mine(shareLinks).map(unstored) as ShareLink[],
    trialoogAnswers: mine(trialoogAnswers).map(unstored) as TrialoogAnswer[],
    pulseMarks: mine(voiceMarks).map(unstored) as PulseMark[],
    names: { people, groups, campaigns },
  };
}
