import {
  type Collection,
  createOrGet,
  type Doc,
  type DocumentStore,
  project,
  update,
  type Write,
  writeAll,
} from '../platform/store/document-store.ts';
import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection, School } from './entities.ts';
import type {
  AssignmentRepository,
  ConversationRepository,
  MentorItemRepository,
  Mutate,
  PersonRepository,
  ReflectionRepository,
  Repositories,
  SchoolRepository,
} from './ports.ts';
import { normalizeEmail, type Role } from './types.ts';

// Repositories are written once over the DocumentStore contract; the partition key of each collection
// follows its main access path: per school (people, assignments, conversations), per student
// (reflections) and per mentor (the mentor's items).

type Stored<T> = T & Doc;

/** Cosmos ids may not contain / \ ? #; Teams ids may. */
export function safeId(raw: string): string {
  return raw.replace(/[/\\?#]/g, '_');
}

/** update() restores id, pk and version after the mutation, so a domain-level mutation is safe here. */
function stored<T>(mutate: Mutate<T>): Mutate<Stored<T>> {
  return (current) => mutate(current) as Stored<T> | undefined;
}

function withPk<T extends { id: string }>(entity: T, pk: string): Stored<T> {
  return { ...entity, pk } as Stored<T>;
}

class Schools implements SchoolRepository {
  private readonly c: Collection<Stored<School>>;
  constructor(c: Collection<Stored<School>>) {
    this.c = c;
  }
  get(id: string) {
    return this.c.get(id, id);
  }
  list() {
    return this.c.find();
  }
  async ensure(school: Omit<School, 'version'>) {
    return (await createOrGet(this.c, withPk(school, school.id))).doc;
  }
  update(id: string, mutate: Mutate<School>) {
    return update(this.c, id, id, stored(mutate));
  }
}

class People implements PersonRepository {
  private readonly c: Collection<Stored<Person>>;
  constructor(c: Collection<Stored<Person>>) {
    this.c = c;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  async getMany(schoolId: string, ids: readonly string[]) {
    return ids.length ? this.c.find({ pk: schoolId, where: { id: { in: ids } } }) : [];
  }
  private async one(schoolId: string, field: string, value: string) {
    const [found] = await this.c.find({ pk: schoolId, where: { [field]: value }, limit: 1 });
    return found;
  }
  findByEmail(schoolId: string, email: string) {
    return this.one(schoolId, 'email', normalizeEmail(email));
  }
  findByEntraObjectId(schoolId: string, entraObjectId: string) {
    return this.one(schoolId, 'entraObjectId', entraObjectId);
  }
  findByTeamsUserId(schoolId: string, teamsUserId: string) {
    return this.one(schoolId, 'teamsUserId', teamsUserId);
  }
  async listByRole(schoolId: string, role: Role) {
    return (await this.c.find({ pk: schoolId })).filter((p) => p.roles.includes(role));
  }
  async idsByRole(schoolId: string, role: Role) {
    // Roles are a list, which the store's conditions cannot look into: the roles of everyone are read.
    return (await project(this.c, ['roles'], { pk: schoolId })).filter((p) => p.roles?.includes(role)).map((p) => p.id);
  }
  async namesOf(schoolId: string, ids: readonly string[]) {
    return ids.length ? project(this.c, ['name', 'erasedAt'], { pk: schoolId, where: { id: { in: ids } } }) : [];
  }
  create(person: Omit<Person, 'version'>) {
    // Whoever creates a person, the address is stored in the one form lookups use.
    const email = person.email === undefined ? {} : { email: normalizeEmail(person.email) };
    return this.c.create(withPk({ ...person, ...email }, person.schoolId));
  }
  update(schoolId: string, id: string, mutate: Mutate<Person>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
}

class Assignments implements AssignmentRepository {
  private readonly c: Collection<Stored<MentorAssignment>>;
  constructor(c: Collection<Stored<MentorAssignment>>) {
    this.c = c;
  }
  private static id(studentId: string, mentorId: string) {
    return `${studentId}:${mentorId}`;
  }
  activeMentorsOf(schoolId: string, studentId: string) {
    return this.c.find({ pk: schoolId, where: { studentId, active: true } });
  }
  activeStudentsOf(schoolId: string, mentorId: string) {
    return this.c.find({ pk: schoolId, where: { mentorId, active: true } });
  }
  activeStudentHeadsOf(schoolId: string, mentorId: string) {
    return project(this.c, ['schoolId', 'studentId', 'mentorId', 'active'], { pk: schoolId, where: { mentorId, active: true } });
  }
  get(schoolId: string, studentId: string, mentorId: string) {
    return this.c.get(schoolId, Assignments.id(studentId, mentorId));
  }
  async assign(schoolId: string, studentId: string, mentorId: string, at: string) {
    const id = Assignments.id(studentId, mentorId);
    const { doc, created } = await createOrGet(this.c, {
      id,
      pk: schoolId,
      schoolId,
      studentId,
      mentorId,
      active: true,
      since: at,
    });
    if (created) return { assignment: doc, changed: true };
    if (doc.active) return { assignment: doc, changed: false };
    const reactivated = await update(this.c, schoolId, id, (a) =>
      a.active ? undefined : { ...a, active: true, since: at, endedAt: undefined },
    );
    return { assignment: reactivated, changed: true };
  }
  async end(schoolId: string, studentId: string, mentorId: string, at: string) {
    const id = Assignments.id(studentId, mentorId);
    if (!(await this.c.get(schoolId, id))) return;
    await update(this.c, schoolId, id, (a) => (a.active ? { ...a, active: false, endedAt: at } : undefined));
  }
}

class Conversations implements ConversationRepository {
  private readonly c: Collection<Stored<ConversationRef>>;
  constructor(c: Collection<Stored<ConversationRef>>) {
    this.c = c;
  }
  static idFor(ref: Pick<ConversationRef, 'kind' | 'personId' | 'teamId'>): string {
    if (ref.kind === 'personal' && ref.personId) return `personal:${ref.personId}`;
    if (ref.kind === 'team' && ref.teamId) return safeId(`team:${ref.teamId}`);
    throw new Error('a conversation reference needs a personId (personal) or a teamId (team)');
  }
  personal(schoolId: string, personId: string) {
    return this.c.get(schoolId, `personal:${personId}`);
  }
  team(schoolId: string, teamId: string) {
    return this.c.get(schoolId, safeId(`team:${teamId}`));
  }
  teams(schoolId: string) {
    return this.c.find({ pk: schoolId, where: { kind: 'team' } });
  }
  async save(ref: Omit<ConversationRef, 'version' | 'id'>) {
    const id = Conversations.idFor(ref);
    const { doc, created } = await createOrGet(this.c, withPk({ ...ref, id }, ref.schoolId));
    if (created) return doc;
    return update(this.c, ref.schoolId, id, (current) => ({ ...current, ...ref, id, uninstalledAt: ref.uninstalledAt }));
  }
  update(schoolId: string, id: string, mutate: Mutate<ConversationRef>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
}

const reflectionHead = [
  'studentId',
  'status',
  'flowId',
  'createdAt',
  'submittedAt',
  'emotion',
  'emotionWord',
  'kernwoord',
  'wantsToTalk',
  'signals',
  'followUp',
] as const;

class Reflections implements ReflectionRepository {
  private readonly c: Collection<Stored<Reflection>>;
  private readonly store: DocumentStore;
  private readonly items: Collection<Stored<MentorItem>>;
  constructor(c: Collection<Stored<Reflection>>, store: DocumentStore, items: Collection<Stored<MentorItem>>) {
    this.c = c;
    this.store = store;
    this.items = items;
  }
  async saveRouted(reflection: Reflection, items: readonly Omit<MentorItem, 'version'>[]) {
    // Items first: their ids derive from the reflection's, so where the writes are not one transaction a
    // retry creates what is missing, and the reflection's version-checked write decides who answered.
    const writes: Write[] = items.map((item) => ({
      kind: 'create',
      collection: this.items as unknown as Collection<Doc>,
      doc: withPk(item, item.mentorId),
      ifAbsent: true,
    }));
    const { version, ...rest } = reflection;
    const doc = withPk(rest, reflection.studentId);
    const self = this.c as unknown as Collection<Doc>;
    writes.push(
      version === 0 ? { kind: 'create', collection: self, doc } : { kind: 'replace', collection: self, doc: { ...doc, version } },
    );
    const written = await writeAll(this.store, writes);
    return {
      reflection: written.at(-1) as unknown as Reflection,
      items: written.slice(0, -1) as unknown as (MentorItem | undefined)[],
    };
  }
  create(reflection: Omit<Reflection, 'version'>) {
    return this.c.create(withPk(reflection, reflection.studentId));
  }
  get(studentId: string, id: string) {
    return this.c.get(studentId, id);
  }
  async findAnywhere(id: string) {
    const [found] = await this.c.find({ where: { id }, limit: 1 });
    return found;
  }
  update(studentId: string, id: string, mutate: Mutate<Reflection>) {
    return update(this.c, studentId, id, stored(mutate));
  }
  async listByStudent(studentId: string) {
    return this.c.find({ pk: studentId, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  async listByStudents(studentIds: readonly string[]) {
    return studentIds.length ? this.c.find({ where: { pk: { in: studentIds } } }) : [];
  }
  async headsOfStudents(studentIds: readonly string[]) {
    if (!studentIds.length) return [];
    return project(this.c, reflectionHead, { where: { pk: { in: studentIds } } });
  }
  async getMany(studentIds: readonly string[], ids: readonly string[]) {
    return studentIds.length && ids.length ? this.c.find({ where: { pk: { in: studentIds }, id: { in: ids } } }) : [];
  }
  listByRouting(routing: Reflection['routing'][]) {
    return this.c.find({ where: { routing: { in: routing } } });
  }
  listFollowUpsDue(until: string) {
    return this.c.find({ where: { followUpDueAt: { lte: until } }, orderBy: { field: 'followUpDueAt' }, limit: 500 });
  }
  async listTaggedBefore(rule: number) {
    // A missing field matches neither a range nor `ne` on both backends: ask for the unversioned ones apart.
    const [unversioned, older] = await Promise.all([
      this.c.find({ where: { status: 'submitted', taggingRule: null } }),
      this.c.find({ where: { status: 'submitted', taggingRule: { lt: rule } } }),
    ]);
    return [...unversioned, ...older];
  }
}

class MentorItems implements MentorItemRepository {
  private readonly c: Collection<Stored<MentorItem>>;
  constructor(c: Collection<Stored<MentorItem>>) {
    this.c = c;
  }
  async ensure(item: Omit<MentorItem, 'version'>) {
    const { doc, created } = await createOrGet(this.c, withPk(item, item.mentorId));
    return { item: doc, created };
  }
  get(mentorId: string, id: string) {
    return this.c.get(mentorId, id);
  }
  update(mentorId: string, id: string, mutate: Mutate<MentorItem>) {
    return update(this.c, mentorId, id, stored(mutate));
  }
  listByMentor(mentorId: string) {
    return this.c.find({ pk: mentorId, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  listCreatedBetween(mentorId: string, after: string | undefined, upTo: string) {
    return this.c.find({ pk: mentorId, where: { createdAt: after ? { gt: after, lte: upTo } : { lte: upTo } } });
  }
  headsCreatedBetween(mentorId: string, after: string | undefined, upTo: string) {
    return project(this.c, ['mentorId', 'studentId', 'reflectionId', 'createdAt', 'mode', 'priority', 'submittedAt'], {
      pk: mentorId,
      where: { createdAt: after ? { gt: after, lte: upTo } : { lte: upTo } },
    });
  }
  listPending(mode: MentorItem['mode']) {
    return this.c.find({ where: { state: 'pending', mode } });
  }
}

export async function openRepositories(store: DocumentStore): Promise<Repositories> {
  const [schools, people, assignments, conversations, reflections, mentorItems] = await Promise.all([
    store.collection<Stored<School>>({ name: 'schools', indexes: [] }),
    store.collection<Stored<Person>>({ name: 'people', indexes: ['email', 'entraObjectId', 'teamsUserId'] }),
    store.collection<Stored<MentorAssignment>>({ name: 'assignments', indexes: ['studentId', 'mentorId'] }),
    store.collection<Stored<ConversationRef>>({ name: 'conversations', indexes: [] }),
    store.collection<Stored<Reflection>>({ name: 'reflections', indexes: ['routing', 'createdAt', 'schoolId', 'followUpDueAt'] }),
    store.collection<Stored<MentorItem>>({ name: 'mentor_items', indexes: ['state', 'createdAt', 'reflectionId'] }),
  ]);
  return {
    schools: new Schools(schools),
    people: new People(people),
    assignments: new Assignments(assignments),
    conversations: new Conversations(conversations),
    reflections: new Reflections(reflections, store, mentorItems),
    mentorItems: new MentorItems(mentorItems),
  };
}
