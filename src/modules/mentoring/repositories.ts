import type { Person, Reflection } from '../../core/entities.ts';
import type { Mutate, Repositories } from '../../core/ports.ts';
import {
  type Collection,
  createOrGet,
  type DocumentStore,
  type Stored,
  stored,
  update,
} from '../../platform/store/document-store.ts';
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
  private readonly c: Collection<Stored<MentorSettings>>;
  constructor(c: Collection<Stored<MentorSettings>>) {
    this.c = c;
  }
  get(mentorId: string) {
    return this.c.get(mentorId, 'settings');
  }
  async ensure(schoolId: string, mentorId: string, now: string) {
    const { doc } = await createOrGet(this.c, {
      id: 'settings',
      pk: mentorId,
      schoolId,
      mentorId,
      ...defaultDigestSettings,
      updatedAt: now,
    });
    return doc;
  }
  update(mentorId: string, mutate: Mutate<MentorSettings>) {
    return update(this.c, mentorId, 'settings', stored(mutate));
  }
}

class Digests implements DigestRepository {
  private readonly c: Collection<Stored<Digest>>;
  constructor(c: Collection<Stored<Digest>>) {
    this.c = c;
  }
  async ensure(digest: Omit<Digest, 'version'>) {
    const { doc, created } = await createOrGet(this.c, { ...digest, pk: digest.mentorId });
    return { digest: doc, created };
  }
  get(mentorId: string, id: string) {
    return this.c.get(mentorId, id);
  }
  update(mentorId: string, id: string, mutate: Mutate<Digest>) {
    return update(this.c, mentorId, id, stored(mutate));
  }
}

class MentorFollowUps implements MentorFollowUpRepository {
  private readonly c: Collection<Stored<MentorFollowUp>>;
  constructor(c: Collection<Stored<MentorFollowUp>>) {
    this.c = c;
  }
  private static id(studentId: string) {
    return `student:${studentId}`;
  }
  get(mentorId: string, studentId: string) {
    return this.c.get(mentorId, MentorFollowUps.id(studentId));
  }
  listByMentor(mentorId: string) {
    return this.c.find({ pk: mentorId });
  }
  listByStudent(studentId: string) {
    return this.c.find({ where: { studentId } });
  }
  async upsert(key: { schoolId: string; mentorId: string; studentId: string }, mutate: Mutate<MentorFollowUp>) {
    const id = MentorFollowUps.id(key.studentId);
    await createOrGet(this.c, {
      id,
      pk: key.mentorId,
      ...key,
      discussions: [],
      notesSent: 0,
      updatedAt: new Date(0).toISOString(),
    });
    return update(this.c, key.mentorId, id, stored(mutate));
  }
}

class Notes implements NoteRepository {
  private readonly c: Collection<Stored<FeedforwardNote>>;
  constructor(c: Collection<Stored<FeedforwardNote>>) {
    this.c = c;
  }
  create(note: Omit<FeedforwardNote, 'version'>) {
    return this.c.create({ ...note, pk: note.studentId });
  }
  get(studentId: string, id: string) {
    return this.c.get(studentId, id);
  }
  update(studentId: string, id: string, mutate: Mutate<FeedforwardNote>) {
    return update(this.c, studentId, id, stored(mutate));
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
    // Bounded IN lists: Cosmos DB limits the size of a query.
    for (let i = 0; i < ids.length; i += 100) {
      out.push(...(await this.c.find({ where: { studentId: { in: ids.slice(i, i + 100) }, repliedAt } })));
    }
    return out;
  }
}

class Outbox implements OutboxRepository {
  private readonly c: Collection<Stored<OutboxEntry>>;
  constructor(c: Collection<Stored<OutboxEntry>>) {
    this.c = c;
  }
  async ensure(entry: Omit<OutboxEntry, 'version'>) {
    const { doc, created } = await createOrGet(this.c, { ...entry, pk: entry.recipientId });
    return { entry: doc, created };
  }
  get(recipientId: string, id: string) {
    return this.c.get(recipientId, id);
  }
  update(recipientId: string, id: string, mutate: Mutate<OutboxEntry>) {
    return update(this.c, recipientId, id, stored(mutate));
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
  private assigned: Promise<ReadonlySet<string>> | undefined;
  constructor(repos: Repositories, schoolId: string, mentorId: string) {
    this.repos = repos;
    this.schoolId = schoolId;
    this.mentorId = mentorId;
  }
  studentIds(): Promise<ReadonlySet<string>> {
    this.assigned ??= this.repos.assignments
      .activeStudentsOf(this.schoolId, this.mentorId)
      .then((list) => new Set(list.filter((a) => a.mentorId === this.mentorId && a.active).map((a) => a.studentId)));
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
    // Bounded IN lists: Cosmos DB limits the size of a query.
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += 100) chunks.push(ids.slice(i, i + 100));
    return chunks;
  }
  async students(studentIds: readonly string[]): Promise<Map<string, Person>> {
    const out = new Map<string, Person>();
    for (const chunk of await this.own(studentIds)) {
      for (const p of await this.repos.people.getMany(this.schoolId, chunk)) if (!p.erasedAt) out.set(p.id, p);
    }
    return out;
  }
  async reflectionsOf(studentIds: readonly string[]): Promise<Map<string, Reflection[]>> {
    const out = new Map<string, Reflection[]>();
    for (const chunk of await this.own(studentIds)) {
      const allowed = new Set(chunk);
      for (const r of await this.repos.reflections.listByStudents(chunk)) {
        if (r.status !== 'submitted' || !allowed.has(r.studentId)) continue;
        const list = out.get(r.studentId) ?? [];
        if (list.length === 0) out.set(r.studentId, list);
        list.push(r);
      }
    }
    for (const list of out.values()) list.sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0));
    return out;
  }
}

export async function openMentoringRepositories(store: DocumentStore, repos: Repositories): Promise<MentoringRepositories> {
  const [settings, digests, followUps, notes, outbox] = await Promise.all([
    store.collection<Stored<MentorSettings>>({ name: 'mentor_settings', indexes: [] }),
    store.collection<Stored<Digest>>({ name: 'mentor_digests', indexes: [] }),
    store.collection<Stored<MentorFollowUp>>({ name: 'mentor_followups', indexes: [] }),
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
