import type { StudentMessages } from '../mentoring/ports.ts';
import type { TalentSignalRepository } from './ports.ts';

/**
 * The talent signals of the mentor's students for the digest: those written in the digest's period.
 * The mentoring module asks for its own students only (the digest's scope), so this needs no check.
 */
export function talentMessages(signals: TalentSignalRepository): StudentMessages {
  return {
    list: async ({ schoolId, studentIds, from, to }) =>
      (await signals.listCreatedBetween(studentIds, from, to))
        .filter((s) => s.schoolId === schoolId)
        .map((s) => ({ studentId: s.studentId, kind: 'talent' as const, fromId: s.teacherId, text: s.text, at: s.createdAt })),
  };
}
