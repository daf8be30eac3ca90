import { describe, expect, it } from 'vitest';
import { schoolYearOf } from '../../../src/core/time/school-year.ts';
import {
  buildCheckEvidence,
  type CheckEvidenceSource,
  type EvidencePeriodChoice,
  type EvidenceQuery,
  evidencePeriod,
  relatedPeriods,
} from '../../../src/modules/quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../../../src/modules/quality-cycle/quality-cycle.ts';

// A team leader can open the Check evidence for the year so far and for each half, and the counts add
// up: year = h1 + h2. Every figure counted per period must therefore be hidden for the three periods
// together, or the year minus one half gives back a half that was hidden for being about 1 to 4 students.

const tz = 'Europe/Amsterdam';
const clockOn = (today: string) => ({ today, year: schoolYearOf(today), timeZone: tz });
const team: EducationTeam = {
  id: 'jaar-4',
  version: 1,
  schoolId: 'school-1',
  name: 'Jaar 4',
  kind: 'year',
  leaderIds: ['leader'],
  mentorIds: [],
  teamsTeamId: '19:year-4@thread.tacv2',
  createdAt: '2026-08-01T00:00:00.000Z',
  updatedAt: '2026-08-01T00:00:00.000Z',
};
const students = Array.from({ length: 20 }, (_, i) => `s-${i}`);

type Row = { studentId: string; at: string; yes: boolean; also?: boolean };
const within = (rows: readonly Row[], q: EvidenceQuery) =>
  rows.filter((r) => r.at >= q.period.start.toISOString() && r.at < q.period.end.toISOString());

function sourceWith(input: { followUp?: readonly Row[]; prompts?: readonly Row[] }): CheckEvidenceSource {
  return {
    groups: async () => [{ id: 'g-4a', name: '4A', studentIds: students }],
    competencies: async () => new Map(),
    unreachableStudents: async () => 0,
    followUp: async (q) => {
      if (!input.followUp) return undefined;
      const r = within(input.followUp, q);
      return {
        reflections: r.length,
        discussed: r.filter((x) => x.yes).length,
        withNote: r.filter((x) => x.also).length,
        students: new Set(r.map((x) => x.studentId)).size,
      };
    },
    campaigns: async (q) => {
      if (!input.prompts) return undefined;
      const r = within(input.prompts, q);
      return {
        activitiesHeld: [],
        promptsSent: r.length,
        answered: r.filter((x) => x.yes).length,
        reminded: 0,
        studentsPrompted: new Set(r.map((x) => x.studentId)).size,
        smallCampaigns: 0,
      };
    },
  };
}

async function evidence(source: CheckEvidenceSource, choice: EvidencePeriodChoice, today: string) {
  const clock = clockOn(today);
  const { year, period } = evidencePeriod(choice, clock);
  return buildCheckEvidence(source, {
    schoolId: 'school-1',
    team,
    schoolYear: year.id,
    period,
    now: new Date(`${today}T10:00:00Z`),
    related: relatedPeriods(choice, clock),
  });
}

describe('Check evidence: periods that add up are decided together', () => {
  it('mentor follow-up of a first half about 3 students does not follow from the year minus the second half', async () => {
    // Reflections that reached a mentor: 3 students in October, 10 others in March.
    const source = sourceWith({
      followUp: [
        ...[0, 1, 2].map((i) => ({ studentId: `s-${i}`, at: '2026-10-10T10:00:00.000Z', yes: i === 0, also: i < 2 })),
        ...Array.from({ length: 10 }, (_, i) => ({
          studentId: `s-${i + 5}`,
          at: '2027-03-01T10:00:00.000Z',
          yes: true,
          also: i < 5,
        })),
      ],
    });
    const today = '2027-03-15';
    const [year, h1, h2] = [
      await evidence(source, 'year', today),
      await evidence(source, 'h1', today),
      await evidence(source, 'h2', today),
    ];
    expect(h1.followUp?.hidden).toBe(true);
    const derived =
      year.followUp && !year.followUp.hidden && h2.followUp && !h2.followUp.hidden
        ? {
            reflections: year.followUp.value.reflections - h2.followUp.value.reflections,
            discussed: year.followUp.value.discussed - h2.followUp.value.discussed,
            withNote: year.followUp.value.withNote - h2.followUp.value.withNote,
          }
        : undefined;
    expect(derived, `first half follow-up derived: ${JSON.stringify(derived)}`).toBeUndefined();
    // Hiding one of the two bigger periods is enough: the other keeps its figures.
    expect([year.followUp?.hidden, h2.followUp?.hidden].filter(Boolean)).toHaveLength(1);
  });

  // On 1 August the year so far becomes "previous year". A team leader who saw (or downloaded) last July's
  // halves subtracts the second half from it: previous − h2 = h1.
  it('"previous year" is decided with that year’s halves, so last July’s second half does not give back the first', async () => {
    // First half: a school-wide campaign reached 3 of the team's students (1 answered); second half: all 20.
    const prompts = [
      ...[0, 1, 2].map((i) => ({ studentId: `s-${i}`, at: '2026-10-20T13:00:00.000Z', yes: i === 0 })),
      ...students.map((studentId, i) => ({ studentId, at: '2027-03-10T13:00:00.000Z', yes: i < 12 })),
    ];
    const followUp = prompts.map((p) => ({ ...p, also: p.yes }));
    const source = sourceWith({ prompts, followUp });
    const july = '2027-07-31';
    const h1 = await evidence(source, 'h1', july);
    const h2 = await evidence(source, 'h2', july);
    expect(h1.prompts?.hidden).toBe(true);
    expect(h1.followUp?.hidden).toBe(true);
    const previous = await evidence(source, 'previous', '2027-08-01');
    expect(previous.from).toBe('2026-08-01');
    // What the two shown figures would give: the first half's counts (the rates are no sums).
    const minus = (a: Record<string, number>, b: Record<string, number>) =>
      Object.fromEntries(Object.keys(a).flatMap((k) => (k.endsWith('Rate') ? [] : [[k, a[k]! - b[k]!]])));
    for (const figure of ['prompts', 'followUp'] as const) {
      const [p, h] = [previous[figure], h2[figure]];
      const derived = p && !p.hidden && h && !h.hidden ? minus(p.value, h.value) : undefined;
      expect(derived, `first half ${figure} from previous − h2: ${JSON.stringify(derived)}`).toBeUndefined();
    }
  });
});
