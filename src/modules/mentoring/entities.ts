import type { Versioned } from '../../core/entities.ts';

// What the mentor side keeps: the mentor's digest settings and cursor, each digest sent, the follow-up
// per student (discussed, planned conversation), feedforward notes to students, and an outbox for
// messages that wait for an allowed time (notes, plan reminders, handovers).

export const digestFrequencies = ['daily', 'weekly'] as const;
export type DigestFrequency = (typeof digestFrequencies)[number];

/** Per mentor (partition: the mentor). Created with the defaults the first time it is needed. */
export interface MentorSettings extends Versioned {
  schoolId: string;
  mentorId: string;
  frequency: DigestFrequency;
  /** ISO weekday 1–5 of a weekly digest. */
  weekday: number;
  /** Local hour (school time zone) of the digest, 8–19. */
  hour: number;
  /** Days after "plan a conversation" before the reminder. */
  reminderDays: number;
  /** Every item created up to this moment has been in a digest. */
  coveredUntil?: string;
  /** The last scheduled slot that was handled (sent, or nothing to report). */
  lastSlot?: string;
  updatedAt: string;
}

export const defaultDigestSettings = { frequency: 'weekly', weekday: 5, hour: 15, reminderDays: 7 } as const;

/** One digest for one mentor (partition: the mentor). Its id makes a slot's digest unique. */
export interface Digest extends Versioned {
  schoolId: string;
  mentorId: string;
  kind: 'scheduled' | 'manual';
  /** The scheduled slot, or the moment of a manual run. */
  slot: string;
  /** Items created after `from` (exclusive) and up to `to` (inclusive) are in this digest. */
  from?: string;
  to: string;
  state: 'building' | 'sent' | 'failed';
  attempts: number;
  claimedUntil?: string;
  /** Every student in the digest, most important first. */
  order: string[];
  /** The students on each card drawn so far: the first is sent, the others come with "show more". */
  pages: string[][];
  studentCount: number;
  entryCount: number;
  createdAt: string;
  sentAt?: string;
  lastError?: string;
  message?: { conversationId: string; activityId: string };
}

export interface Discussion {
  /** The date of the conversation (YYYY-MM-DD, school time zone). */
  on: string;
  /** When the mentor recorded it. */
  at: string;
  reflectionIds: string[];
}

/**
 * A planned conversation. With `proposals` the student was asked to choose one of those times (or to
 * suggest another: `suggested`); `agreed` is the time both have, with who closed it.
 */
export interface ConversationPlan {
  at: string;
  remindAt: string;
  reflectionIds: string[];
  /** One to three moments (ISO instants) the mentor proposed. */
  proposals?: string[];
  suggested?: { at: string; suggestedAt: string };
  agreed?: { at: string; agreedAt: string; by: 'student' | 'mentor' };
}

/** What a mentor did about one student (partition: the mentor). */
export interface MentorFollowUp extends Versioned {
  schoolId: string;
  mentorId: string;
  studentId: string;
  /** Newest first, at most 20. */
  discussions: Discussion[];
  /** A conversation the mentor intends to have; open until a discussion is recorded after it. */
  plan?: ConversationPlan;
  notesSent: number;
  updatedAt: string;
}

/** A short feedforward note from a mentor to a student (partition: the student: it is the student's). */
export interface FeedforwardNote extends Versioned {
  schoolId: string;
  studentId: string;
  mentorId: string;
  /** The reflection the note is about, when there is one. */
  reflectionId?: string;
  text: string;
  createdAt: string;
  /** When it reached the student's chat. */
  deliveredAt?: string;
  /** The student's answer: one per note; the mentor's next note opens the next turn. */
  reply?: { text: string; at: string };
  /** When the student answered (top level, so the digest can query the period). */
  repliedAt?: string;
}

export const outboxKinds = ['note', 'plan-reminder', 'handover', 'reply', 'proposal', 'suggestion', 'meeting'] as const;
export type OutboxKind = (typeof outboxKinds)[number];

/** A message that goes out at an allowed time (partition: the recipient). */
export interface OutboxEntry extends Versioned {
  schoolId: string;
  recipientId: string;
  kind: OutboxKind;
  /** The student the message is about (for a note: the recipient). */
  studentId: string;
  /** The note's id for a note or a reply to it; the plan's moment for a reminder; unused for a handover. */
  ref?: string;
  /** The mentor who wrote a note, or who is handed the student. */
  mentorId: string;
  /** For a handover: the mentors whose assignment ended. */
  previousMentorIds?: string[];
  notBefore: string;
  state: 'pending' | 'sent' | 'cancelled' | 'failed';
  attempts: number;
  claimedUntil?: string;
  lastError?: string;
  createdAt: string;
  sentAt?: string;
  message?: { conversationId: string; activityId: string };
}
