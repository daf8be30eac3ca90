import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTeam } from '../../../src/modules/quality-cycle/education-teams.ts';
import { markDone } from '../../../src/modules/quality-cycle/milestone-done.ts';
import { tenantId, testUser } from '../../helpers/activities.ts';
import { at, cardText, type PdcaSchool, personWith, startPdcaSchool } from '../../helpers/quality-cycle.ts';

// `pdca.done` names its milestone by ids a caller can guess: the year, the team's key and the template's
// key. A press the policy refuses used to answer with the milestone card itself, so a mentor or another
// team's leader could read a team's milestone, its owners and its done note, which `pdca vwo-5` refuses
// them. In the team's own channel the card is on screen anyway and is still drawn with the refusal.

describe('pdca.done with a milestone the caller may not see', () => {
  let s: PdcaSchool;
  beforeEach(async () => {
    s = await startPdcaSchool('2026-09-16');
  });
  afterEach(async () => {
    await s.stop();
  });

  it('does not show a milestone of a team the caller does not lead', async () => {
    const vera = testUser('Vera Vwo', 'vera@school.nl');
    s.t.join(vera);
    expect((await s.t.send('personal-installation-add', vera)).status).toBe(200);
    await personWith(s.t, vera, 'team-leader');
    const { cycle } = s.t.bot.deps.modules.qualityCycle;
    await createTeam(cycle, tenantId, { id: 'vwo-5', name: 'Vwo 5', leaders: [vera.email], mentors: [] });
    s.clock.set(at('2026-09-16'));
    await s.runReminders(); // the year's cycles exist now
    const veraPerson = (await s.t.bot.repos.people.findByEmail(tenantId, vera.email))!;
    const done = await markDone(
      cycle,
      veraPerson,
      { cycleId: '2026-2027:team:vwo-5', milestoneId: 'work-plan' },
      { note: 'VERTROUWELIJK: conflict met twee mentoren, budget gehalveerd' },
    );
    expect(done.kind).toBe('done');

    // Lisa leads havo-4 only. In her own chat she may not see vwo-5's status …
    await s.t.send('personal-message', s.leader, { text: 'pdca vwo-5' });
    expect(cardText(s.t.connector.cardsIn(s.leader.conversationId).at(-1))).not.toContain('Vwo 5');

    // … but a guessed pdca.done shows her the milestone with its note.
    for (const user of [s.leader, s.mentor]) {
      const res = await s.t.send('card-action-execute', user, {
        verb: 'pdca.done',
        data: { cycleId: '2026-2027:team:vwo-5', milestoneId: 'work-plan', note: 'x' },
        replyToId: 'a',
      });
      const text = cardText((res.body as { value: unknown }).value);
      expect(text).not.toContain('VERTROUWELIJK');
      expect(text).toContain('Alleen de eigenaar, de teamleider of de LOB-coördinator');
      expect(text).not.toContain('Vwo 5');
    }
  });
});
