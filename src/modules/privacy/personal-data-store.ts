import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection } from '../../core/entities.ts';
import {
  type Collection,
  ConflictError,
  createOrGet,
  type Doc,
  type DocumentStore,
  type NewDoc,
  NotFoundError,
  update,
} from '../../platform/store/document-store.ts';
import { type Activity, type Campaign, type Delivery, type Group, type GroupMembership, ids } from '../campaigns/campaigns.ts';
import type { Digest, FeedforwardNote, MentorFollowUp, OutboxEntry } from '../mentoring/entities.ts';
import type { ShareLink, Supervisor, TrialoogAnswer } from '../sharing/entities.ts';
import type { PulseMark } from '../student-voice/entities.ts';
import type { TalentSignal } from '../talent/entities.ts';
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
  isAnonymousId,
} from './anonymise.ts';
import type { DownloadLinkInfo, ErasureCounts, PersonalData, PersonalDataPort, RetentionFacts } from './personal-data.ts';
import { isStudentOnly } from './privacy-service.ts';

// Every collection that can name a student, read and anonymised in one place. The ids below follow the
// repositories that own these collections (repositories.ts, mentoring-repositories.ts,
// campaign-repositories.ts, src/modules/downloads/downloads.ts); the erasure tests scan every collection of
// infra/cosmos-containers.json, so a record this file misses fails them.

type Stored<T> = T & Doc;

interface DownloadDoc extends Doc {
  schoolId: string;
  personId: string;
  createdAt: string;
  expiresAt: string;
  files?: Record<string, unknown>;
  render?: { kind: string; formats: string[] };
  usedAt?: Record<string, string>;
}

const assignmentId = (studentId: string, mentorId: string) => `${studentId}:${mentorId}`;
const followUpId = (studentId: string) => `student:${studentId}`;
const personalConversationId = (personId: string) => `personal:${personId}`;
/** Bounded IN lists: Cosmos DB limits the size of a query. */
const chunkSize = 100;

function unstored<T extends Doc>(doc: T): Omit<T, 'pk' | 'version'> {
  const { pk: _pk, version: _v, ...rest } = doc;
  return rest;
}

function newest(...values: (string | undefined)[]): string | undefined {
  return values.filter((v): v is string => Boolean(v)).reduce<string | undefined>((a, b) => (a && a > b ? a : b), undefined);
}

interface Collections {
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

/** Deletes the current version of a document, whatever happened to it meanwhile; false when it is gone. */
async function deleteCurrent<T extends Doc>(c: Collection<T>, pk: string, id: string): Promise<boolean> {
  for (let attempt = 1; ; attempt++) {
    const doc = await c.get(pk, id);
    if (!doc) return false;
    try {
      await c.delete(doc);
      return true;
    } catch (err) {
      if (err instanceof NotFoundError) return false;
      if (!(err instanceof ConflictError) || attempt >= 5) throw err;
    }
  }
}

/** Writes the anonymous copy (once), then deletes the original: safe to repeat after a crash in between. */
async function move<T extends Doc>(c: Collection<T>, from: T, to: NewDoc<T>): Promise<void> {
  await createOrGet(c, to);
  await deleteCurrent(c, from.pk, from.id);
}

class PersonalDataStore implements PersonalDataPort {
  private readonly c: Collections;
  constructor(c: Collections) {
    this.c = c;
  }

  private async mentorIdsOf(schoolId: string, studentIds: string[]): Promise<string[]> {
    const [assignments, followUps] = await Promise.all([
      this.c.assignments.find({ pk: schoolId, where: { studentId: { in: studentIds } } }),
      this.c.followUps.find({ where: { studentId: { in: studentIds } } }),
    ]);
    return [...new Set([...assignments.map((a) => a.mentorId), ...followUps.map((f) => f.mentorId)])];
  }

  private async digestsNaming(mentorIds: string[], studentId: string): Promise<Stored<Digest>[]> {
    const out: Stored<Digest>[] = [];
    for (const mentorId of mentorIds) {
      for (const d of await this.c.digests.find({ pk: mentorId })) if (d.order.includes(studentId)) out.push(d);
    }
    return out;
  }

  private async names<T extends { id: string }>(
    c: Collection<Stored<T>>,
    schoolId: string,
    wanted: Iterable<string>,
    name: (t: T) => string,
  ): Promise<Record<string, string>> {
    const list = [...new Set(wanted)];
    const out: Record<string, string> = {};
    for (let i = 0; i < list.length; i += chunkSize) {
      for (const doc of await c.find({ pk: schoolId, where: { id: { in: list.slice(i, i + chunkSize) } } }))
        out[doc.id] = name(doc);
    }
    return out;
  }

