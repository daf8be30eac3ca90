import { afterEach, describe, expect, it } from 'vitest';
import { newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { classWith, shadowDayCampaignFor } from '../../helpers/campaigns.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// One deployment serves many schools, each its own tenant with its own window at Teams (issue 14). A school
// with a large campaign must not make another school wait for the end of it: the sender works the schools
// side by side, so a small school's first prompt goes out while the large one is still being paced.

const otherTenant = 'f1e2d3c4-0000-4000-8000-00000000beef';
const bots: TestBot[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
});

async function studentsOfOtherSchool(t: TestBot, count: number): Promise<{ users: TestUser[]; groupId: string }> {
  const engine = t.bot.deps.modules.campaigns;
  const now = t.bot.deps.clock.now().toISOString();
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = testUser(`Leerling B-${i + 1}`, `b${i + 1}@andere-school.nl`);
    t.join(user);
    expect((await t.send('personal-installation-add', user, { tenantId: otherTenant })).status).toBe(200);
    users.push(user);
  }
  const { group } = await engine.camp.groups.ensure(newGroup(otherTenant, '2B', now));
  for (const u of users) {
    const person = await t.bot.repos.people.findByEmail(otherTenant, u.email);
    if (!person) throw new Error(`${u.email} was not installed in the other school`);
    await engine.camp.groups.addMember(otherTenant, group.id, person.id, now);
  }
  return { users, groupId: group.id };
}

describe('campaigns of several schools at once', () => {
  it('send a small school’s prompt while a large school’s campaign is still being paced', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const connector = await LoopbackConnector.start();
    // Two requests a second per tenant: the large school's six prompts take three seconds of windows.
    const t = await startTestBot({ clock, connector, env: { TEAMS_TENANT_RPS: '2' } });
    bots.push(t);
    const large = await classWith(t, '4A', 6);
    const small = await studentsOfOtherSchool(t, 1);
    const engine = t.bot.deps.modules.campaigns;
    const now = clock.now().toISOString();
    expect((await shadowDayCampaignFor(engine, large.groupId, now, { activityKey: 'large' })).ok).toBe(true);
    expect((await shadowDayCampaignFor(engine, small.groupId, now, { activityKey: 'small', schoolId: otherTenant })).ok).toBe(
      true,
    );
    const schools = (await t.bot.repos.schools.list()).map((s) => s.id);
    // The large school comes first in the list, so a sender that works schools one after another reaches the small one last.
    expect(schools.indexOf(tenantId)).toBeLessThan(schools.indexOf(otherTenant));

    const arrivals: { conversationId: string; at: number }[] = [];
    connector.onRecord = (r) => {
      if (r.op === 'create') arrivals.push({ conversationId: r.conversationId, at: r.at });
    };
    const stats = await engine.sender.run();
    expect(stats.sent).toBe(7);
    const largeConversations = new Set(large.users.map((u) => u.conversationId));
    const largeAt = arrivals.filter((a) => largeConversations.has(a.conversationId)).map((a) => a.at);
    const smallAt = arrivals.filter((a) => a.conversationId === small.users[0]!.conversationId).map((a) => a.at);
    expect(largeAt).toHaveLength(6);
    expect(smallAt).toHaveLength(1);
    // The large school's third prompt needs its second window; the small school's prompt needs none of the large one's.
    expect(smallAt[0]!).toBeLessThan(largeAt[2]!);
  }, 30_000);
});
