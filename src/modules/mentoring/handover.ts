import { type AssignResult, assignMentor } from '../../core/assignments.ts';
import type { Person } from '../../core/entities.ts';
import type { InstallDeps } from '../../core/install.ts';
import type { MentoringRepositories } from './ports.ts';

// A mentor change: the new mentor replaces every current mentor of the student. The old assignments
// end (their items are no longer shown or actionable: every mentor read checks the active assignment),
// and the new mentor is handed the student's history with a short summary, sent by the bot.

export type ChangeResult =
  | (Extract<AssignResult, { ok: true }> & { ended: Person[]; handover: boolean })
  | Exclude<AssignResult, { ok: true }>;

export async function changeMentor(
  deps: InstallDeps & { mentoring: MentoringRepositories },
  schoolId: string,
  input: { studentEmail: string; mentorEmail: string },
): Promise<ChangeResult> {
  const { repos } = deps;
  const assigned = await assignMentor(deps, schoolId, input);
  if (!assigned.ok) return assigned;
  const { student, mentor } = assigned;
  const now = deps.clock.now().toISOString();
  const ended: Person[] = [];
  for (const a of await repos.assignments.activeMentorsOf(schoolId, student.id)) {
    if (a.mentorId === mentor.id) continue;
    await repos.assignments.end(schoolId, student.id, a.mentorId, now);
    const old = await repos.people.get(schoolId, a.mentorId);
    if (old) ended.push(old);
  }
  const assignment = await repos.assignments.get(schoolId, student.id, mentor.id);
  const history = (await repos.reflections.listByStudent(student.id)).some((r) => r.status === 'submitted');
  let handover = false;
  if (history && assignment && (ended.length > 0 || assigned.changed)) {
    // One handover per assignment: running the same change again does not send a second one.
    const { created } = await deps.mentoring.outbox.ensure({
      id: `handover:${student.id}:${assignment.since}`,
      schoolId,
      recipientId: mentor.id,
      kind: 'handover',
      studentId: student.id,
      mentorId: mentor.id,
      previousMentorIds: ended.map((p) => p.id),
      notBefore: now,
      state: 'pending',
      attempts: 0,
      createdAt: now,
    });
    handover = created;
  }
  return { ...assigned, changed: assigned.changed || ended.length > 0, ended, handover };
}