  async collect(schoolId: string, personId: string): Promise<PersonalData | undefined> {
    const { c } = this;
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
    const digests = await this.digestsNaming(await this.mentorIdsOf(schoolId, [personId]), personId);
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
      this.names(c.people, schoolId, mentorIds, (p) => p.name),
      this.names(
        c.groups,
        schoolId,
        memberships.map((m) => m.groupId),
        (g) => g.name,
      ),
      this.names(
        c.campaigns,
        schoolId,
        deliveries.map((d) => d.campaignId),
        (k) => k.name,
      ),
    ]);
    const toInfo = (d: DownloadDoc): DownloadLinkInfo => ({
      id: d.id,
      kind: d.render?.kind ?? 'file',
      formats: d.render?.formats ?? Object.keys(d.files ?? {}),
      createdAt: d.createdAt,
      expiresAt: d.expiresAt,
      ...(d.usedAt ? { usedAt: d.usedAt } : {}),
    });
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
      downloads: mine(downloads).map(toInfo),
      supervisors: mine(supervisors).map(unstored) as Supervisor[],
      shareLinks: mine(shareLinks).map(unstored) as ShareLink[],
      trialoogAnswers: mine(trialoogAnswers).map(unstored) as TrialoogAnswer[],
      pulseMarks: mine(voiceMarks).map(unstored) as PulseMark[],
      names: { people, groups, campaigns },
    };
  }

  async anonymise(input: { schoolId: string; personId: string; anonId: string; at: string }): Promise<ErasureCounts> {
    const { c } = this;
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
    for (const d of await this.digestsNaming(await this.mentorIdsOf(schoolId, [sid, aid]), sid)) {
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

  async retentionFacts(schoolId: string): Promise<RetentionFacts[]> {
    const { c } = this;
    const [people, assignments, memberships] = await Promise.all([
      c.people.find({ pk: schoolId }),
      c.assignments.find({ pk: schoolId }),
      c.members.find({ pk: schoolId }),
    ]);
    const relations = new Map<string, { active: boolean; last?: string }>();
    const note = (id: string, active: boolean, ...times: (string | undefined)[]) => {
      const r = relations.get(id) ?? { active: false };
      relations.set(id, { active: r.active || active, ...(newest(r.last, ...times) ? { last: newest(r.last, ...times)! } : {}) });
    };
    for (const a of assignments) note(a.studentId, a.active, a.since, a.endedAt);
    for (const m of memberships) note(m.personId, m.active, m.since, m.endedAt);
    const out: RetentionFacts[] = [];
    for (const person of people) {
      if (person.erasedAt || isAnonymousId(person.id) || !isStudentOnly(person)) continue;
      const rel = relations.get(person.id) ?? { active: false };
      const facts: RetentionFacts = {
        person: unstored(person) as Person,
        active: rel.active,
        ...(rel.last ? { lastRelationAt: rel.last } : {}),
      };
      // Reflections matter only for someone who may have left: skip the read for everyone else.
      if (!rel.active || person.leftAt) {
        const last = newest(...(await c.reflections.find({ pk: person.id })).flatMap((r) => [r.createdAt, r.submittedAt]));
        if (last) facts.lastReflectionAt = last;
      }
      out.push(facts);
    }
    return out;
  }

  async endAnonymousRelations(schoolId: string, before: string, at: string): Promise<number> {
    const { c } = this;
    const standIns = (await c.people.find({ pk: schoolId })).filter((p) => p.erasedAt && p.erasedAt < before).map((p) => p.id);
    let ended = 0;
    for (let i = 0; i < standIns.length; i += chunkSize) {
      const chunk = standIns.slice(i, i + chunkSize);
      const [assignments, memberships] = await Promise.all([
        c.assignments.find({ pk: schoolId, where: { studentId: { in: chunk }, active: true } }),
        c.members.find({ pk: schoolId, where: { personId: { in: chunk }, active: true } }),
      ]);
      for (const a of assignments) {
        await update(c.assignments, schoolId, a.id, (cur) => (cur.active ? { ...cur, active: false, endedAt: at } : undefined));
        ended++;
      }
      for (const m of memberships) {
        await update(c.members, schoolId, m.id, (cur) => (cur.active ? { ...cur, active: false, endedAt: at } : undefined));
        ended++;
      }
    }
    return ended;
  }
}

/** The collection behind each name; opened after their owners (the bot and the CLI open those first). */
const collectionNames: Record<keyof Collections, string> = {
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

/** The personal-data adapter of a store (the privacy module's setup opens it once). */
export async function openPersonalDataStore(store: DocumentStore): Promise<PersonalDataPort> {
  const opened = await Promise.all(
    Object.entries(collectionNames).map(async ([key, name]) => [key, await store.collection({ name, indexes: [] })] as const),
  );
  return new PersonalDataStore(Object.fromEntries(opened) as unknown as Collections);
}
