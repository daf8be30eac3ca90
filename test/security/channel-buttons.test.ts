import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../src/core/assignments.ts';
import { roles } from '../../src/core/types.ts';
import { features } from '../../src/modules/index.ts';
import { tenantId } from '../helpers/activities.ts';
import { type Card, cardText, executes, World } from '../modules/mentoring/world.ts';

// A card pressed in a team channel answers in that channel: the card Teams shows instead, and anything
// the verb sends. So buttons follow the 1:1-only rule the typed commands follow, safe by default.

const teamId = '19:Q7b2cKx9m8dPZr4Lw3nT6yJ1fA5sE0hG@thread.tacv2';
const personal = 'Dat doen we liever in een persoonlijke chat met mij, zodat wat erop staat privé blijft.';

describe('card buttons in a team channel', () => {
  let w: World;
  beforeAll(async () => {
    w = await World.start();
  });
  afterAll(() => w.stop());

  const pressInChannel = async (user: Parameters<World['cards']>[0], verb: string, data: Record<string, unknown>) => {
    const res = await w.t.send('channel-card-action', user, { teamId, replyToId: '1700000000001', verb, data });
    expect(res.status).toBe(200);
    return (res.body as { value: Card }).value;
  };
  const channelPosts = () => w.t.connector.recorded.filter((r) => r.conversationId.startsWith(teamId));

  it("refuse a mentor's student list and a student's answers, and post nothing into the channel", async () => {
    const mentor = await w.person('Mevrouw Jansen', 'jansen@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(sanne.user, mentor.user);
    const secret = 'Ik was bang dat ik de klant verkeerd zou helpen.';
    await w.reflect(sanne.user, { feeling: 'good', happened: secret, 'next-step': 'Vragen om feedback.' });
    // In the 1:1 chat the same buttons work and show the answer.
    const list = (await w.say(mentor.user, 'mijn studenten')) as Card;
    expect(cardText(list)).toContain('Sanne de Vries');

    const more = await pressInChannel(mentor.user, 'students.more', { page: 1 });
    expect(cardText(more)).toContain(personal);
    expect(JSON.stringify(more)).not.toContain('Sanne');
    const overview = await pressInChannel(sanne.user, 'overview.show', { page: 0 });
    expect(cardText(overview)).toContain(personal);
    expect(JSON.stringify(overview)).not.toContain(secret);
    expect(channelPosts()).toEqual([]);
    expect(w.t.logLines.some((l) => l.includes('not in the 1:1 chat'))).toBe(true);
  });

  it('are personal-only unless a verb says otherwise, and only team-level verbs say so', () => {
    const open = features
      .flatMap((f) => f.verbs ?? [])
      .filter((v) => v.personalOnly === false)
      .map((v) => v.verb)
      .sort();
    expect(open).toEqual(
      [
        'help',
        'pdca.done',
        'pdca.edit',
        'pdca.evidence',
        'pdca.export',
        'pdca.milestones',
        'pdca.remove',
        'pdca.save',
        'pdca.status',
      ].sort(),
    );
  });

  it('every other verb is refused in a channel before it runs', async () => {
    // Someone with every role, so that no verb is refused for the role instead.
    const everyone = await w.person('Karin Alles', 'karin@school.nl', 'mentor');
    for (const role of roles) await ensurePersonByEmail(w.t.bot.deps.install, tenantId, 'karin@school.nl', role);
    const before = channelPosts().length;
    for (const verb of features.flatMap((f) => f.verbs ?? []).filter((v) => v.personalOnly !== false)) {
      const card = await pressInChannel(everyone.user, verb.verb, {});
      expect(cardText(card), verb.verb).toContain(personal);
      expect(executes(card)).toEqual([]);
    }
    expect(channelPosts().length).toBe(before);
  });
});
