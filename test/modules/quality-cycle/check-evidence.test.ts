import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import type { InstallDeps } from '../../../src/core/install.ts';
import type { Repositories } from '../../../src/core/ports.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { schoolYearOf } from '../../../src/core/time/school-year.ts';
import { addDays, startOfDay } from '../../../src/core/time/zoned-time.ts';
import { type Competency, competencies } from '../../../src/core/types.ts';
import { buildCheckEvidence, type EvidencePeriod, evidencePeriod } from '../../../src/modules/quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../../../src/modules/quality-cycle/quality-cycle.ts';
import { StoreEvidenceSource } from '../../../src/modules/quality-cycle/store-evidence.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';
import { InMemoryCampaignLedger, InMemoryFollowUp } from '../../helpers/evidence-ledger.ts';
import { submittedReflection } from '../../helpers/quality-cycle.ts';

// The Check evidence over a real store (both backends): groups from mentor assignments, competency coverage
// from submitted reflections in the period, reachability from people; campaign and follow-up figures from
// the in-memory ledger that stands in for issues 4 and 5. Small groups are never shown with figures.

const schoolId = 'school-1';
const tz = 'Europe/Amsterdam';
const period: EvidencePeriod = {
  from: '2026-08-01',
  to: '2026-11-29',
  start: startOfDay('2026-08-01', tz),
  end: startOfDay('2026-11-30', tz),
};

