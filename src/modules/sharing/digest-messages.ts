import type { StudentMessages } from '../mentoring/ports.ts';
import type { TrialoogAnswerRepository } from './repositories.ts';

/**
 * The trialoog for the mentors' digest: supervisors' answers the student agreed to share, in the period
 * they agreed. Declined or undecided answers never leave the student. The mentoring module asks for its
 * own students only (the digest's scope).
 */
export function trialoogMessages(answers: TrialoogAnswerRepository): StudentMessages {
  return {
    list: async ({ schoolId, studentIds, from, to }) =>
      (await answers.listAgreedBetween(studentIds, from, to))
        .filter((a) => a.schoolId === schoolId && a.decision === 'agreed' && a.decidedAt)
        .map((a) => ({
          studentId: a.studentId,
          kind: 'trialoog' as const,
          fromId: a.studentId,
          fromName: a.company ? `${a.supervisorName} (${a.company})` : a.supervisorName,
          text: `${a.seen} → ${a.next}`,
          at: a.decidedAt!,
        })),
  };
}
