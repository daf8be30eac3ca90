import { describe, expect, it } from 'vitest';
import { aggregate, aggregateGroups, mayShowAggregate } from '../../src/core/aggregates.ts';
import { type Action, actionRoles, authorize, decide, mayUse } from '../../src/core/authorization.ts';
import type { MentorAssignment, Person } from '../../src/core/entities.ts';
import type { Role } from '../../src/core/types.ts';

const school = 'tenant-a';
const person = (id: string, roles: Role[], schoolId = school): Pick<Person, 'id' | 'schoolId' | 'roles'> => ({
  id,
  schoolId,
  roles,
});
const assignment = (studentId: string, mentorId: string, active = true): MentorAssignment => ({
  id: `${studentId}:${mentorId}`,
  version: 1,
  schoolId: school,
  studentId,
  mentorId,
  active,
  since: '2026-09-01T00:00:00Z',
});

const sanne = person('sanne', ['student']);
const daan = person('daan', ['student']);
const jansen = person('jansen', ['mentor']);
const bakker = person('bakker', ['mentor']);
const coordinator = person('coord', ['coordinator']);
const leader = person('leader', ['team-leader']);
const admin = person('admin', ['admin']);
const nobody = person('nobody', []);
const elsewhere = person('sanne-b', ['student', 'mentor'], 'tenant-b');

const reflectionOf = (studentId: string, schoolId = school) => ({
  kind: 'reflection' as const,
  reflection: { schoolId, studentId },
  mentorsOfStudent: [assignment('sanne', 'jansen'), assignment('sanne', 'bakker', false)],
});

