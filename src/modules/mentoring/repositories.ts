import type { Person, Reflection } from '../../core/entities.ts';
import type { AssignmentHead, Mutate, PersonName, ReflectionHead, Repositories } from '../../core/ports.ts';
import {
  type Collection,
  type DocumentStore,
  deleteCurrent,
  inChunks,
  type Stored,
} from '../../platform/store/document-store.ts';
import { Partitioned } from '../../platform/store/partitioned.ts';
import {
  type Digest,
  defaultDigestSettings,
  type FeedforwardNote,
  type MentorFollowUp,
  type MentorSettings,
  type OutboxEntry,
} from './entities.ts';
import type {
  DigestRepository,
  MentorFollowUpRepository,
  MentoringRepositories,
  MentorScope,
  MentorSettingsRepository,
  NoteRepository,
  OutboxRepository,
} from './ports.ts';

// The mentor side's collections. Partition keys follow who the data belongs to: the mentor (settings,
// digests, follow-ups), the student (feedforward notes: they are the student's), the recipient (outbox).

class Settings implements MentorSettingsRepository {
  private readonly docs: Partitioned<MentorSettings>;
  constructor(c: Collection<Stored<MentorSettings>>) {
    this.docs = new Partitioned(c, (s) => s.mentorId);
  }
  get(mentorId: string) {
    return this.docs.get(mentorId, 'settings');
  }
  async ensure(schoolId: string, mentorId: string, now: string) {
    const { doc } = await this.docs.ensure({ id: 'settings', schoolId, mentorId, ...defaultDigestSettings, updatedAt: now });
    return doc;
  }
  update(mentorId: string, mutate: Mutate<MentorSettings>, known?: MentorSettings) {
    return this.docs.update(mentorId, 'settings', mutate, known);
  }
}

class Digests implements DigestRepository {
  private readonly docs: Partitioned<Digest>;
  constructor(c: Collection<Stored<Digest>>) {
    this.docs = new Partitioned(c, (d) => d.mentorId);
  }
  async ensure(digest: Omit<Digest, 'version'>) {
    const { doc, created } = await this.docs.ensure(digest);
    return { digest: doc, created };
  }
  get(mentorId: string, id: string) {
    return this.docs.get(mentorId, id);
  }
  update(mentorId: string, id: string, mutate: Mutate<Digest>, known?: Digest) {
    return this.docs.update(mentorId, id, mutate, known);
  }
}

class MentorFollowUps implements MentorFollowUpRepository {
  private readonly docs: Partitioned<MentorFollowUp>;
  constructor(c: Collection<Stored<MentorFollowUp>>) {
    this.docs = new Partitioned(c, (f) => f.mentorId);
  }
  private static id(studentId: string) {
    return `student:${studentId}`;
  }
  get(mentorId: string, studentId: string) {
    return this.docs.get(mentorId, MentorFollowUps.id(studentId));
  }
  async listByMentor(mentorId: string, studentIds?: readonly string[]) {
    if (!studentIds) return this.docs.collection.find({ pk: mentorId });
    const out: MentorFollowUp[] = [];
    const ids = [...new Set(studentIds)];
    // Bounded IN lists: Cosmos DB limits the size of a query.
    for (let i = 0; i < ids.length; i += 100) {
      out.push(...(await this.docs.collection.find({ pk: mentorId, where: { studentId: { in: ids.slice(i, i + 100) } } })));
    }
    return out;
  }
  listByStudent(studentId: string) {
    return this.docs.collection.find({ where: { studentId } });
  }
  async upsert(key: { schoolId: string; mentorId: string; studentId: string }, mutate: Mutate<MentorFollowUp>) {
    const id = MentorFollowUps.id(key.studentId);
    await this.docs.ensure({ id, ...key, discussions: [], notesSent: 0, updatedAt: new Date(0).toISOString() });
    return this.docs.update(key.mentorId, id, mutate);
  }
}

