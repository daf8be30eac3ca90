import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseSchoolYear } from '../../../src/core/time/school-year.ts';
import type { LocalDate } from '../../../src/core/time/zoned-time.ts';
import { defaultMilestoneTexts } from '../../../src/modules/quality-cycle/cards.ts';
import { defaultSchoolCycle } from '../../../src/modules/quality-cycle/template.ts';
import { tenantId } from '../../helpers/activities.ts';
import { at, type PdcaSchool, startPdcaSchool } from '../../helpers/quality-cycle.ts';

// The shipped cycle names what the quality framework asks besides the policy and work plans: the yearly
// LOB scan (the instrument milestone), the mentors' professional development, agreements with the
// workplace supervisors and the students' voice. A school's first cycle gets them, each with an owner,
// and each is reminded on the first working day of its window (14 days before) and escalated when late.

const added = {
  'mentor-development': { level: 'school', phase: 'plan', due: '2026-09-30', owner: 'coordinator' },
  'supervisor-coordination': { level: 'team', phase: 'do', due: '2026-10-31', owner: 'team-leader' },
  'lob-scan': { level: 'school', phase: 'check', due: '2027-03-31', owner: 'coordinator' },
  'student-voice': { level: 'school', phase: 'check', due: '2027-05-31', owner: 'coordinator' },
} as const;

const nlTitle = {
  'mentor-development': 'Professionalisering van de mentoren gepland',
  'supervisor-coordination': 'Afspraken met de praktijkbegeleiders gemaakt',
  'lob-scan': 'Jaarlijkse LOB-scan ingevuld',
  'student-voice': 'Stem van de leerlingen besproken',
} as const;

describe('the quality-cycle template additions', () => {
  let s: PdcaSchool;
  beforeAll(async () => {
    s = await startPdcaSchool('2026-08-03');
    await s.runReminders();
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('are in a new school cycle and team work plan, with their phase, due date and owner, in Dutch', async () => {
    const cycles = s.t.bot.deps.modules.qualityCycle.cycles.cycles;
    const school = await cycles.get(tenantId, '2026-2027:school');
    const team = await cycles.get(tenantId, '2026-2027:team:havo-4');
    for (const [key, want] of Object.entries(added)) {
      const m = (want.level === 'school' ? school : team)?.milestones.find((x) => x.id === key);
      expect(m, key).toMatchObject({
        phase: want.phase,
        due: want.due,
        owner: { kind: 'role', role: want.owner },
        title: nlTitle[key as keyof typeof nlTitle],
      });
      expect(m!.description.length, key).toBeGreaterThan(80);
    }
    // The team's milestones come from the school's template, which coordinators can edit for every team.
    expect(school?.teamTemplate?.some((m) => m.id === 'supervisor-coordination')).toBe(true);
  });

  it('have their own English texts', () => {
    const year = parseSchoolYear('2026-2027')!;
    const en = defaultSchoolCycle(year, defaultMilestoneTexts('en'));
    const nl = defaultSchoolCycle(year, defaultMilestoneTexts('nl'));
    for (const key of Object.keys(added)) {
      const pick = (c: typeof en) => [...c.milestones, ...c.teamTemplate].find((m) => m.id === key)!;
      expect(pick(en).title, key).not.toBe(`pdca.defaults.${key}.title`);
      expect(pick(en).title, key).not.toBe(pick(nl).title);
      expect(pick(en).description, key).not.toBe(pick(nl).description);
    }
  });

  async function day(date: LocalDate): Promise<void> {
    s.clock.set(at(date));
    await s.runReminders();
  }
  const cardsWith = (title: string, user = s.coordinator) => s.chat(user).filter((c) => c.includes(title));

  it('remind their owners on the first working day of the window, not before, and escalate when late', async () => {
    await day('2026-09-15');
    expect(cardsWith(nlTitle['mentor-development'])).toHaveLength(0);
    await day('2026-09-16');
    expect(cardsWith(nlTitle['mentor-development'])).toHaveLength(1);

    // Due Saturday 31 October: the window opens on Saturday the 17th; the team's channel and its leader
    // hear on Monday the 19th.
    await day('2026-10-16');
    expect(s.channelPosts().filter((p) => p.text.includes(nlTitle['supervisor-coordination']))).toHaveLength(0);
    await day('2026-10-19');
    expect(s.channelPosts().filter((p) => p.text.includes(nlTitle['supervisor-coordination']))).toHaveLength(1);
    expect(cardsWith(nlTitle['supervisor-coordination'], s.leader)).toHaveLength(1);

    await day('2027-03-16');
    expect(cardsWith(nlTitle['lob-scan'])).toHaveLength(0);
    await day('2027-03-17');
    expect(cardsWith(nlTitle['lob-scan'])).toHaveLength(1);
    // Not done by 31 March: the coordinators hear it is late the next working day.
    await day('2027-04-01');
    expect(cardsWith(nlTitle['lob-scan']).filter((c) => c.includes('als LOB-coördinator, eens per week'))).toHaveLength(1);

    await day('2027-05-14');
    expect(cardsWith(nlTitle['student-voice'])).toHaveLength(0);
    await day('2027-05-17');
    expect(cardsWith(nlTitle['student-voice'])).toHaveLength(1);
  }, 60_000);
});
