import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../src/core/assignments.ts';
import { parseSchoolYear } from '../../src/core/time/school-year.ts';
import { buildCheckEvidence } from '../../src/modules/quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../../src/modules/quality-cycle/quality-cycle.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { tenantId, testUser } from '../helpers/activities.ts';
import {
  actionData,
  cardText,
  classWith,
  createShadowDayCampaign,
  engineOf,
  execute,
  grantRole,
  install,
  personOf,
  promptsTo,
  tick,
} from '../helpers/campaigns.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// What a campaign records is what the rest of the product reports: the PDCA Check evidence counts the
// prompts sent, answered and reminded from the delivery ledger, and the mentor's digest lists the
// students who did not answer. One real campaign, end to end, then both read it.

const teamsTeamId = '19:klas4h@thread.tacv2';
let t: TestBot;
let clock: ManualClock;

beforeEach(async () => {
  // Wednesday 25 November 2026, 14:00 in Amsterdam: a school day, outside any holiday.
  clock = new ManualClock('2026-11-25T13:00:00Z');
  t = await startTestBot({ clock, env: { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '10000' } });
});
afterEach(async () => {
  await t.stop();
});

async function runShadowDayCampaign(answering: number) {
  const coordinator = testUser('Decaan Visser', 'visser@school.nl');
  await install(t, coordinator);
  await grantRole(t, coordinator, 'coordinator');
  const { users, groupId } = await classWith(t, '4H', 6);
  const engine = await engineOf(t);
  await engine.camp.groups.update(tenantId, groupId, (g) => ({ ...g, teamId: teamsTeamId }));

  await createShadowDayCampaign(t, coordinator, groupId, {
    name: 'Meeloopdag 4H',
    activityTitle: 'Meeloopdag hbo Verpleegkunde',
    date: '2026-11-25',
  });
  await tick(t);
  // Some students answer at once; four hours later the others get one reminder.
  for (const u of users.slice(0, answering)) {
    const { reflectionId } = actionData(promptsTo(t, u)[0], 'reflection.feel');
    await execute(t, u, 'reflection.submit', {
      reflectionId,
      feeling: 'good',
      happened: 'Ik liep mee op de afdeling.',
      'good-at': 'Goed luisteren.',
      'next-step': 'Een open dag bezoeken.',
    });
  }
  clock.advance(4 * 3_600_000 + 60_000);
  await tick(t);
  return { users };
}

describe('campaign data downstream', () => {
  it('the Check evidence counts the prompts, answers and reminders of the campaign, and the mentor follow-up', async () => {
    const { users } = await runShadowDayCampaign(5);
    const mentor = testUser('Piet Jansen', 'jansen@school.nl');
    await install(t, mentor);
    for (const u of users) await assignMentor(t.bot.deps.install, tenantId, { studentEmail: u.email, mentorEmail: mentor.email });
    const mentorPerson = await personOf(t, mentor);
    // Routing to the new mentor happens in the sweep (answers came before the assignment).
    await t.bot.router.sweep();

    // The mentor discussed one of the two answers and sent a note about it.
    const mentoring = t.bot.deps.modules.mentoring;
    const answered = await Promise.all(users.slice(0, 5).map(async (u) => (await personOf(t, u)).id));
    const [first] = await t.bot.repos.reflections.listByStudent(answered[0]!);
    await mentoring.repos.followUps.upsert({ schoolId: tenantId, mentorId: mentorPerson.id, studentId: answered[0]! }, (f) => ({
      ...f,
      discussions: [{ on: '2026-11-26', at: clock.now().toISOString(), reflectionIds: [first!.id] }],
    }));
    await mentoring.repos.notes.create({
      id: 'note-1',
      schoolId: tenantId,
      studentId: answered[0]!,
      mentorId: mentorPerson.id,
      reflectionId: first!.id,
      text: 'Mooi!',
      createdAt: clock.now().toISOString(),
      deliveredAt: clock.now().toISOString(),
    });

    const team: EducationTeam = {
      id: 'havo-4',
      version: 1,
      schoolId: tenantId,
      name: 'Havo 4',
      kind: 'year',
      leaderIds: [],
      mentorIds: [mentorPerson.id],
      teamsTeamId,
      createdAt: '2026-08-01T00:00:00Z',
      updatedAt: '2026-08-01T00:00:00Z',
    };
    const year = parseSchoolYear('2026-2027')!;
    const evidence = await buildCheckEvidence(t.bot.deps.evidence, {
      schoolId: tenantId,
      team,
      schoolYear: year.id,
      period: {
        from: '2026-08-01',
        to: '2026-11-30',
        start: new Date('2026-07-31T22:00:00Z'),
        end: new Date('2026-11-30T23:00:00Z'),
      },
      now: clock.now(),
    });
    // The group comes from the campaign's class linked to the team's Teams team, not from the mentors.
    expect(evidence.coverage.groups.map((g) => g.name)).toEqual(['4H']);
    expect(evidence.students).toBe(6);
    expect(evidence.activitiesHeld).toEqual([{ activityType: 'shadow-day', count: 1 }]);
    expect(evidence.prompts).toMatchObject({ hidden: false, value: { sent: 6, answered: 5, reminded: 1 } });
    expect(evidence.followUp).toMatchObject({ hidden: false, value: { reflections: 5, discussed: 1, withNote: 1 } });
  });

  it("the mentor's digest lists the students who did not answer the campaign's prompt", async () => {
    const { users } = await runShadowDayCampaign(2);
    const mentor = testUser('Piet Jansen', 'jansen@school.nl');
    await install(t, mentor);
    for (const u of users) await assignMentor(t.bot.deps.install, tenantId, { studentEmail: u.email, mentorEmail: mentor.email });
    await t.bot.router.sweep();
    // Friday 15:05: the weekly digest.
    clock.set('2026-11-27T14:05:00Z');
    const mentoring = t.bot.deps.modules.mentoring;
    await mentoring.digests.runDue(clock.now());
    const digest = t.connector.cardsIn(mentor.conversationId).at(-1);
    const text = cardText(digest);
    for (const u of users.slice(2)) expect(text).toContain(u.name);
    expect(text).toContain('Reageerde niet op: Iets wat ik meemaakte');
  });
});
