import type { ConversationRef, MentorAssignment, MentorItem, Person, Reflection, School } from '../../core/entities.ts';
import type { Activity, Delivery, GroupMembership } from '../campaigns/campaigns.ts';
import type { Digest, FeedforwardNote, MentorFollowUp, OutboxEntry } from '../mentoring/entities.ts';
import type { ShareLink, Supervisor, TrialoogAnswer } from '../sharing/entities.ts';
import type { PulseMark } from '../student-voice/entities.ts';
import type { TalentSignal } from '../talent/entities.ts';

// Everything the store holds that names one student, for the AVG export (right of access) and the
// erasure (right to erasure). The store adapter (personal-data-store.ts) reads it collection by collection
// (personal-data-collect.ts) and erases it (personal-data-erasure.ts); docs/privacy.md lists them.

/** A download link the student made (their exports): when and what, never the token (the id is its hash). */
export interface DownloadLinkInfo {
  id: string;
  kind: string;
  formats: string[];
  createdAt: string;
  expiresAt: string;
  usedAt?: Record<string, string>;
}

export interface PersonalData {
  school?: School;
  person: Person;
  /** Every mentor assignment, also ended ones. */
  assignments: MentorAssignment[];
  conversations: ConversationRef[];
  /** Every reflection, also open ones. */
  reflections: Reflection[];
  /** Which reflection reached which mentor, and when. */
  mentorItems: MentorItem[];
  /** Notes mentors wrote to the student. */
  notes: FeedforwardNote[];
  /** Talent signals teachers sent the student. */
  talentSignals: TalentSignal[];
  /** What each mentor recorded about conversations with the student. */
  followUps: MentorFollowUp[];
  /** Messages to the student, or to a mentor about the student, waiting or sent. */
  outbox: OutboxEntry[];
  /** Mentor digests the student was in (only the student's own place in them). */
  digests: Digest[];
  /** Every group membership, also ended ones. */
  memberships: GroupMembership[];
  /** Every campaign prompt to the student. */
  deliveries: Delivery[];
  /** Activities that name the student individually. */
  activities: Activity[];
  downloads: DownloadLinkInfo[];
  /** The student's internship supervisor (entered by the student or imported by the school). */
  supervisors: Supervisor[];
  /** Links the student made to share a reflection or their dossier summary (the id is the token's hash). */
  shareLinks: ShareLink[];
  /** Supervisors' answers to the student, with the student's decision. */
  trialoogAnswers: TrialoogAnswer[];
  /**
   * The student pulses the student was invited to, and whether they answered (until a pulse closes). Their
   * answers are not here: they were never stored as theirs.
   */
  pulseMarks: PulseMark[];
  /** Names of the people, groups and campaigns these records refer to (never other students'). */
  names: { people: Record<string, string>; groups: Record<string, string>; campaigns: Record<string, string> };
}

/** How many records an erasure anonymised or deleted, per collection (for the record and the CLI). */
export type ErasureCounts = Record<string, { anonymised: number; deleted: number }>;

/** What retention needs to know of one student of a school. */
export interface RetentionFacts {
  person: Person;
  /** An active group membership or an active mentor assignment. */
  active: boolean;
  /** The latest start or end of a membership or assignment. */
  lastRelationAt?: string;
  /** The latest reflection the student started or submitted. */
  lastReflectionAt?: string;
}

export interface PersonalDataPort {
  /** Everything stored about the person; undefined when there is no such person. */
  collect(schoolId: string, personId: string): Promise<PersonalData | undefined>;
  /**
   * Moves every kept record of the person to `anonId`, scrubbed (anonymise.ts), and deletes the rest.
   * Idempotent: run again after a crash, it finishes the work and changes nothing twice.
   */
  anonymise(input: { schoolId: string; personId: string; anonId: string; at: string }): Promise<ErasureCounts>;
  /** The students of a school (not staff, not anonymous stand-ins) with what retention looks at. */
  retentionFacts(schoolId: string): Promise<RetentionFacts[]>;
  /** Ends the active memberships and assignments of stand-ins erased before `before`; returns how many. */
  endAnonymousRelations(schoolId: string, before: string, at: string): Promise<number>;
}