describe.each(backends)('check evidence over the store: $name', (backend) => {
  let store: DocumentStore;
  let repos: Repositories;
  let install: InstallDeps;
  let n = 0;

  beforeEach(async () => {
    store = await backend.open();
    repos = await openRepositories(store);
    install = {
      repos,
      clock: new ManualClock('2026-11-29T10:00:00Z'),
      newId: () => `id-${++n}`,
      defaults: { locale: 'nl', timeZone: tz },
    };
  });
  afterEach(async () => {
    await store.close();
  });

  /** A mentor with `size` students; returns the students. */
  async function group(mentor: string, size: number): Promise<{ mentor: Person; students: Person[] }> {
    const students: Person[] = [];
    let mentorPerson: Person | undefined;
    for (let i = 0; i < size; i++) {
      const r = await assignMentor(install, schoolId, {
        studentEmail: `${mentor}-s${i}@school.nl`,
        mentorEmail: `${mentor}@school.nl`,
      });
      if (!r.ok) throw new Error('assignment failed');
      students.push(r.student);
      mentorPerson = r.mentor;
    }
    return { mentor: mentorPerson!, students };
  }

  async function reflect(student: Person, submittedAt: string, tags: Competency[]) {
    await repos.reflections.create(
      submittedReflection({
        id: `r-${++n}`,
        schoolId,
        studentId: student.id,
        at: submittedAt,
        competencies: tags,
        answer: 'never shown in evidence',
      }),
    );
  }

  function team(mentors: Person[]): EducationTeam {
    return {
      id: 'havo-4',
      version: 1,
      schoolId,
      name: 'Havo 4',
      kind: 'year',
      leaderIds: [],
      mentorIds: mentors.map((m) => m.id),
      teamsTeamId: '19:team@thread.tacv2',
      createdAt: '2026-08-01T00:00:00Z',
      updatedAt: '2026-08-01T00:00:00Z',
    };
  }

  it('computes coverage per mentor group and for the team, and hides small groups and the group that would give one away', async () => {
    const a = await group('jansen', 6);
    const b = await group('bakker', 3);
    const c = await group('smit', 8);
    // Smit's group: 6 of 8 students reflected on qualities in the period, 2 on networking; one reflection
    // before the period and one after it do not count; an open (unsubmitted) one neither.
    for (const s of c.students.slice(0, 6)) await reflect(s, '2026-09-15T10:00:00Z', ['qualities']);
    for (const s of c.students.slice(0, 2)) await reflect(s, '2026-10-01T10:00:00Z', ['networking', 'motives']);
    await reflect(c.students[7]!, '2026-07-20T10:00:00Z', ['work-exploration']);
    await reflect(c.students[7]!, '2026-11-30T08:00:00Z', ['career-steering']);
    await repos.reflections.create({
      id: `r-${++n}`,
      schoolId,
      studentId: c.students[6]!.id,
      flowId: 'free',
      locale: 'nl',
      status: 'open',
      createdAt: '2026-10-01T10:00:00Z',
      answers: {},
      competencies: [],
      routing: 'none',
    });
    for (const s of a.students.slice(0, 3)) await reflect(s, '2026-09-01T10:00:00Z', ['career-steering']);
    await reflect(b.students[0]!, '2026-09-01T10:00:00Z', ['career-steering']);
    // Two students removed the app.
    for (const s of [a.students[0]!, c.students[1]!]) {
      await repos.people.update(schoolId, s.id, (p) => ({
        ...p,
        reachability: { state: 'unreachable', since: '2026-10-01', reason: 'uninstalled' },
      }));
    }

    const evidence = await buildCheckEvidence(new StoreEvidenceSource({ repos }), {
      schoolId,
      team: team([a.mentor, b.mentor, c.mentor]),
      schoolYear: '2026-2027',
      period,
      now: new Date('2026-11-29T10:00:00Z'),
    });

    expect(evidence.students).toBe(17);
    const byName = Object.fromEntries(evidence.coverage.groups.map((g) => [g.name, g]));
    // Bakker's group has 3 students: hidden. Jansen's (6) is then the smallest shown group, and with the team
    // total on the card it would give Bakker's away: hidden too.
    expect(byName['bakker@school.nl']).toMatchObject({ small: true, figures: { hidden: true } });
    expect(byName['jansen@school.nl']).toMatchObject({ small: false, figures: { hidden: true } });
    const smit = byName['smit@school.nl']!.figures;
    expect(smit.hidden).toBe(false);
    if (!smit.hidden) {
      expect(smit.value).toEqual({
        qualities: 6 / 8,
        motives: 2 / 8,
        'work-exploration': 0,
        'career-steering': 0,
        networking: 2 / 8,
      });
    }
    const total = evidence.coverage.total;
    expect(total.hidden).toBe(false);
    if (!total.hidden) {
      expect(total.value['qualities']).toBeCloseTo(6 / 17);
      expect(total.value['career-steering']).toBeCloseTo(4 / 17);
    }
    expect(evidence.unreachable).toEqual({ hidden: false, respondents: 17, value: { count: 2, share: 2 / 17 } });
    // Not connected yet: no figures, never zeros that look real.
    expect(evidence.activitiesHeld).toBeUndefined();
    expect(evidence.prompts).toBeUndefined();
    expect(evidence.followUp).toBeUndefined();
    expect(JSON.stringify(evidence)).not.toContain('never shown');
  });

  it('takes activities, prompts, reminders and follow-up from the campaign ledger and mentor follow-up ports', async () => {
    const ledger = new InMemoryCampaignLedger();
    const followUp = new InMemoryFollowUp();
    const a = await group('jansen', 6);
    const b = await group('bakker', 4);
    ledger.groups = [
      { id: 'klas-4h1', name: '4H1', teamsTeamId: '19:team@thread.tacv2', studentIds: a.students.map((s) => s.id) },
      { id: 'klas-4h2', name: '4H2', teamsTeamId: '19:team@thread.tacv2', studentIds: b.students.map((s) => s.id) },
      { id: 'klas-5v1', name: '5V1', teamsTeamId: '19:other@thread.tacv2', studentIds: ['someone-else'] },
    ];
    ledger.activities = [
      { id: 'stage', type: 'internship', date: '2026-10-05', groupIds: ['klas-4h1', 'klas-4h2'] },
      { id: 'open-dag', type: 'open-day', date: '2026-11-14', groupIds: ['klas-4h1'] },
      { id: 'meeloop', type: 'shadow-day', date: '2026-11-20', groupIds: ['klas-5v1'] },
      { id: 'later', type: 'open-day', date: '2027-01-20', groupIds: ['klas-4h1'] },
    ];
    const all = [...a.students, ...b.students];
    all.forEach((s, i) => {
      ledger.deliveries.push({
        id: `d-${i}`,
        activityId: 'stage',
        studentId: s.id,
        state: i < 7 ? 'answered' : i < 9 ? 'closed' : 'unreachable',
        ...(i < 9 ? { sentAt: '2026-10-06T08:00:00Z' } : {}),
        reminders: i >= 5 && i < 9 ? 1 : 0,
        ...(i < 7 ? { answeredAt: '2026-10-07T12:00:00Z' } : {}),
      });
    });
    ledger.deliveries.push({ id: 'planned', activityId: 'later', studentId: all[0]!.id, state: 'planned', reminders: 0 });
    followUp.rows = all.slice(0, 7).map((s, i) => ({
      reflectionId: `r${i}`,
      studentId: s.id,
      submittedAt: '2026-10-07T12:00:00Z',
      reachedMentor: true,
      discussed: i < 5,
      ...(i < 2 ? { note: 'private note' } : {}),
    }));

    const evidence = await buildCheckEvidence(
      new StoreEvidenceSource({ repos, groups: ledger.groupsOf, campaigns: ledger, followUp }),
      { schoolId, team: team([]), schoolYear: '2026-2027', period, now: new Date('2026-11-29T10:00:00Z') },
    );
    expect(evidence.coverage.groups.map((g) => [g.name, g.small, g.figures.hidden])).toEqual([
      ['4H1', false, true], // shown total + one hidden group: the next smallest is hidden too
      ['4H2', true, true],
    ]);
    expect(evidence.activitiesHeld).toEqual([
      { activityType: 'internship', count: 1 },
      { activityType: 'open-day', count: 1 },
    ]);
    expect(evidence.prompts).toEqual({
      hidden: false,
      respondents: 9,
      value: { sent: 9, answered: 7, responseRate: 7 / 9, reminded: 4, reminderRate: 4 / 9 },
    });
    expect(evidence.followUp).toEqual({
      hidden: false,
      respondents: 7,
      value: { reflections: 7, discussed: 5, discussedRate: 5 / 7, withNote: 2, noteRate: 2 / 7 },
    });
  });

  it('hides every figure of a team with fewer than 5 students', async () => {
    const a = await group('jansen', 4);
    for (const s of a.students) await reflect(s, '2026-09-01T10:00:00Z', [...competencies]);
    const ledger = new InMemoryCampaignLedger();
    ledger.deliveries = a.students.map((s, i) => ({
      id: `d${i}`,
      activityId: 'x',
      studentId: s.id,
      state: 'answered',
      sentAt: '2026-09-01T08:00:00Z',
      reminders: 0,
    }));
    const evidence = await buildCheckEvidence(new StoreEvidenceSource({ repos, campaigns: ledger }), {
      schoolId,
      team: team([a.mentor]),
      schoolYear: '2026-2027',
      period,
      now: new Date('2026-11-29T10:00:00Z'),
    });
    expect(evidence.coverage.total.hidden).toBe(true);
    expect(evidence.coverage.groups[0]?.figures.hidden).toBe(true);
    expect(evidence.unreachable.hidden).toBe(true);
    expect(evidence.prompts?.hidden).toBe(true);
  });
});

