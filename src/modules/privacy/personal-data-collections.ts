import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection } from '../../core/entities.ts';
import type { Collection, Doc, DocumentStore, Stored } from '../../platform/store/document-store.ts';
import type { Activity, Campaign, Delivery, Group, GroupMembership } from '../campaigns/campaigns.ts';
import type { Digest, FeedforwardNote, MentorFollowUp, OutboxEntry } from '../mentoring/entities.ts';
import type { ShareLink, Supervisor, TrialoogAnswer } from '../sharing/entities.ts';
import type { PulseMark } from '../student-voice/entities.ts';
import type { TalentSignal } from '../talent/entities.ts';

// Every collection that can name a student, opened in one place for the export read
// (personal-data-collect.ts), the erasure (personal-data-erasure.ts) and retention (retention-store.ts). The
// ids below follow the repositories that own these collections (repositories.ts, mentoring-repositories.ts,
// campaign-repositories.ts, src/modules/downloads/downloads.ts); the erasure tests scan every collection of
// infra/cosmos-containers.json, so a record these files miss fails them.

export type { Stored };

export interface DownloadDoc extends Doc {
  schoolId: string;
  personId: string;
  createdAt: string;
  expiresAt: string;
  files?: Record<string, unknown>;
  render?: { kind: string; formats: string[] };
  usedAt?: Record<string, string>;
}

export interface PersonalDataCollections {
  people: Collection<Stored<Person>>;
  assignments: Collection<Stored<MentorAssignment>>;
  conversations: Collection<Stored<ConversationRef>>;
  reflections: Collection<Stored<Reflection>>;
  mentorItems: Collection<Stored<MentorItem>>;
  notes: Collection<Stored<FeedforwardNote>>;
  talentSignals: Collection<Stored<TalentSignal>>;
  voiceMarks: Collection<Stored<PulseMark>>;
  followUps: Collection<Stored<MentorFollowUp>>;
  outbox: Collection<Stored<OutboxEntry>>;
  digests: Collection<Stored<Digest>>;
  groups: Collection<Stored<Group>>;
  members: Collection<Stored<GroupMembership>>;
  campaigns: Collection<Stored<Campaign>>;
  deliveries: Collection<Stored<Delivery>>;
  activities: Collection<Stored<Activity>>;
  downloads: Collection<DownloadDoc>;
  supervisors: Collection<Stored<Supervisor>>;
  shareLinks: Collection<Stored<ShareLink>>;
  trialoogAnswers: Collection<Stored<TrialoogAnswer>>;
}

/** The collection behind each name; opened after their owners (the bot and the CLI open those first). */
const collectionNames: Record<keyof PersonalDataCollections, string> = {
  people: 'people',
  assignments: 'assignments',
  conversations: 'conversations',
  reflections: 'reflections',
  mentorItems: 'mentor_items',
  notes: 'feedforward_notes',
  talentSignals: 'talent_signals',
  voiceMarks: 'voice_marks',
  followUps: 'mentor_followups',
  outbox: 'mentoring_outbox',
  digests: 'mentor_digests',
  groups: 'groups',
  members: 'group_members',
  campaigns: 'campaigns',
  deliveries: 'deliveries',
  activities: 'activities',
  downloads: 'downloads',
  supervisors: 'supervisors',
  shareLinks: 'share_links',
  trialoogAnswers: 'trialoog_answers',
};

export async function openPersonalDataCollections(store: DocumentStore): Promise<PersonalDataCollections> {
  const opened = await Promise.all(
    Object.entries(collectionNames).map(async ([key, name]) => [key, await store.collection({ name, indexes: [] })] as const),
  );
  return Object.fromEntries(opened) as unknown as PersonalDataCollections;
}

export const personalConversationId = (personId: string) => `personal:${personId}`;

export function unstored<T extends Doc>(doc: T): Omit<T, 'pk' | 'version'> {
  const { pk: _pk, version: _v, ...rest } = doc;
  return rest;
}

/** The mentors whose digests can name these students: assigned ones and those who followed them up. */
export async function mentorIdsOf(c: PersonalDataCollections, schoolId: string, studentIds: string[]): Promise<string[]> {
  const [assignments, followUps] = await Promise.all([
    c.assignments.find({ pk: schoolId, where: { studentId: { in: studentIds } } }),
    c.followUps.find({ where: { studentId: { in: studentIds } } }),
  ]);
  return [...new Set([...assignments.map((a) => a.mentorId), ...followUps.map((f) => f.mentorId)])];
}

export async function digestsNaming(
  c: PersonalDataCollections,
  mentorIds: string[],
  studentId: string,
): Promise<Stored<Digest>[]> {
  const out: Stored<Digest>[] = [];
  for (const mentorId of mentorIds) {
    for (const d of await c.digests.find({ pk: mentorId })) if (d.order.includes(studentId)) out.push(d);
  }
  return out;
}
