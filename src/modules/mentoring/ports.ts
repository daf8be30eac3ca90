import type { Person, Reflection } from '../../core/entities.ts';
import type { AssignmentHead, Mutate, PersonName, ReflectionHead, Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import type { LogPort } from './digest.ts';
import type { Digest, FeedforwardNote, MentorFollowUp, MentorSettings, OutboxEntry } from './entities.ts';
import type { OutboxService } from './outbox.ts';

/**
 * A mentor's view of the store: every read is limited to the mentor's own partition or to students the
 * mentor is actively assigned to, in the query itself. The domain checks access too; this is the second
 * wall, so a mistake in one layer does not leak another mentor's student.
 */
export interface MentorScope {
  readonly mentorId: string;
  readonly schoolId: string;
  /** The mentor's active assignments, as the store's query for this mentor returned them; read once per scope. */
  assignments(): Promise<readonly AssignmentHead[]>;
  /** The mentor's active students (ids), from those assignments. */
  studentIds(): Promise<ReadonlySet<string>>;
  /** The student, when actively assigned to this mentor; otherwise undefined. */
  student(studentId: string): Promise<Person | undefined>;
  /** A student's submitted reflections, newest first; empty when the student is not this mentor's. */
  reflections(studentId: string): Promise<Reflection[]>;
  /** Several students at once (those of them that are this mentor's). */
  students(studentIds: readonly string[]): Promise<Map<string, Person>>;
  /** The submitted reflections of several students, newest first per student (only this mentor's students). */
  reflectionsOf(studentIds: readonly string[]): Promise<Map<string, Reflection[]>>;
  /** The names of several students (those of them that are this mentor's and not erased), read once per scope. */
  names(studentIds: readonly string[]): Promise<Map<string, PersonName>>;
  /** reflectionsOf as heads: without the answers. */
  reflectionHeadsOf(studentIds: readonly string[]): Promise<Map<string, ReflectionHead[]>>;
  /** These reflections whole, by id (only those of this mentor's students, and submitted). */
  wholeReflections(heads: readonly Pick<ReflectionHead, 'id' | 'studentId'>[]): Promise<Map<string, Reflection>>;
}

export interface MentorSettingsRepository {
  get(mentorId: string): Promise<MentorSettings | undefined>;
  /** Returns the stored settings, creating them with the defaults when missing. */
  ensure(schoolId: string, mentorId: string, now: string): Promise<MentorSettings>;
  /** `known`: the settings as last read or written, tried first without reading them again. */
  update(mentorId: string, mutate: Mutate<MentorSettings>, known?: MentorSettings): Promise<MentorSettings>;
}

export interface DigestRepository {
  /** Creates the digest, or returns the existing one with the same id (idempotent). */
  ensure(digest: Omit<Digest, 'version'>): Promise<{ digest: Digest; created: boolean }>;
  get(mentorId: string, id: string): Promise<Digest | undefined>;
  /** `known`: the digest as last read or written, tried first without reading it again. */
  update(mentorId: string, id: string, mutate: Mutate<Digest>, known?: Digest): Promise<Digest>;
}

export interface MentorFollowUpRepository {
  get(mentorId: string, studentId: string): Promise<MentorFollowUp | undefined>;
  /** The mentor's follow-ups (of these students only, when given). */
  listByMentor(mentorId: string, studentIds?: readonly string[]): Promise<MentorFollowUp[]>;
  /** Every mentor's follow-up of one student (for the student's own calendar file). */
  listByStudent(studentId: string): Promise<MentorFollowUp[]>;
  /** Applies the change to the stored follow-up, or to an empty one when there is none yet. */
  upsert(key: { schoolId: string; mentorId: string; studentId: string }, mutate: Mutate<MentorFollowUp>): Promise<MentorFollowUp>;
}

/** Feedforward notes, stored with the student. The student's overview (`mijn reflecties`) lists them. */
export interface NoteRepository {
  create(note: Omit<FeedforwardNote, 'version'>): Promise<FeedforwardNote>;
  get(studentId: string, id: string): Promise<FeedforwardNote | undefined>;
  update(studentId: string, id: string, mutate: Mutate<FeedforwardNote>): Promise<FeedforwardNote>;
  /** Deletes the note whatever its version; false when it was gone. */
  delete(note: Pick<FeedforwardNote, 'studentId' | 'id'>): Promise<boolean>;
  /** Every note to a student, newest first. */
  listByStudent(studentId: string): Promise<FeedforwardNote[]>;
  /** The notes about one of the student's reflections, newest first. */
  listByReflection(studentId: string, reflectionId: string): Promise<FeedforwardNote[]>;
  /** Notes of these students answered after `from` (exclusive, or ever) up to `to`. */
  listRepliedBetween(studentIds: readonly string[], from: string | undefined, to: string): Promise<FeedforwardNote[]>;
}

export interface OutboxRepository {
  ensure(entry: Omit<OutboxEntry, 'version'>): Promise<{ entry: OutboxEntry; created: boolean }>;
  get(recipientId: string, id: string): Promise<OutboxEntry | undefined>;
  update(recipientId: string, id: string, mutate: Mutate<OutboxEntry>): Promise<OutboxEntry>;
  /** A recipient's entries of one kind about one student, newest first. */
  listAbout(recipientId: string, kind: OutboxEntry['kind'], studentId: string): Promise<OutboxEntry[]>;
  /** Pending entries whose time has come, oldest first. */
  listDue(now: string, limit?: number): Promise<OutboxEntry[]>;
}

export interface MentoringRepositories {
  settings: MentorSettingsRepository;
  digests: DigestRepository;
  followUps: MentorFollowUpRepository;
  notes: NoteRepository;
  outbox: OutboxRepository;
  /** A read scope for one mentor (see MentorScope). */
  scope(schoolId: string, mentorId: string): MentorScope;
}

/** A prompt a student got and did not answer. */
export interface NonResponse {
  studentId: string;
  flowId: string;
  sentAt: string;
}

/**
 * Students who did not respond to a prompt in a period. The campaign engine (issue 4) answers this from
 * its delivery ledger; until it is wired, `noNonResponders` answers nothing.
 */
export interface NonResponders {
  /** Prompts sent to any of `studentIds` after `from` (exclusive, or ever) and up to `to`, still unanswered. */
  list(input: { schoolId: string; studentIds: readonly string[]; from?: string; to: string }): Promise<NonResponse[]>;
}

export const noNonResponders: NonResponders = { list: async () => [] };

/** A message about a student for the mentor's digest (see MessageView): written in the period, oldest first. */
export interface StudentMessage {
  studentId: string;
  kind: 'talent' | 'reply' | 'trialoog';
  /** The writer's person id (a teacher, or the student). */
  fromId: string;
  /** The writer's name when they have no person record here (an internship supervisor). */
  fromName?: string;
  text: string;
  at: string;
}

/**
 * Messages about the mentor's students for the digest, from other parts of the product (the talent
 * module's signals; the students' replies to notes). Each source answers for the given students only.
 */
export interface StudentMessages {
  list(input: {
    schoolId: string;
    mentorId: string;
    studentIds: readonly string[];
    from?: string;
    to: string;
  }): Promise<StudentMessage[]>;
}

/** What the student–mentor conversation works with: answers to notes (replies.ts) and planning (meetings.ts). */
export interface ConversationDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  outbox: OutboxService;
  clock: Clock;
  log: LogPort;
  sendPolicy: SendPolicies;
}