describe('the authorization policy', () => {
  it('lets students act on their own reflections only', () => {
    expect(decide(sanne, 'reflection.submit', reflectionOf('sanne'))).toEqual({ allowed: true });
    expect(decide(daan, 'reflection.submit', reflectionOf('sanne'))).toEqual({ allowed: false, reason: 'not-owner' });
    expect(decide(daan, 'reflection.read', reflectionOf('sanne'))).toEqual({ allowed: false, reason: 'not-their-mentor' });
    expect(decide(jansen, 'reflection.submit', reflectionOf('sanne'))).toEqual({ allowed: false, reason: 'role' });
    expect(decide(elsewhere, 'reflection.submit', reflectionOf('sanne-b'))).toEqual({ allowed: false, reason: 'other-school' });
  });

  it('shows a reflection to the active mentors of its student, and to no other mentor', () => {
    expect(decide(jansen, 'reflection.read', reflectionOf('sanne'))).toEqual({ allowed: true });
    expect(
      decide(jansen, 'dossier.read', {
        kind: 'student',
        student: { id: 'sanne', schoolId: school },
        mentorsOfStudent: [assignment('sanne', 'jansen')],
      }),
    ).toEqual({ allowed: true });
    // Bakker's assignment ended.
    expect(decide(bakker, 'reflection.read', reflectionOf('sanne'))).toEqual({ allowed: false, reason: 'not-their-mentor' });
    // Without the assignments in hand, a mentor is refused rather than trusted.
    expect(
      decide(jansen, 'reflection.read', { kind: 'reflection', reflection: { schoolId: school, studentId: 'sanne' } }),
    ).toEqual({
      allowed: false,
      reason: 'not-their-mentor',
    });
    // An assignment for Jansen who is no longer a mentor counts for nothing.
    expect(decide(person('jansen', ['student']), 'reflection.read', reflectionOf('sanne')).allowed).toBe(false);
  });

  it('never shows answers to coordinators, team leaders or admins: aggregates only', () => {
    for (const actor of [coordinator, leader, admin]) {
      expect(decide(actor, 'reflection.read', reflectionOf('sanne'))).toEqual({ allowed: false, reason: 'role' });
      expect(decide(actor, 'dossier.read', { kind: 'student', student: { id: 'sanne', schoolId: school } }).allowed).toBe(false);
      expect(decide(actor, 'aggregates.read', { kind: 'school', schoolId: school })).toEqual({ allowed: true });
      expect(decide(actor, 'aggregates.read', { kind: 'school', schoolId: 'tenant-b' })).toEqual({
        allowed: false,
        reason: 'other-school',
      });
    }
    for (const actor of [sanne, jansen, nobody]) expect(decide(actor, 'aggregates.read').allowed).toBe(false);
  });

  it('gives each management action to its roles only', () => {
    const table: [Action, Pick<Person, 'id' | 'schoolId' | 'roles'>[], Pick<Person, 'id' | 'schoolId' | 'roles'>[]][] = [
      ['campaign.manage', [coordinator, admin], [sanne, jansen, leader, nobody]],
      ['prompts.manage', [coordinator, admin], [sanne, jansen, leader, nobody]],
      // Coordinators edit the cycle per school and per team too (issue 6); team leaders only their teams (resource rule).
      ['quality-cycle.manage', [leader, coordinator, admin], [sanne, jansen, nobody]],
      ['quality-cycle.policy', [coordinator, admin], [sanne, jansen, leader, nobody]],
      ['quality-cycle.complete', [jansen, coordinator, leader, admin], [sanne, nobody]],
      ['school.admin', [admin], [sanne, jansen, coordinator, leader, nobody]],
      ['mentor.digest', [jansen], [sanne, coordinator, nobody]],
      ['reflection.start', [sanne], [jansen, coordinator, nobody]],
      ['help', [sanne, jansen, coordinator, leader, admin, nobody], []],
    ];
    for (const [action, allowed, refused] of table) {
      for (const a of allowed)
        expect({ action, who: a.id, ok: decide(a, action).allowed }).toEqual({ action, who: a.id, ok: true });
      for (const a of refused)
        expect({ action, who: a.id, ok: decide(a, action).allowed }).toEqual({ action, who: a.id, ok: false });
    }
    expect(Object.keys(actionRoles)).toContain('school.admin');
  });

  it('checks commands and verbs by action, or by plain roles for those without one', () => {
    expect(mayUse(sanne, { action: 'reflection.start' })).toBe(true);
    expect(mayUse(jansen, { action: 'reflection.start' })).toBe(false);
    expect(mayUse(jansen, { roles: ['mentor'] })).toBe(true);
    expect(mayUse(sanne, { roles: ['mentor', 'coordinator'] })).toBe(false);
    expect(mayUse(nobody, {})).toBe(true);
  });

  it('lets a teacher signal a student of their classes, and see nothing of any student', () => {
    const teacher = person('vos', ['teacher']);
    const studentOf = (id: string, teachers: string[], schoolId = school) => ({
      kind: 'student' as const,
      student: { id, schoolId },
      teachersOfStudent: teachers,
    });
    expect(decide(teacher, 'talent.send', studentOf('sanne', ['vos']))).toEqual({ allowed: true });
    expect(decide(teacher, 'talent.send', studentOf('daan', ['other']))).toEqual({ allowed: false, reason: 'not-their-class' });
    expect(decide(teacher, 'talent.send', { kind: 'student', student: { id: 'sanne', schoolId: school } })).toEqual({
      allowed: false,
      reason: 'not-their-class',
    });
    expect(decide(teacher, 'talent.send', studentOf('sanne', ['vos'], 'tenant-b'))).toEqual({
      allowed: false,
      reason: 'other-school',
    });
    // A mentor of the student is no teacher of the class.
    expect(decide(jansen, 'talent.send', studentOf('sanne', ['jansen'])).allowed).toBe(false);
    // A teacher cannot see a reflection or a dossier, not even of a student of their class.
    for (const action of ['reflection.read', 'dossier.read', 'mentor.digest', 'aggregates.read', 'reflection.submit'] as const) {
      expect(decide(teacher, action, reflectionOf('sanne'))).toEqual({ allowed: false, reason: 'role' });
    }
    expect(decide(teacher, 'dossier.read', studentOf('sanne', ['vos']))).toEqual({ allowed: false, reason: 'role' });
  });

  it('loads the assignments when the mentor rule needs them', async () => {
    const repos = {
      assignments: {
        activeMentorsOf: async (_s: string, studentId: string) => (studentId === 'sanne' ? [assignment('sanne', 'jansen')] : []),
      },
    } as unknown as Parameters<typeof authorize>[0];
    const resource = { kind: 'reflection' as const, reflection: { schoolId: school, studentId: 'sanne' } };
    expect(await authorize(repos, jansen, 'reflection.read', resource)).toEqual({ allowed: true });
    expect(await authorize(repos, bakker, 'reflection.read', resource)).toEqual({ allowed: false, reason: 'not-their-mentor' });
    expect(await authorize(repos, coordinator, 'reflection.read', resource)).toEqual({ allowed: false, reason: 'role' });
  });
});

describe('aggregates for coordinators', () => {
  it('hides groups under 5 respondents', () => {
    expect(mayShowAggregate(4)).toBe(false);
    expect(mayShowAggregate(5)).toBe(true);
    expect(mayShowAggregate(Number.NaN)).toBe(false);
    expect(aggregate(4, { rate: 0.5 })).toEqual({ hidden: true, reason: 'too-few-respondents' });
    expect(aggregate(12, { rate: 0.5 })).toEqual({ hidden: false, respondents: 12, value: { rate: 0.5 } });
  });

  it('hides a second group when one hidden group could be worked out from a shown total', () => {
    const groups = [
      { key: '4A', respondents: 3, value: 1 },
      { key: '4B', respondents: 9, value: 2 },
      { key: '4C', respondents: 7, value: 3 },
    ];
    const shown = (r: ReturnType<typeof aggregateGroups<string, number>>) => r.filter((g) => !g.figures.hidden).map((g) => g.key);
    expect(shown(aggregateGroups(groups, { totalShown: true }))).toEqual(['4B']);
    expect(shown(aggregateGroups(groups, { totalShown: false }))).toEqual(['4B', '4C']);
    const twoSmall = [...groups, { key: '4D', respondents: 2, value: 4 }];
    expect(shown(aggregateGroups(twoSmall, { totalShown: true }))).toEqual(['4B', '4C']);
  });
});
