import type { Mutate } from '../../core/ports.ts';
import {
  type Collection,
  createOrGet,
  type DocumentStore,
  deleteCurrent,
  inChunks,
  type Stored,
  stored,
  update,
} from '../../platform/store/document-store.ts';
import type { ClassTeacher, TalentSignal } from './entities.ts';
import type { ClassTeacherRepository, TalentRepositories, TalentSignalRepository } from './ports.ts';

// The talent module's collections: `class_teachers` per school, `talent_signals` per student.

export const classTeacherId = (groupId: string, teacherId: string) => `${groupId}:${teacherId}`;

class ClassTeachers implements ClassTeacherRepository {
  private readonly c: Collection<Stored<ClassTeacher>>;
  constructor(c: Collection<Stored<ClassTeacher>>) {
    this.c = c;
  }
  async add(schoolId: string, groupId: string, teacherId: string, at: string) {
    const id = classTeacherId(groupId, teacherId);
    const { doc, created } = await createOrGet(this.c, {
      id,
      pk: schoolId,
      schoolId,
      groupId,
      teacherId,
      active: true,
      since: at,
    });
    if (created) return { changed: true };
    if (doc.active) return { changed: false };
    await update(this.c, schoolId, id, (m) => (m.active ? undefined : { ...m, active: true, since: at, endedAt: undefined }));
    return { changed: true };
  }
  async end(schoolId: string, groupId: string, teacherId: string, at: string) {
    const id = classTeacherId(groupId, teacherId);
    const current = await this.c.get(schoolId, id);
    if (!current?.active) return false;
    await update(this.c, schoolId, id, (m) => (m.active ? { ...m, active: false, endedAt: at } : undefined));
    return true;
  }
  classesOf(schoolId: string, teacherId: string) {
    return this.c.find({ pk: schoolId, where: { teacherId, active: true } });
  }
  async teachersOf(schoolId: string, groupIds: readonly string[]) {
    const out: ClassTeacher[] = [];
    for (const chunk of inChunks([...new Set(groupIds)])) {
      out.push(...(await this.c.find({ pk: schoolId, where: { groupId: { in: chunk }, active: true } })));
    }
    return out;
  }
}

class Signals implements TalentSignalRepository {
  private readonly c: Collection<Stored<TalentSignal>>;
  constructor(c: Collection<Stored<TalentSignal>>) {
    this.c = c;
  }
  create(signal: Omit<TalentSignal, 'version'>) {
    return this.c.create({ ...signal, pk: signal.studentId });
  }
  get(studentId: string, id: string) {
    return this.c.get(studentId, id);
  }
  update(studentId: string, id: string, mutate: Mutate<TalentSignal>) {
    return update(this.c, studentId, id, stored(mutate));
  }
  listByStudent(studentId: string) {
    return this.c.find({ pk: studentId, orderBy: { field: 'createdAt', direction: 'desc' } });
  }
  listPending(limit = 200) {
    return this.c.find({ where: { pending: true }, orderBy: { field: 'createdAt', direction: 'asc' }, limit });
  }
  delete(signal: Pick<TalentSignal, 'studentId' | 'id'>) {
    return deleteCurrent(this.c, signal.studentId, signal.id);
  }
  async listCreatedBetween(studentIds: readonly string[], from: string | undefined, to: string) {
    const out: TalentSignal[] = [];
    const createdAt = from ? { gt: from, lte: to } : { lte: to };
    for (const chunk of inChunks([...new Set(studentIds)])) {
      out.push(...(await this.c.find({ where: { studentId: { in: chunk }, createdAt } })));
    }
    return out.sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }
}

/** The talent repositories of a store (the module's setup opens them once). */
export async function openTalentRepositories(store: DocumentStore): Promise<TalentRepositories> {
  const [teachers, signals] = await Promise.all([
    store.collection<Stored<ClassTeacher>>({ name: 'class_teachers', indexes: ['teacherId', 'groupId'] }),
    store.collection<Stored<TalentSignal>>({ name: 'talent_signals', indexes: ['studentId', 'createdAt', 'pending'] }),
  ]);
  return { classTeachers: new ClassTeachers(teachers), signals: new Signals(signals) };
}
