import { parseSchoolYear } from '../src/core/time/school-year.ts';
import type { CheckEvidence } from '../src/modules/quality-cycle/check-evidence.ts';
import type { MilestoneView } from '../src/modules/quality-cycle/milestone-cards.ts';

// Sample data for the quality cycle's cards: used by the card tests (test/modules/quality-cycle/cards.test.ts) and by
// the gallery (scripts/card-samples.ts). `typed` stands for whatever someone at the school typed.

export function milestoneView(
  typed: string,
  overrides: Partial<MilestoneView['milestone']> = {},
  state: MilestoneView['state'] = 'due-soon',
): MilestoneView {
  return {
    cycle: {
      id: '2026-2027:team:havo-4',
      version: 1,
      schoolId: 's',
      schoolYear: '2026-2027',
      level: 'team',
      teamId: 'havo-4',
      milestones: [],
      createdAt: '',
      updatedAt: '',
    },
    milestone: {
      id: 'work-plan',
      phase: 'plan',
      title: typed,
      description: typed,
      due: '2026-08-31',
      owner: { kind: 'role', role: 'team-leader' },
      ...overrides,
    },
    team: {
      id: 'havo-4',
      version: 1,
      schoolId: 's',
      name: `Havo ${typed}`,
      kind: 'year',
      leaderIds: [],
      mentorIds: [],
      createdAt: '',
      updatedAt: '',
    },
    state,
    timeZone: 'Europe/Amsterdam',
    ownerNames: [`Lisa ${typed}`],
    purpose: 'channel',
  };
}

export function statusData(typed: string) {
  return {
    schoolYear: '2026-2027',
    remindDays: 14,
    more: false,
    sections: [
      {
        name: `Havo ${typed}`,
        level: 'team' as const,
        teamId: 'havo-4',
        counts: [
          { phase: 'plan' as const, done: 1, dueSoon: 0, overdue: 0, later: 0 },
          { phase: 'do' as const, done: 0, dueSoon: 1, overdue: 1, later: 0 },
          { phase: 'check' as const, done: 0, dueSoon: 0, overdue: 0, later: 2 },
          { phase: 'act' as const, done: 0, dueSoon: 0, overdue: 0, later: 1 },
        ],
        attention: [{ title: typed, due: '2026-09-30', state: 'overdue' as const }],
      },
    ],
  };
}

export function milestonesData(typed: string) {
  return {
    scope: { scope: 'team' as const, teamId: 'havo-4' },
    teamName: `Havo ${typed}`,
    schoolYear: '2026-2027',
    rows: [
      {
        id: 'x',
        phase: 'do' as const,
        due: '2026-09-30',
        title: typed,
        owner: { kind: 'person' as const, personId: 'p' },
        ownerNames: [typed],
      },
    ],
  };
}

export function editData(typed: string) {
  const year = parseSchoolYear('2026-2027')!;
  return {
    scope: { scope: 'template' as const },
    year,
    milestoneId: 'x',
    values: { phase: 'do', title: typed, due: '2027-09-01', owner: 'person', ownerEmail: 'a@b.nl', description: typed },
    problems: [{ field: 'due' as const, code: 'outside-year' as const, year }],
  };
}

export function evidenceData(typed: string): CheckEvidence {
  return {
    schoolId: 's',
    teamId: 'havo-4',
    teamName: `Havo ${typed}`,
    schoolYear: '2026-2027',
    from: '2026-08-01',
    to: '2026-11-29',
    generatedAt: '2026-11-29T10:00:00Z',
    students: 17,
    unreachable: { hidden: false, respondents: 17, value: { count: 2, share: 2 / 17 } },
    coverage: {
      groups: [
        { id: 'a', name: typed, small: true, figures: { hidden: true, reason: 'too-few-respondents' } },
        { id: 'b', name: 'Jansen', small: false, figures: { hidden: true, reason: 'too-few-respondents' } },
        {
          id: 'c',
          name: 'Smit',
          small: false,
          figures: {
            hidden: false,
            respondents: 8,
            value: { qualities: 0.75, motives: 0.25, 'work-exploration': 0, 'career-steering': 0, networking: 0.25 },
          },
        },
      ],
      total: {
        hidden: false,
        respondents: 17,
        value: { qualities: 0.35, motives: 0.12, 'work-exploration': 0, 'career-steering': 0.24, networking: 0.12 },
      },
    },
  };
}
