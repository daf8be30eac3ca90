import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { activity, testUser } from '../helpers/activities.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// The answer to a card action over HTTP, as Teams reads it: JSON with its type and exact length (the
// adapter writes it itself, src/teams/http-adapter.ts), and a malformed action refused by checking the
// activity's value, the envelope having been checked once by the adapter.

describe('the answer to a card action', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  const post = async (body: unknown) => {
    const res = await fetch(`${t.bot.url}/api/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const bytes = Buffer.from(await res.arrayBuffer());
    return { res, bytes, json: JSON.parse(bytes.toString('utf8')) as { type?: string; value?: unknown } };
  };

  it('is JSON with its content type and the exact byte length, also for a card over 1,000 characters', async () => {
    const tom = testUser('Tom', 'tom@school.nl', 'nl-NL');
    t.join(tom);
    // The help card is long (well over 1,000 characters) and has accented text: length in bytes, not characters.
    const { res, bytes, json } = await post(
      activity('card-action-execute', tom, t.connector.url, { verb: 'help', data: {}, replyToId: 'a' }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(Number(res.headers.get('content-length'))).toBe(bytes.length);
    expect(bytes.length).toBeGreaterThan(1000);
    expect(json.type).toBe('application/vnd.microsoft.card.adaptive');
  });

  it('refuses a malformed action with the invalid-card message and logs where, an unknown verb with its own', async () => {
    const sanne = testUser('Sanne', 'sanne@school.nl', 'nl-NL');
    t.join(sanne);
    const base = activity('card-action-execute', sanne, t.connector.url, { verb: 'help', data: {}, replyToId: 'a' });
    const malformed = { ...base, value: { action: { type: 'Action.Submit', verb: 'help' } } };
    const refused = await post(malformed);
    expect(refused.res.status).toBe(200);
    expect(JSON.stringify(refused.json)).toContain('Deze kaart kon ik niet verwerken');
    expect(t.logLines.some((l) => l.includes('malformed card action refused') && l.includes('value.action.type'))).toBe(true);

    const noValue = { ...activity('card-action-execute', sanne, t.connector.url, { verb: 'help', data: {}, replyToId: 'b' }) };
    delete noValue['value'];
    expect(JSON.stringify((await post(noValue)).json)).toContain('Deze kaart kon ik niet verwerken');

    const unknown = await post(
      activity('card-action-execute', sanne, t.connector.url, { verb: 'no.such.verb', data: {}, replyToId: 'c' }),
    );
    expect(JSON.stringify(unknown.json)).toContain('Deze knop ken ik niet');
  });
});
