import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../src/platform/clock.ts';
import { activity, tenantId, testUser } from '../helpers/activities.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// One user cannot flood the bot: commands and card actions per user are limited, the first request over
// the limit gets one polite message, then silence; an activity received twice is handled once.

describe('rate limiting per user', () => {
  let t: TestBot;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(new Date());
    t = await startTestBot({ clock, env: { RATE_LIMIT_PER_MINUTE: '6', RATE_LIMIT_BURST: '3' } });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('answers a flood of commands with one polite message, then silence, never a 5xx, and stores nothing extra', async () => {
    const sanne = testUser('Sanne', 'sanne@school.nl');
    const daan = testUser('Daan', 'daan@school.nl');
    t.join(sanne);
    t.join(daan);
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await t.send('personal-message', sanne, { text: 'reflecteer free' })).status);
    expect(statuses.slice(0, 4)).toEqual([200, 200, 200, 200]);
    expect(new Set(statuses.slice(4))).toEqual(new Set([429]));
    const cards = t.connector.cardsIn(sanne.conversationId).map((c) => JSON.stringify(c));
    expect(cards).toHaveLength(4);
    expect(cards.filter((c) => c.includes('Wacht even een minuutje'))).toHaveLength(1);
    const person = await t.bot.repos.people.findByEmail(tenantId, sanne.email);
    expect(await t.bot.repos.reflections.listByStudent(person!.id)).toHaveLength(3);

    // Someone else is not affected.
    expect((await t.send('personal-message', daan, { text: 'hoi' })).status).toBe(200);
    expect(t.connector.cardsIn(daan.conversationId)).toHaveLength(1);

    // After a pause (one request per 10 s here) Sanne is helped again, and a new flood gets a new notice.
    clock.advance(10_000);
    expect((await t.send('personal-message', sanne, { text: 'hoi' })).status).toBe(200);
    expect(t.connector.cardsIn(sanne.conversationId)).toHaveLength(5);
    expect((await t.send('personal-message', sanne, { text: 'hoi' })).status).toBe(200);
    expect(JSON.stringify(t.connector.cardsIn(sanne.conversationId).at(-1))).toContain('Wacht even');
  });

  it('answers flooded card actions with a message that leaves the card in place, then 429 with Retry-After', async () => {
    const tom = testUser('Tom', 'tom@school.nl', 'en-GB');
    t.join(tom);
    const press = () => t.send('card-action-execute', tom, { verb: 'help', data: {}, replyToId: 'a' });
    for (let i = 0; i < 3; i++) expect((await press()).status).toBe(200);
    const notice = await press();
    expect(notice).toMatchObject({
      status: 200,
      body: { statusCode: 200, type: 'application/vnd.microsoft.activity.message' },
    });
    expect((notice.body as { value: string }).value).toContain('Please wait a minute');
    const res = await fetch(`${t.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(activity('card-action-execute', tom, t.connector.url, { verb: 'help', data: {}, replyToId: 'a' })),
    });
    expect(res.status).toBe(429);
    expect(Number(res.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});

describe('replayed activities', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('handles an activity once, however often it is received', async () => {
    const sanne = testUser('Sanne', 'sanne@school.nl');
    t.join(sanne);
    const install = activity('personal-installation-add', sanne, t.connector.url);
    const message = activity('personal-message', sanne, t.connector.url, { text: 'reflecteer free' });
    for (let i = 0; i < 3; i++) {
      expect((await t.post(install)).status).toBe(200);
      expect((await t.post(message)).status).toBe(200);
    }
    // One welcome and one reflection card; one reflection stored.
    expect(t.connector.cardsIn(sanne.conversationId)).toHaveLength(2);
    const person = await t.bot.repos.people.findByEmail(tenantId, sanne.email);
    expect(await t.bot.repos.reflections.listByStudent(person!.id)).toHaveLength(1);
    // A new activity with the same content is processed.
    expect((await t.post({ ...message, id: `${message['id']}-2` })).status).toBe(200);
    expect(await t.bot.repos.reflections.listByStudent(person!.id)).toHaveLength(2);
  });
});
