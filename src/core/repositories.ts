import {
  type Collection,
  createOrGet,
  type DocumentStore,
  project,
  type Stored,
  stored,
  update,
  withPk,
} from '../platform/store/document-store.ts';
import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection, School } from './entities.ts';
import type {
  AssignmentRepository,
  ConversationRepository,
  Mutate,
  PersonRepository,
  Repositories,
  SchoolRepository,
} from './ports.ts';
import { MentorItems, Reflections } from './reflection-repositories.ts';
import { normalizeEmail, type Role } from './types.ts';

// Repositories are written once over the DocumentStore contract; the partition key of each collection
// follows its main access path: per school (people, assignments, conversations), per student
// (reflections) and per mentor (the mentor's items).

/** Cosmos ids may not contain / \ ? #; Teams ids may. */
export function safeId(raw: string): string {
  return raw.replace(/[/\\?#]/g, '_');
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

export async function openRepositories(store: DocumentStore): Promise<Repositories> {
  const [schools, people, assignments, conversations, reflections, mentorItems] = await Promise.all([
    store.collection<Stored<School>>({ name: 'schools', indexes: [] }),
    store.collection<Stored<Person>>({ name: 'people', indexes: ['email', 'entraObjectId', 'teamsUserId'] }),
    store.collection<Stored<MentorAssignment>>({ name: 'assignments', indexes: ['studentId', 'mentorId'] }),
    store.collection<Stored<ConversationRef>>({ name: 'conversations', indexes: [] }),
    // id: a card action can name any reflection (forwarded or tampered card data); telling "not yours" from
    // "not found" then looks it up outside the actor's partition, which without the index read the table.
    store.collection<Stored<Reflection>>({
      name: 'reflections',
      indexes: ['routing', 'createdAt', 'schoolId', 'followUpDueAt', 'id'],
    }),
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
