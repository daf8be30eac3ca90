import type { Doc, Write } from '../platform/store/document-store.ts';
import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection, School } from './entities.ts';
import type { Role } from './types.ts';

/** Applies a change to the latest version; return undefined to change nothing. Retried on lost races. */
export type Mutate<T> = (current: T) => T | undefined;

// Heads: the few fields of a document that a read ranks or filters by, read as a projection (the store
// sends only these) when many documents are looked at and few are shown whole.

/** A person's name, for ranking and listing (erased: an anonymous stand-in, shown to nobody). */
export type PersonName = Pick<Person, 'id' | 'name' | 'erasedAt'>;

/** Whom an assignment links, and whether it is active. */
export type AssignmentHead = Pick<MentorAssignment, 'id' | 'schoolId' | 'studentId' | 'mentorId' | 'active'>;

/** What a reflection is and how it ranks, without the student's answers. */
export type ReflectionHead = Pick<
  Reflection,
  | 'id'
  | 'studentId'
  | 'status'
  | 'flowId'
  | 'createdAt'
  | 'submittedAt'
  | 'emotion'
  | 'emotionWord'
  | 'kernwoord'
  | 'wantsToTalk'
  | 'signals'
  | 'followUp'
>;

/** Which answer reached a mentor, when, and how it ranks its student in a digest. */
export type MentorItemHead = Pick<
  MentorItem,
  'id' | 'mentorId' | 'studentId' | 'reflectionId' | 'createdAt' | 'mode' | 'priority' | 'submittedAt'
>;

export interface SchoolRepository {
  get(id: string): Promise<School | undefined>;
  list(): Promise<School[]>;
  /** Creates the school if it does not exist yet; returns the stored one either way. */
  ensure(school: Omit<School, 'version'>): Promise<School>;
  update(id: string, mutate: Mutate<School>): Promise<School>;
}

export interface PersonRepository {
  get(schoolId: string, id: string): Promise<Person | undefined>;
  /** The people of a school with these ids (one query); unknown ids are left out. */
  getMany(schoolId: string, ids: readonly string[]): Promise<Person[]>;
  findByEmail(schoolId: string, email: string): Promise<Person | undefined>;
  findByEntraObjectId(schoolId: string, entraObjectId: string): Promise<Person | undefined>;
  findByTeamsUserId(schoolId: string, teamsUserId: string): Promise<Person | undefined>;
  listByRole(schoolId: string, role: Role): Promise<Person[]>;
  /** The ids of the people of a school with this role (their roles are read, nothing else). */
  idsByRole(schoolId: string, role: Role): Promise<string[]>;
  /** The names of the people of a school with these ids; unknown ids are left out. */
  namesOf(schoolId: string, ids: readonly string[]): Promise<PersonName[]>;
  create(person: Omit<Person, 'version'>): Promise<Person>;
  update(schoolId: string, id: string, mutate: Mutate<Person>): Promise<Person>;
}

export interface AssignmentRepository {
  activeMentorsOf(schoolId: string, studentId: string): Promise<MentorAssignment[]>;
  activeStudentsOf(schoolId: string, mentorId: string): Promise<MentorAssignment[]>;
  /** The same assignments as activeStudentsOf, as heads. */
  activeStudentHeadsOf(schoolId: string, mentorId: string): Promise<AssignmentHead[]>;
  get(schoolId: string, studentId: string, mentorId: string): Promise<MentorAssignment | undefined>;
  /** Creates or re-activates the assignment; `changed` is false when it was already active. */
  assign(
    schoolId: string,
    studentId: string,
    mentorId: string,
    at: string,
  ): Promise<{ assignment: MentorAssignment; changed: boolean }>;
  end(schoolId: string, studentId: string, mentorId: string, at: string): Promise<void>;
}

export interface ConversationRepository {
  personal(schoolId: string, personId: string): Promise<ConversationRef | undefined>;
  team(schoolId: string, teamId: string): Promise<ConversationRef | undefined>;
  /** Every Teams team the bot was added to in this school (installed or not). */
  teams(schoolId: string): Promise<ConversationRef[]>;
  /** Stores the latest reference (insert or replace). */
  save(ref: Omit<ConversationRef, 'version' | 'id'>): Promise<ConversationRef>;
  update(schoolId: string, id: string, mutate: Mutate<ConversationRef>): Promise<ConversationRef>;
}

