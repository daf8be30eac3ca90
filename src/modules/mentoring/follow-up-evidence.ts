import type { Repositories } from '../../core/ports.ts';
import type { EvidenceQuery, FollowUpFigures } from '../quality-cycle/check-evidence.ts';
import type { MentoringRepositories } from './ports.ts';

/**
 * The mentors' side of the PDCA Check evidence: of the team's students' reflections submitted in the
 * period that reached a mentor, how many a mentor marked as discussed, and how many got a feedforward note.
 * Counts only: no answer text leaves here.
 */
export function mentorFollowUpEvidence(
  repos: Pick<Repositories, 'reflections' | 'assignments'>,
  mentoring: Pick<MentoringRepositories, 'followUps' | 'notes'>,
) {
  return {
    async figures(q: EvidenceQuery): Promise<FollowUpFigures> {
      const from = q.period.start.toISOString();
      const to = q.period.end.toISOString();
      let reflections = 0;
      let discussed = 0;
      let withNote = 0;
      const students = new Set<string>();
      for (const studentId of q.studentIds) {
        const reached = (await repos.reflections.listByStudent(studentId)).filter(
          (r) =>
            r.status === 'submitted' && r.routing === 'routed' && r.submittedAt && r.submittedAt >= from && r.submittedAt < to,
        );
        if (reached.length === 0) continue;
        students.add(studentId);
        const mentors = await repos.assignments.activeMentorsOf(q.schoolId, studentId);
        const talkedAbout = new Set<string>();
        for (const a of mentors) {
          const followUp = await mentoring.followUps.get(a.mentorId, studentId);
          for (const d of followUp?.discussions ?? []) for (const id of d.reflectionIds) talkedAbout.add(id);
        }
        const noted = new Set((await mentoring.notes.listByStudent(studentId)).map((n) => n.reflectionId).filter(Boolean));
        for (const r of reached) {
          reflections++;
          if (talkedAbout.has(r.id)) discussed++;
          if (noted.has(r.id)) withNote++;
        }
      }
      return { reflections, discussed, withNote, students: students.size };
    },
  };
}