class Notes implements NoteRepository {
  private readonly docs: Partitioned<FeedforwardNote>;
  private readonly c: Collection<Stored<FeedforwardNote>>;
  constructor(c: Collection<Stored<FeedforwardNote>>) {
    this.c = c;
    this.docs = new Partitioned(c, (n) => n.studentId);
  }
  create(note: Omit<FeedforwardNote, 'version'>) {
    return this.docs.create(note);
  }
  get(studentId: string, id: string) {
    return this.docs.get(studentId, id);
  }
  delete(note: Pick<FeedforwardNote, 'studentId' | 'id'>) {
    return deleteCurrent(this.c, note.studentId, note.id);
  }
  update(studentId: string, id: string, mutate: Mutate<FeedforwardNote>) {
    return this.docs.update(studentId, id, mutate);
  }
  listByStudent(studentId: string) {
    return this.c.find({ pk: studentId, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  listByReflection(studentId: string, reflectionId: string) {
    return this.c.find({ pk: studentId, where: { reflectionId }, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  async listRepliedBetween(studentIds: readonly string[], from: string | undefined, to: string) {
    const out: FeedforwardNote[] = [];
    const repliedAt = from ? { gt: from, lte: to } : { lte: to };
    const ids = [...new Set(studentIds)];
    for (const chunk of inChunks(ids)) {
      out.push(...(await this.c.find({ where: { studentId: { in: chunk }, repliedAt } })));
    }
    return out;
  }
}

class Outbox implements OutboxRepository {
  private readonly docs: Partitioned<OutboxEntry>;
  private readonly c: Collection<Stored<OutboxEntry>>;
  constructor(c: Collection<Stored<OutboxEntry>>) {
    this.c = c;
    this.docs = new Partitioned(c, (e) => e.recipientId);
  }
  async ensure(entry: Omit<OutboxEntry, 'version'>) {
    const { doc, created } = await this.docs.ensure(entry);
    return { entry: doc, created };
  }
  get(recipientId: string, id: string) {
    return this.docs.get(recipientId, id);
  }
  update(recipientId: string, id: string, mutate: Mutate<OutboxEntry>) {
    return this.docs.update(recipientId, id, mutate);
  }
  listAbout(recipientId: string, kind: OutboxEntry['kind'], studentId: string) {
    return this.c.find({ pk: recipientId, where: { kind, studentId }, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  listDue(now: string, limit = 200) {
    return this.c.find({
      where: { state: 'pending', notBefore: { lte: now } },
      orderBy: { field: 'notBefore', direction: 'asc' },
      limit,
    });
  }
}

/**
 * Reads for one mentor. The assignment query names the mentor, and a student's data is read only after
 * that query says the student is the mentor's, so a caller cannot reach another mentor's student here.
 */
class Scope implements MentorScope {
  readonly schoolId: string;
  readonly mentorId: string;
  private readonly repos: Repositories;
  private assignmentHeads: Promise<readonly AssignmentHead[]> | undefined;
  private assigned: Promise<ReadonlySet<string>> | undefined;
  /** Students read through this scope (undefined: asked for, not found). Only the mentor's own get here. */
  private readonly people = new Map<string, Person | undefined>();
  /** Students' names read through this scope (undefined: asked for, not found). */
  private readonly knownNames = new Map<string, PersonName | undefined>();
  constructor(repos: Repositories, schoolId: string, mentorId: string) {
    this.repos = repos;
    this.schoolId = schoolId;
    this.mentorId = mentorId;
  }
  assignments(): Promise<readonly AssignmentHead[]> {
    this.assignmentHeads ??= this.repos.assignments.activeStudentHeadsOf(this.schoolId, this.mentorId);
    return this.assignmentHeads;
  }
  studentIds(): Promise<ReadonlySet<string>> {
    this.assigned ??= this.assignments().then(
      (list) => new Set(list.filter((a) => a.mentorId === this.mentorId && a.active).map((a) => a.studentId)),
    );
    return this.assigned;
  }
  async student(studentId: string): Promise<Person | undefined> {
    if (!(await this.studentIds()).has(studentId)) return undefined;
    const person = await this.repos.people.get(this.schoolId, studentId);
    // An erased student's anonymous stand-in keeps the mentor's figures right, but is nobody to show.
    return person?.erasedAt ? undefined : person;
  }
  async reflections(studentId: string): Promise<Reflection[]> {
    if (!(await this.studentIds()).has(studentId)) return [];
    const all = await this.repos.reflections.listByStudent(studentId);
    return all.filter((r) => r.status === 'submitted' && r.studentId === studentId);
  }
  private async own(studentIds: readonly string[]): Promise<string[][]> {
    const own = await this.studentIds();
    const ids = [...new Set(studentIds)].filter((id) => own.has(id));
    return inChunks(ids);
  }
  async students(studentIds: readonly string[]): Promise<Map<string, Person>> {
    // A scope lives for one view or one digest: a student read once (to rank them) is not read again.
    const missing = studentIds.filter((id) => !this.people.has(id));
    for (const chunk of await this.own(missing)) {
      const found = new Map((await this.repos.people.getMany(this.schoolId, chunk)).map((p) => [p.id, p]));
      for (const id of chunk) this.people.set(id, found.get(id));
    }
    const out = new Map<string, Person>();
    for (const id of studentIds) {
      const p = this.people.get(id);
      if (p && !p.erasedAt) out.set(id, p);
    }
    return out;
  }
  reflectionsOf(studentIds: readonly string[]): Promise<Map<string, Reflection[]>> {
    return this.submittedOf(studentIds, (chunk) => this.repos.reflections.listByStudents(chunk));
  }
  reflectionHeadsOf(studentIds: readonly string[]): Promise<Map<string, ReflectionHead[]>> {
    return this.submittedOf(studentIds, (chunk) => this.repos.reflections.headsOfStudents(chunk));
  }
  private async submittedOf<R extends ReflectionHead>(
    studentIds: readonly string[],
    read: (chunk: string[]) => Promise<R[]>,
  ): Promise<Map<string, R[]>> {
    const out = new Map<string, R[]>();
    for (const chunk of await this.own(studentIds)) {
      const allowed = new Set(chunk);
      for (const r of await read(chunk)) {
        if (r.status !== 'submitted' || !allowed.has(r.studentId)) continue;
        const list = out.get(r.studentId) ?? [];
        if (list.length === 0) out.set(r.studentId, list);
        list.push(r);
      }
    }
    for (const list of out.values()) list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return out;
  }
  async wholeReflections(heads: readonly Pick<ReflectionHead, 'id' | 'studentId'>[]): Promise<Map<string, Reflection>> {
    const out = new Map<string, Reflection>();
    for (const chunk of await this.own(heads.map((h) => h.studentId))) {
      const allowed = new Set(chunk);
      const ids = heads.filter((h) => allowed.has(h.studentId)).map((h) => h.id);
      for (let i = 0; i < ids.length; i += 100) {
        for (const r of await this.repos.reflections.getMany(chunk, ids.slice(i, i + 100))) {
          if (r.status === 'submitted' && allowed.has(r.studentId)) out.set(r.id, r);
        }
      }
    }
    return out;
  }
  async names(studentIds: readonly string[]): Promise<Map<string, PersonName>> {
    const missing = studentIds.filter((id) => !this.knownNames.has(id) && !this.people.has(id));
    for (const chunk of await this.own(missing)) {
      const found = new Map((await this.repos.people.namesOf(this.schoolId, chunk)).map((p) => [p.id, p]));
      for (const id of chunk) this.knownNames.set(id, found.get(id));
    }
    const out = new Map<string, PersonName>();
    for (const id of studentIds) {
      const p = this.knownNames.get(id) ?? this.people.get(id);
      if (p && !p.erasedAt) out.set(id, { id: p.id, name: p.name });
    }
    return out;
  }
}

export async function openMentoringRepositories(store: DocumentStore, repos: Repositories): Promise<MentoringRepositories> {
  const [settings, digests, followUps, notes, outbox] = await Promise.all([
    store.collection<Stored<MentorSettings>>({ name: 'mentor_settings', indexes: [] }),
    store.collection<Stored<Digest>>({ name: 'mentor_digests', indexes: [] }),
    // studentId: a student's meeting calendar (a feed that calendar apps poll) reads their follow-ups
    // across mentors' partitions; without the index every poll read every pair of the school.
    store.collection<Stored<MentorFollowUp>>({ name: 'mentor_followups', indexes: ['studentId'] }),
    store.collection<Stored<FeedforwardNote>>({ name: 'feedforward_notes', indexes: ['createdAt', 'reflectionId', 'repliedAt'] }),
    store.collection<Stored<OutboxEntry>>({ name: 'mentoring_outbox', indexes: ['state', 'notBefore'] }),
  ]);
  return {
    settings: new Settings(settings),
    digests: new Digests(digests),
    followUps: new MentorFollowUps(followUps),
    notes: new Notes(notes),
    outbox: new Outbox(outbox),
    scope: (schoolId, mentorId) => new Scope(repos, schoolId, mentorId),
  };
}