export interface ReflectionRepository {
  create(reflection: Omit<Reflection, 'version'>): Promise<Reflection>;
  get(studentId: string, id: string): Promise<Reflection | undefined>;
  /** Cross-partition lookup; only to tell "not yours" from "does not exist" when a submit is tampered with. */
  findAnywhere(id: string): Promise<Reflection | undefined>;
  update(studentId: string, id: string, mutate: Mutate<Reflection>): Promise<Reflection>;
  /**
   * Stores the reflection as it now is, with the mentor items it is routed to, as one commit: created when
   * its version is 0 (not stored yet), else replaced if the stored version is still this one (ConflictError,
   * DuplicateError otherwise: then nothing of it counts). Items already there are left as they are; per
   * item, the stored one or undefined for one that was there already. On SQLite one transaction; on
   * Cosmos DB the items first, then the reflection (src/platform/store/document-store.ts, writeAll).
   * `joined`: writes of other modules that belong to the answer (the campaign ledger's), done after the
   * reflection in the same call; per joined write what it stored, undefined for one it skipped.
   */
  saveRouted(
    reflection: Reflection,
    items: readonly Omit<MentorItem, 'version'>[],
    joined?: readonly Write[],
  ): Promise<{ reflection: Reflection; items: (MentorItem | undefined)[]; joined: (Doc | undefined)[] }>;
  listByStudent(studentId: string): Promise<Reflection[]>;
  /** Every reflection of these students, in one query across their partitions (no order). */
  listByStudents(studentIds: readonly string[]): Promise<Reflection[]>;
  /** listByStudents as heads: every reflection of these students, without the answers (no order). */
  headsOfStudents(studentIds: readonly string[]): Promise<ReflectionHead[]>;
  /** These reflections of these students, whole (one query); unknown ones are left out. */
  getMany(studentIds: readonly string[], ids: readonly string[]): Promise<Reflection[]>;
  listByRouting(routing: Reflection['routing'][]): Promise<Reflection[]>;
  /** Reflections whose follow-up is due at or before this moment (ISO), across students. */
  listFollowUpsDue(until: string): Promise<Reflection[]>;
  /** Submitted reflections whose competencies were computed under an older tagging rule (or none), across students. */
  listTaggedBefore(rule: number): Promise<Reflection[]>;
}

export interface MentorItemRepository {
  /** Idempotent: returns the existing item when this reflection already reached this mentor. */
  ensure(item: Omit<MentorItem, 'version'>): Promise<{ item: MentorItem; created: boolean }>;
  get(mentorId: string, id: string): Promise<MentorItem | undefined>;
  update(mentorId: string, id: string, mutate: Mutate<MentorItem>): Promise<MentorItem>;
  listByMentor(mentorId: string): Promise<MentorItem[]>;
  /** The mentor's items created after `after` (exclusive; omitted: from the start) and up to `upTo`. */
  listCreatedBetween(mentorId: string, after: string | undefined, upTo: string): Promise<MentorItem[]>;
  /** listCreatedBetween as heads. */
  headsCreatedBetween(mentorId: string, after: string | undefined, upTo: string): Promise<MentorItemHead[]>;
  listPending(mode: MentorItem['mode']): Promise<MentorItem[]>;
}

export interface Repositories {
  schools: SchoolRepository;
  people: PersonRepository;
  assignments: AssignmentRepository;
  conversations: ConversationRepository;
  reflections: ReflectionRepository;
  mentorItems: MentorItemRepository;
}

/** Why a message could not be delivered, in terms the coordinator sees. */
export type DeliveryFailure =
  | 'blocked'
  | 'uninstalled'
  | 'not-found'
  | 'no-conversation'
  /** Installing the app for the person failed: they have no Teams (licence). */
  | 'no-licence'
  /** Installing the app for the person failed: the school's app policy (or catalog) does not allow it. */
  | 'app-blocked'
  | 'throttled'
  | 'error';

export class DeliveryError extends Error {
  readonly reason: DeliveryFailure;
  /** True when trying again later may succeed. */
  readonly transient: boolean;
  constructor(reason: DeliveryFailure, transient: boolean, detail?: string) {
    super(detail ? `${reason}: ${detail}` : reason);
    this.name = 'DeliveryError';
    this.reason = reason;
    this.transient = transient;
  }
}
