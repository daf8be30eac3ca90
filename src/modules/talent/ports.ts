import type { Mutate } from '../../core/ports.ts';
import type { ClassTeacher, TalentSignal } from './entities.ts';

export interface ClassTeacherRepository {
  /** Adds (or re-activates) a teacher of a class; `changed` is false when they already were. */
  add(schoolId: string, groupId: string, teacherId: string, at: string): Promise<{ changed: boolean }>;
  /** Ends a teacher's place in a class; false when there was no active one. */
  end(schoolId: string, groupId: string, teacherId: string, at: string): Promise<boolean>;
  /** The classes a teacher actively teaches. */
  classesOf(schoolId: string, teacherId: string): Promise<ClassTeacher[]>;
  /** The active teachers of some classes. */
  teachersOf(schoolId: string, groupIds: readonly string[]): Promise<ClassTeacher[]>;
}

export interface TalentSignalRepository {
  create(signal: Omit<TalentSignal, 'version'>): Promise<TalentSignal>;
  get(studentId: string, id: string): Promise<TalentSignal | undefined>;
  update(studentId: string, id: string, mutate: Mutate<TalentSignal>): Promise<TalentSignal>;
  /** Every signal to a student, newest first. */
  listByStudent(studentId: string): Promise<TalentSignal[]>;
  /** Signals that wait to be delivered (quiet hours, a failed send), oldest first. */
  listPending(limit?: number): Promise<TalentSignal[]>;
  /** Signals to any of these students created after `from` (exclusive, or ever) up to `to`, oldest first. */
  listCreatedBetween(studentIds: readonly string[], from: string | undefined, to: string): Promise<TalentSignal[]>;
  /** Deletes the signal whatever its version; false when it was gone. */
  delete(signal: Pick<TalentSignal, 'studentId' | 'id'>): Promise<boolean>;
}

export interface TalentRepositories {
  classTeachers: ClassTeacherRepository;
  signals: TalentSignalRepository;
}
