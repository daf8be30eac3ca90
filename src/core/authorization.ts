import type { MentorAssignment, Person, Reflection } from './entities.ts';
import type { Repositories } from './ports.ts';
import type { Role } from './types.ts';

// The authorization policy, in one place: may this person do this action on this resource? The Teams
// dispatcher asks it before a command or card verb runs (the role), and features ask it again with the
// resource in hand (ownership, assignment, school). Nothing a card sends is trusted: ids in card data are
// looked up and checked here against the acting person.

/** Every action, with the roles that may attempt it. 'everyone' includes people with no role at all. */
export const actionRoles = {
  help: 'everyone',
  /** A person's own data and settings: their overview, their dossier export, their language, their pause. */
  'self.data': 'everyone',
  /** A student starts a reflection of their own. */
  'reflection.start': ['student'],
  /** A student saves their answers; only on their own reflection. */
  'reflection.submit': ['student'],
  /** The answers of one reflection: the student who wrote them, and that student's active mentors. */
  'reflection.read': ['student', 'mentor'],
  /** A student's dossier (their reflections over time): the student, and their active mentors. */
  'dossier.read': ['student', 'mentor'],
  /**
   * A subject teacher notices a talent and tells the student (and their mentor): only students of the
   * teacher's own classes. It gives no read access to anything of the student.
   */
  'talent.send': ['teacher'],
  /**
   * A student shares their own reflection (or dossier summary) through a link: with their internship
   * supervisor, who may answer once, or with a parent, read-only. Links are made, listed and revoked by
   * the student only; whoever holds a link sees what it names and nothing else (src/modules/sharing).
   */
  'reflection.share': ['student'],
  /** A mentor's own digest and follow-up of their students. */
  'mentor.digest': ['mentor'],
  /** Response rates and competency coverage: aggregates only, small groups hidden (see aggregates.ts). */
  'aggregates.read': ['coordinator', 'team-leader', 'admin'],
  /** Scheduling prompts around internships and events. */
  'campaign.manage': ['coordinator', 'admin'],
  /** The school's prompt library. */
  'prompts.manage': ['coordinator', 'admin'],
  /** The yearly PDCA quality cycle of a team: its status and milestones (team leaders: their own teams). */
  'quality-cycle.manage': ['team-leader', 'coordinator', 'admin'],
  /** The school level of the cycle (the LOB policy plan) and the template for every team's work plan. */
  'quality-cycle.policy': ['coordinator', 'admin'],
  /** Marking a milestone done: its owners, the team's leaders, coordinators and admins. */
  'quality-cycle.complete': ['mentor', 'coordinator', 'team-leader', 'admin'],
  /** Giving and taking roles, school settings. */
  'school.admin': ['admin'],
} as const satisfies Record<string, readonly Role[] | 'everyone'>;

export type Action = keyof typeof actionRoles;

export type Resource =
  | { kind: 'reflection'; reflection: Pick<Reflection, 'schoolId' | 'studentId'>; mentorsOfStudent?: MentorAssignment[] }
  | {
      kind: 'student';
      student: Pick<Person, 'id' | 'schoolId'>;
      mentorsOfStudent?: MentorAssignment[];
      /** The teachers of the student's classes (for a talent signal); without them a teacher is refused. */
      teachersOfStudent?: readonly string[];
    }
  | { kind: 'school'; schoolId: string }
  /** An education team (its cycle, its aggregates): team leaders only their own team. */
  | { kind: 'education-team'; schoolId: string; leaderIds: readonly string[] }
  /** A milestone of the quality cycle: its owners (people, or the holders of the owner role) and the team's leaders. */
  | { kind: 'milestone'; schoolId: string; ownerIds: readonly string[]; leaderIds: readonly string[] };

export type Refusal = 'role' | 'other-school' | 'not-owner' | 'not-their-mentor' | 'not-their-team' | 'not-their-class';
export type Decision = { allowed: true } | { allowed: false; reason: Refusal };

const allow: Decision = { allowed: true };
const refuse = (reason: Refusal): Decision => ({ allowed: false, reason });

