import type { Versioned } from '../../core/entities.ts';

// What sharing keeps. Everything names the student it belongs to, so the student's export and erasure
// find it: the supervisor and the answers live in the student's partition; a link is stored under the
// hash of its token (a point read when the link is opened) and names its student.

/** Most characters of one answer on the supervisor's page; longer input is refused, not cut. */
export const answerMaxLength = 1000;
export const nameMaxLength = 120;
export const companyMaxLength = 160;

/** The student's internship supervisor (praktijkopleider). One per student: the current placement. */
export interface Supervisor extends Versioned {
  schoolId: string;
  studentId: string;
  name: string;
  email: string;
  company: string;
  /** Who entered it: the student in Teams, or the coordinator's placement import. */
  source: 'student' | 'import';
  createdAt: string;
  updatedAt: string;
}

/** Who a link is for: the supervisor (a trialoog about one reflection) or a parent (read-only). */
export type ShareAudience = 'supervisor' | 'parent';

/** What a link shows: one reflection, or (parents only) the student's dossier summary. */
export type ShareSubject = { kind: 'reflection'; reflectionId: string } | { kind: 'dossier' };

/** A link the student made and passed on. The id is the SHA-256 of the token; the token itself is never stored. */
export interface ShareLink extends Versioned {
  schoolId: string;
  studentId: string;
  audience: ShareAudience;
  subject: ShareSubject;
  /** The student's consent to share this, recorded when they made the link. */
  consentAt: string;
  createdAt: string;
  expiresAt: string;
  /** The supervisor's answer was taken (a supervisor link can be submitted once). */
  usedAt?: string;
  /** The student took their consent back. */
  revokedAt?: string;
  /** The supervisor as known when the link was made (shown to the student, never on the page). */
  supervisorName?: string;
}

/** What the supervisor answered, for the student first. */
export interface TrialoogAnswer extends Versioned {
  schoolId: string;
  studentId: string;
  linkId: string;
  reflectionId: string;
  supervisorName: string;
  company: string;
  /** What the supervisor saw the student do well at that moment. */
  seen: string;
  /** One thing to try next (feedforward). */
  next: string;
  /** Anything else the supervisor wants the student to know (optional). */
  more?: string;
  submittedAt: string;
  /** Delivery to the student's chat, through the delivery engine (top level, so the due ones can be queried). */
  pending?: boolean;
  claimedUntil?: string;
  attempts?: number;
  deliveredAt?: string;
  gaveUp?: string;
  /** The student's choice: only an agreed answer joins the mentor's digest. */
  decision?: 'agreed' | 'declined';
  decidedAt?: string;
}
