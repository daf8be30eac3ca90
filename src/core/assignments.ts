import type { Person } from './entities.ts';
import type { InstallDeps } from './install.ts';
import { normalizeEmail, type Role } from './types.ts';

const emailPattern = /^[^\s@<>()[\],;:"]+@[^\s@<>()[\],;:"]+\.[^\s@<>()[\],;:"]+$/;

export function isEmail(value: string): boolean {
  const email = normalizeEmail(value);
  return email.length <= 254 && emailPattern.test(email);
}

/** Finds a person by e-mail in a school, or creates them (as imports do); adds the role if missing. */
export async function ensurePersonByEmail(
  deps: InstallDeps,
  schoolId: string,
  emailRaw: string,
  role: Role,
  name?: string,
): Promise<{ person: Person; created: boolean; changed: boolean }> {
  const email = normalizeEmail(emailRaw);
  const now = deps.clock.now().toISOString();
  const existing = await deps.repos.people.findByEmail(schoolId, email);
  if (!existing) {
    const school = await deps.repos.schools.get(schoolId);
    const person = await deps.repos.people.create({
      id: deps.newId(),
      schoolId,
      email,
      name: name?.trim() || email,
      locale: school?.defaultLocale ?? deps.defaults.locale,
      localeSource: 'default',
      roles: [role],
      reachability: { state: 'reachable' },
      createdAt: now,
      updatedAt: now,
    });
    return { person, created: true, changed: true };
  }
  let changed = false;
  const person = await deps.repos.people.update(schoolId, existing.id, (p) => {
    changed = false; // only the attempt that is written counts
    const wantsName = name?.trim() && (p.name === p.email || p.name === 'Onbekend') && p.name !== name.trim();
    if (p.roles.includes(role) && !wantsName) return undefined;
    changed = true;
    return {
      ...p,
      roles: p.roles.includes(role) ? p.roles : [...p.roles, role],
      ...(wantsName ? { name: name!.trim() } : {}),
      updatedAt: now,
    };
  });
  return { person, created: false, changed };
}

export type AssignResult =
  | { ok: true; changed: boolean; student: Person; mentor: Person }
  | { ok: false; reason: 'invalid-student-email' | 'invalid-mentor-email' | 'same-person' };

/** Makes `mentor` a mentor of `student` (both by e-mail; created when new). Idempotent. */
export async function assignMentor(
  deps: InstallDeps,
  schoolId: string,
  input: { studentEmail: string; mentorEmail: string; studentName?: string; mentorName?: string },
): Promise<AssignResult> {
  if (!isEmail(input.studentEmail)) return { ok: false, reason: 'invalid-student-email' };
  if (!isEmail(input.mentorEmail)) return { ok: false, reason: 'invalid-mentor-email' };
  if (normalizeEmail(input.studentEmail) === normalizeEmail(input.mentorEmail)) return { ok: false, reason: 'same-person' };
  const student = await ensurePersonByEmail(deps, schoolId, input.studentEmail, 'student', input.studentName);
  const mentor = await ensurePersonByEmail(deps, schoolId, input.mentorEmail, 'mentor', input.mentorName);
  const { changed } = await deps.repos.assignments.assign(
    schoolId,
    student.person.id,
    mentor.person.id,
    deps.clock.now().toISOString(),
  );
  return { ok: true, changed: changed || student.created || mentor.created, student: student.person, mentor: mentor.person };
}
