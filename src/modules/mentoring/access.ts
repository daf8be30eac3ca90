import type { Person } from '../../core/entities.ts';
import type { AssignmentHead, Repositories } from '../../core/ports.ts';

// The domain's own check that a student is a mentor's, independent of the store's scoped queries
// (MentorScope): either layer alone keeps another mentor's student out. Someone whose mentor role was
// taken away is nobody's mentor, whatever assignments were left active: queued replies, reminders and
// handovers ask this too, not only the buttons (which the role check of the dispatch already guards).

export async function isAssigned(repos: Repositories, mentor: Person, studentId: string): Promise<boolean> {
  if (!mentor.roles.includes('mentor')) return false;
  const a = await repos.assignments.get(mentor.schoolId, studentId, mentor.id);
  return a?.active === true && a.mentorId === mentor.id && a.studentId === studentId && a.schoolId === mentor.schoolId;
}

/** The mentor's active students, as the domain sees them. */
export async function assignedStudents(
  repos: Repositories,
  mentor: Pick<Person, 'id' | 'schoolId' | 'roles'>,
): Promise<Set<string>> {
  if (!mentor.roles.includes('mentor')) return new Set();
  return activeStudentsIn(await repos.assignments.activeStudentsOf(mentor.schoolId, mentor.id), mentor);
}

/** The students of these assignments that are the mentor's and active (whoever read the assignments). */
export function activeStudentsIn(assignments: readonly AssignmentHead[], mentor: Pick<Person, 'id' | 'schoolId'>): Set<string> {
  return new Set(
    assignments.filter((a) => a.active && a.mentorId === mentor.id && a.schoolId === mentor.schoolId).map((a) => a.studentId),
  );
}
