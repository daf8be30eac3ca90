import { describe, expect, it } from 'vitest';
import { decide } from '../../../src/core/authorization.ts';
import type { Role } from '../../../src/core/types.ts';

// The policy's rules for the quality cycle: team leaders act on their own teams, owners on their
// milestones, coordinators and admins on every team of their school, nobody across schools.

const person = (id: string, ...roles: Role[]) => ({ id, schoolId: 'school', roles });
const lisa = person('lisa', 'team-leader');
const olaf = person('olaf', 'team-leader');
const piet = person('piet', 'mentor');
const cor = person('cor', 'coordinator');
const admin = person('adm', 'admin');
const sanne = person('sanne', 'student');
const team = { kind: 'education-team', schoolId: 'school', leaderIds: ['lisa'] } as const;
const milestone = { kind: 'milestone', schoolId: 'school', ownerIds: ['piet'], leaderIds: ['lisa'] } as const;

describe('the quality cycle in the authorization policy', () => {
  it('lets a team leader manage and read the figures of their own team only; coordinators and admins every team', () => {
    for (const action of ['quality-cycle.manage', 'aggregates.read'] as const) {
      expect(decide(lisa, action, team)).toEqual({ allowed: true });
      expect(decide(olaf, action, team)).toEqual({ allowed: false, reason: 'not-their-team' });
      expect(decide(cor, action, team)).toEqual({ allowed: true });
      expect(decide(admin, action, team)).toEqual({ allowed: true });
      expect(decide(piet, action, team)).toEqual({ allowed: false, reason: 'role' });
      expect(decide(cor, action, { ...team, schoolId: 'other' })).toEqual({ allowed: false, reason: 'other-school' });
    }
  });

  it('lets owners, the team leader, coordinators and admins mark a milestone done; nobody else', () => {
    const done = (who: ReturnType<typeof person>) => decide(who, 'quality-cycle.complete', milestone);
    expect(done(piet)).toEqual({ allowed: true });
    expect(done(lisa)).toEqual({ allowed: true });
    expect(done(cor)).toEqual({ allowed: true });
    expect(done(admin)).toEqual({ allowed: true });
    expect(done(olaf)).toEqual({ allowed: false, reason: 'not-owner' });
    expect(done(person('jan', 'mentor'))).toEqual({ allowed: false, reason: 'not-owner' });
    expect(done(sanne)).toEqual({ allowed: false, reason: 'role' });
    // An owner with a student role only cannot be made (milestone owners are staff), and would be refused.
    expect(decide(sanne, 'quality-cycle.complete', { ...milestone, ownerIds: ['sanne'] })).toEqual({
      allowed: false,
      reason: 'role',
    });
  });

  it('keeps the school level and the template to coordinators and admins', () => {
    const school = { kind: 'school', schoolId: 'school' } as const;
    expect(decide(cor, 'quality-cycle.policy', school).allowed).toBe(true);
    expect(decide(admin, 'quality-cycle.policy', school).allowed).toBe(true);
    expect(decide(lisa, 'quality-cycle.policy', school)).toEqual({ allowed: false, reason: 'role' });
  });
});
