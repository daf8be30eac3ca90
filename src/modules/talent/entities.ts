import type { Versioned } from '../../core/entities.ts';

// What the talent signal keeps: which teachers teach which class (the class is the campaigns module's
// group), and each signal a teacher sent. A signal is the student's (partition: the student), so the
// student's export and erasure find it in one place.

export const signalMaxLength = 280;

/** A teacher of a class (partition: the school). The class itself is a group of the campaigns module. */
export interface ClassTeacher extends Versioned {
  schoolId: string;
  groupId: string;
  teacherId: string;
  active: boolean;
  since: string;
  endedAt?: string;
}

/** "Your teacher noticed …": a short note from a subject teacher about something the student did well. */
export interface TalentSignal extends Versioned {
  schoolId: string;
  studentId: string;
  teacherId: string;
  /** The class through which the teacher may signal this student (kept for the record). */
  groupId: string;
  text: string;
  createdAt: string;
  /** True until it reached the student's chat (top level, so the waiting ones can be queried). */
  pending?: boolean;
  /** Delivery attempts so far (a student who cannot be reached is given up on after a few). */
  attempts?: number;
  /** While one run sends it (the delivery engine's claim): until when, and which run. */
  claimedUntil?: string;
  claimedBy?: string;
  /** When it reached the student's chat. */
  deliveredAt?: string;
  /** The reflection the student started about it, when they did. */
  reflectionId?: string;
}
