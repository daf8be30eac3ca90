import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { activity, testUser } from '../helpers/activities.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Values the fuzz corpus does not build: an object whose conversion to a primitive throws
// ({"toString":1}), and nesting far deeper than its 200 levels (JSON.parse takes it, but any recursive
// conversion such as Number() or String() overflows the stack). A field that expects a string or a number
// must take only that, so such input is ignored or refused instead of failing in a handler.

const failed = /"msg":"(handler failed|card action failed|request failed|an inbound activity failed)"/;

describe('values that cannot be converted to a string or number', () => {
  let t: TestBot;
  const u = testUser('Sanne de Vries', 'sanne@school.nl');
  beforeAll(async () => {
    t = await startTestBot({ env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_BURST: '100000' } });
    t.join(u);
    expect((await t.send('personal-installation-add', u)).status).toBe(200);
  });
  afterAll(() => t.stop());

  const failuresDuring = async (run: () => Promise<unknown>) => {
    const before = t.logLines.length;
    await run();
    return t.logLines.slice(before).filter((l) => failed.test(l));
  };

  it('an installationUpdate with such an action is ignored with 200, like any wrongly typed action', async () => {
    for (const action of [{ toString: 1 }, [{ toString: 1 }]]) {
      let status = 0;
      const failures = await failuresDuring(async () => {
        status = (await t.post({ ...activity('personal-installation-add', u, t.connector.url), action })).status;
      });
      expect(failures).toEqual([]);
      expect(status).toBe(200);
    }
  });

  it('overview.show with a page nested 20,000 deep shows the first page', async () => {
    const depth = 20_000; // 40 KB, well under MAX_BODY_BYTES
    for (const page of [`${'['.repeat(depth)}${']'.repeat(depth)}`, '{"toString":1}']) {
      // A new activity each time: the same id twice would be ignored as a replay.
      const base = activity('card-action-execute', u, t.connector.url, {
        verb: 'overview.show',
        data: { page: 0 },
        replyToId: 'a',
      });
      let answer: unknown;
      const failures = await failuresDuring(async () => {
        answer = (await t.post(undefined, { raw: JSON.stringify(base).replace('"page":0', `"page":${page}`) })).body;
      });
      expect(failures).toEqual([]);
      expect(JSON.stringify(answer)).not.toContain('Er ging iets mis');
      expect(JSON.stringify(answer)).toContain('application/vnd.microsoft.card.adaptive');
    }
  });
});
