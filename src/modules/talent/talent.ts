import { decide } from '../../core/authorization.ts';
import type { Person } from '../../core/entities.ts';
import { undoIfErased } from '../../core/erased-meanwhile.ts';
import type { Repositories } from '../../core/ports.ts';
import type { Clock } from '../../platform/clock.ts';
import type { GroupRepository } from '../campaigns/ports.ts';
import { signalMaxLength, type TalentSignal } from './entities.ts';
import type { TalentRepositories } from './ports.ts';

// The rules of the talent signal. A teacher's classes are the groups they are a teacher of; their
// students are the students in those groups. A teacher may signal only such a student, and the answer
// to "may I" comes from the access policy (src/core/authorization.ts), given the student's teachers as
// read from the store: card data naming another student changes nothing. The teacher reads no more of a
// student than the name on the picker.

export interface TalentLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
}

export interface TalentDeps {
  repos: Pick<Repositories, 'people'>;
  talent: TalentRepositories;
  groups: Pick<GroupRepository, 'get' | 'members' | 'groupsOf'>;
  clock: Clock;
  newId: () => string;
  log: TalentLog;
  /** Makes deleted documents unreadable in the store's own files now (DocumentStore.purgeErased). */
  purgeErased(): Promise<boolean>;
}

export interface PickableStudent {
  id: string;
  name: string;
  className: string;
}

export type SendResult =
  | { ok: true; student: Person; signal: TalentSignal }
  | { ok: false; reason: 'no-student' | 'empty' | 'too-long' | 'not-their-class' };

/** Most students a picker lists (a teacher with many classes still gets a card that fits). */
export const pickerMax = 300;

export class TalentService {
  private readonly deps: TalentDeps;
  constructor(deps: TalentDeps) {
    this.deps = deps;
  }

  /** The students of the teacher's classes, by class then name; each student once. */
  async studentsOf(teacher: Pick<Person, 'id' | 'schoolId' | 'roles'>): Promise<PickableStudent[]> {
    if (!teacher.roles.includes('teacher')) return [];
    const { talent, groups, repos } = this.deps;
    const classes = await talent.classTeachers.classesOf(teacher.schoolId, teacher.id);
    const seen = new Map<string, { groupId: string; className: string }>();
    const names = new Map<string, string>();
    for (const c of classes) {
      const group = await groups.get(teacher.schoolId, c.groupId);
      if (!group) continue;
      names.set(group.id, group.name);
      for (const m of await groups.members(teacher.schoolId, group.id)) {
        if (m.personId !== teacher.id && !seen.has(m.personId))
          seen.set(m.personId, { groupId: group.id, className: group.name });
      }
    }
    const ids = [...seen.keys()];
    const people: Person[] = [];
    for (let i = 0; i < ids.length; i += 100)
      people.push(...(await repos.people.getMany(teacher.schoolId, ids.slice(i, i + 100))));
    return people
      .filter((p) => p.roles.includes('student') && !p.erasedAt)
      .map((p) => ({ id: p.id, name: p.name, className: seen.get(p.id)!.className }))
      .sort((a, b) => a.className.localeCompare(b.className, 'nl', { numeric: true }) || a.name.localeCompare(b.name, 'nl'))
      .slice(0, pickerMax);
  }

  /** The active teachers of the student's classes, with the class through which each teaches them. */
  async teachersOf(schoolId: string, studentId: string): Promise<Map<string, string>> {
    const memberships = await this.deps.groups.groupsOf(schoolId, studentId);
    const teachers = await this.deps.talent.classTeachers.teachersOf(
      schoolId,
      memberships.map((m) => m.groupId),
    );
    return new Map(teachers.map((t) => [t.teacherId, t.groupId]));
  }

  /** Stores a signal from the teacher to the student, when the policy allows it. Delivery is the caller's. */
  async send(teacher: Person, studentInput: unknown, textInput: unknown): Promise<SendResult> {
    const text = typeof textInput === 'string' ? textInput.trim() : '';
    if (typeof studentInput !== 'string' || studentInput.length === 0 || studentInput.length > 64)
      return { ok: false, reason: 'no-student' };
    if (!text) return { ok: false, reason: 'empty' };
    if ([...text].length > signalMaxLength) return { ok: false, reason: 'too-long' };
    const student = await this.deps.repos.people.get(teacher.schoolId, studentInput);
    const teachers = student ? await this.teachersOf(teacher.schoolId, student.id) : new Map<string, string>();
    const decision = student
      ? decide(teacher, 'talent.send', { kind: 'student', student, teachersOfStudent: [...teachers.keys()] })
      : ({ allowed: false } as const);
    if (!student || student.erasedAt || !student.roles.includes('student') || !decision.allowed) {
      this.deps.log.warn(
        { teacherId: teacher.id, studentId: studentInput },
        'talent signal refused: not a student of their classes',
      );
      return { ok: false, reason: 'not-their-class' };
    }
    const signal = await this.deps.talent.signals.create({
      id: this.deps.newId(),
      schoolId: teacher.schoolId,
      studentId: student.id,
      teacherId: teacher.id,
      groupId: teachers.get(teacher.id)!,
      text,
      createdAt: this.deps.clock.now().toISOString(),
      pending: true,
    });
    const undo = () => this.deps.talent.signals.delete(signal);
    if (await undoIfErased(this.deps, signal, undo, { name: 'talent signal', ids: { signalId: signal.id } }))
      return { ok: false, reason: 'not-their-class' };
    // Ids and length only: the text is about the student.
    this.deps.log.info(
      { teacherId: teacher.id, studentId: student.id, signalId: signal.id, chars: [...text].length },
      'talent signal stored',
    );
    return { ok: true, student, signal };
  }
}
