import {
  type Collection,
  createOrGet,
  type Doc,
  type DocumentStore,
  project,
  type Stored,
  stored,
  update,
  type Write,
  withPk,
  writeAll,
} from '../platform/store/document-store.ts';
import type { MentorItem, Reflection } from './entities.ts';
import type { MentorItemRepository, Mutate, ReflectionRepository } from './ports.ts';

// The answer's path in the store: reflections (partitioned per student) and the mentors' items
// (per mentor), written together when an answer is submitted and routed.

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

export class Reflections implements ReflectionRepository {
  private readonly c: Collection<Stored<Reflection>>;
  private readonly store: DocumentStore;
  private readonly items: Collection<Stored<MentorItem>>;
  constructor(c: Collection<Stored<Reflection>>, store: DocumentStore, items: Collection<Stored<MentorItem>>) {
    this.c = c;
    this.store = store;
    this.items = items;
  }
  async saveRouted(reflection: Reflection, items: readonly Omit<MentorItem, 'version'>[], joined: readonly Write[] = []) {
    // Items first: their ids derive from the reflection's, so where the writes are not one transaction a
    // retry creates what is missing, and the reflection's version-checked write decides who answered.
    // What other modules join comes after it: written only once the answer is (on SQLite all in one commit).
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
    writes.push(...joined);
    const written = await writeAll(this.store, writes);
    return {
      reflection: written[items.length] as unknown as Reflection,
      items: written.slice(0, items.length) as unknown as (MentorItem | undefined)[],
      joined: written.slice(items.length + 1),
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

export class MentorItems implements MentorItemRepository {
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