describe('evidence periods', () => {
  const clock = (today: string) => ({ today, year: schoolYearOf(today), timeZone: tz });

  it('runs from the start of the school year (or half) up to today, in the school time zone', () => {
    expect(evidencePeriod('year', clock('2026-11-29')).period).toMatchObject({ from: '2026-08-01', to: '2026-11-29' });
    expect(evidencePeriod('h1', clock('2026-11-29')).period).toMatchObject({ from: '2026-08-01', to: '2026-11-29' });
    expect(evidencePeriod('h1', clock('2027-03-01')).period).toMatchObject({ from: '2026-08-01', to: '2027-01-31' });
    expect(evidencePeriod('h2', clock('2027-03-01')).period).toMatchObject({ from: '2027-02-01', to: '2027-03-01' });
    // A half that has not started yet is shown whole (with what there is: nothing yet).
    expect(evidencePeriod('h2', clock('2026-11-29')).period).toMatchObject({ from: '2027-02-01', to: '2027-07-31' });
    const previous = evidencePeriod('previous', clock('2026-11-29'));
    expect(previous.year.id).toBe('2025-2026');
    expect(previous.period).toMatchObject({ from: '2025-08-01', to: '2026-07-31' });
    const p = evidencePeriod('year', clock('2026-11-29')).period;
    // Midnight in Amsterdam (CEST in August, CET in November).
    expect(p.start.toISOString()).toBe('2026-07-31T22:00:00.000Z');
    expect(p.end.toISOString()).toBe(startOfDay(addDays('2026-11-29', 1), tz).toISOString());
    expect(p.end.toISOString()).toBe('2026-11-29T23:00:00.000Z');
  });
});