export function hasAnyRole(actor: Pick<Person, 'roles'>, roles: readonly Role[] | 'everyone'): boolean {
  return roles === 'everyone' || roles.some((r) => actor.roles.includes(r));
}

function isActiveMentor(actor: Pick<Person, 'id' | 'roles'>, studentId: string, mentors: MentorAssignment[] | undefined) {
  return (
    actor.roles.includes('mentor') &&
    (mentors ?? []).some((a) => a.active && a.studentId === studentId && a.mentorId === actor.id)
  );
}

/**
 * The decision for data in hand. For reflection and student resources the mentor rule needs the student's
 * assignments (`mentorsOfStudent`); without them a mentor is refused. Use `authorize` to have them loaded.
 */
export function decide(actor: Pick<Person, 'id' | 'schoolId' | 'roles'>, action: Action, resource?: Resource): Decision {
  if (!hasAnyRole(actor, actionRoles[action])) return refuse('role');
  if (!resource) return allow;
  const schoolId =
    resource.kind === 'reflection'
      ? resource.reflection.schoolId
      : resource.kind === 'student'
        ? resource.student.schoolId
        : resource.schoolId;
  if (schoolId !== actor.schoolId) return refuse('other-school');
  if (resource.kind === 'school') return allow;
  if (resource.kind === 'education-team' || resource.kind === 'milestone') return decideForTeam(actor, resource);

  const studentId = resource.kind === 'reflection' ? resource.reflection.studentId : resource.student.id;
  const own = studentId === actor.id && actor.roles.includes('student');
  switch (action) {
    case 'reflection.submit':
      return own ? allow : refuse('not-owner');
    case 'talent.send':
      // About a student of one of the teacher's classes; a student never signals themselves.
      return resource.kind === 'student' && studentId !== actor.id && (resource.teachersOfStudent ?? []).includes(actor.id)
        ? allow
        : refuse('not-their-class');
    case 'reflection.read':
    case 'dossier.read':
      if (own) return allow;
      return isActiveMentor(actor, studentId, resource.mentorsOfStudent) ? allow : refuse('not-their-mentor');
    default:
      // Actions on a person that are not listed above are about the actor's own data only.
      return own ? allow : refuse('not-owner');
  }
}

/** Coordinators and admins act for every team of their school; a team leader for their own teams; owners on their milestones. */
function decideForTeam(
  actor: Pick<Person, 'id' | 'roles'>,
  resource: Extract<Resource, { kind: 'education-team' | 'milestone' }>,
): Decision {
  if (actor.roles.includes('coordinator') || actor.roles.includes('admin')) return allow;
  if (actor.roles.includes('team-leader') && resource.leaderIds.includes(actor.id)) return allow;
  if (resource.kind === 'milestone' && resource.ownerIds.includes(actor.id)) return allow;
  return refuse(resource.kind === 'milestone' ? 'not-owner' : 'not-their-team');
}

/** `decide`, loading the student's assignments from the store when the mentor rule needs them. */
export async function authorize(
  repos: Pick<Repositories, 'assignments'>,
  actor: Pick<Person, 'id' | 'schoolId' | 'roles'>,
  action: Action,
  resource?: Resource,
): Promise<Decision> {
  const first = decide(actor, action, resource);
  if (
    first.allowed ||
    first.reason !== 'not-their-mentor' ||
    !resource ||
    (resource.kind !== 'reflection' && resource.kind !== 'student') ||
    resource.mentorsOfStudent
  )
    return first;
  const student = resource.kind === 'reflection' ? resource.reflection.studentId : resource.student.id;
  const mentorsOfStudent = await repos.assignments.activeMentorsOf(actor.schoolId, student);
  return decide(actor, action, { ...resource, mentorsOfStudent });
}

/** Whether the actor may use a command or card verb at all (before any resource is looked at). */
export function mayUse(
  actor: Pick<Person, 'id' | 'schoolId' | 'roles'>,
  entry: { action?: Action; roles?: readonly Role[] },
): boolean {
  if (entry.action) return decide(actor, entry.action).allowed;
  return hasAnyRole(actor, entry.roles ?? 'everyone');
}
