import { afterEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { at, type PdcaSchool, startPdcaSchool, teamsTeamId } from '../../helpers/quality-cycle.ts';

// The quality cycle's reminders go out through the delivery engine: each card (the team's channel, an
// owner) is claimed and sent once, whatever runs at the same moment, and what a failure means follows the
// engine (for now: due again; for good: given up with the reason). Over HTTP against the running bot, with
// the loopback connector failing the channel where a test says so.

const ownerLine = 'Jij bent eigenaar';

describe('quality-cycle reminders through the delivery engine', () => {
  let s: PdcaSchool | undefined;
  afterEach(async () => {
    await s?.stop();
    s = undefined;
  });

  const ownerCards = (school: PdcaSchool) => school.chat(school.leader).filter((c) => c.includes(ownerLine));
  const channelRequests = (school: PdcaSchool) =>
    school.t.connector.recorded.filter((r) => r.conversationId === teamsTeamId && r.op === 'create').length;

  it('sends each card once when two runs (two instances) work at the same moment', async () => {
    s = await startPdcaSchool('2026-08-17');
    const reminders = s.t.bot.deps.modules.qualityCycle.reminders;
    const now = at('2026-08-17');
    const [a, b] = await Promise.all([reminders.run(now), reminders.run(now)]);

    // The work plan (team) and the policy plan (school) are both due on 31 August: their windows open today.
    expect(s.channelPosts().map((p) => p.text.includes('Werkplan vastgesteld'))).toEqual([true]);
    expect(ownerCards(s)).toHaveLength(1);
    expect(s.chat(s.coordinator).filter((c) => c.includes(ownerLine))).toHaveLength(1);
    expect(a.reminded + b.reminded).toBe(3);
    // Nothing is left claimed, and a later run sends nothing new.
    const cycles = s.t.bot.deps.modules.qualityCycle.cycles.cycles;
    const team = await cycles.get(tenantId, '2026-2027:team:havo-4');
    expect(team?.milestones.filter((m) => m.claimedUntil)).toEqual([]);
    expect(team?.milestones.find((m) => m.id === 'work-plan')?.remindedOn).toBe('2026-08-17');
    await s.runReminders();
    expect(s.channelPosts()).toHaveLength(1);
    expect(ownerCards(s)).toHaveLength(1);
  });

  it('keeps the reminder open while the channel fails for now, and posts it at the next run without a second owner card', async () => {
    s = await startPdcaSchool('2026-08-17');
    s.t.connector.failWith = (req) => (req.conversationId === teamsTeamId ? { status: 503 } : undefined);
    await s.runReminders();
    expect(s.channelPosts()).toHaveLength(0);
    expect(ownerCards(s)).toHaveLength(1);
    const team = await s.t.bot.deps.modules.qualityCycle.cycles.cycles.get(tenantId, '2026-2027:team:havo-4');
    expect(team?.milestones.find((m) => m.id === 'work-plan')?.remindedOn).toBeUndefined();

    s.t.connector.failWith = () => undefined;
    s.clock.set(new Date(at('2026-08-17').getTime() + 15 * 60_000));
    await s.runReminders();
    expect(s.channelPosts()).toHaveLength(1);
    expect(ownerCards(s)).toHaveLength(1);
    s.clock.set(at('2026-08-17', 14));
    await s.runReminders();
    expect(s.channelPosts()).toHaveLength(1);
  }, 60_000);

  it('gives the channel post up when the bot was removed from the team, and still reminds the owners', async () => {
    s = await startPdcaSchool('2026-08-17');
    s.t.connector.failWith = (req) =>
      req.conversationId === teamsTeamId ? { status: 403, code: 'BotNotInConversationRoster' } : undefined;
    const run = (await s.runReminders()) as { failed: number };
    expect(run.failed).toBe(1);
    expect(ownerCards(s)).toHaveLength(1);
    const ref = await s.t.bot.deps.repos.conversations.team(tenantId, teamsTeamId);
    expect(ref?.installed).toBe(false);

    // Given up for good: the next run does not try the channel again.
    const tried = s.t.connector.stats.failed;
    s.clock.set(at('2026-08-18'));
    await s.runReminders();
    expect(s.t.connector.stats.failed).toBe(tried);
    expect(channelRequests(s)).toBe(0);
    expect(ownerCards(s)).toHaveLength(1);
  });
});
