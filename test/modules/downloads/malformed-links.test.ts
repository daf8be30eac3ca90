import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// A download link is opened in a browser by someone who may not read English. A malformed one (a
// broken percent escape that the router cannot decode) must get the same 404 in Dutch and English as a
// guessed one, as docs/security.md promises, not the JSON error meant for Teams' API calls.

describe('a malformed download link', () => {
  let t: TestBot;
  beforeAll(async () => {
    t = await startTestBot();
  });
  afterAll(() => t.stop());

  it('answers 404 with the text in Dutch and English, without caching', async () => {
    for (const path of ['/downloads/%E0%A4%A/md', `/downloads/${'A'.repeat(43)}/%FF`]) {
      const res = await fetch(`${t.bot.url}${path}`);
      const text = await res.text();
      expect(res.status, path).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(text).toContain('Deze downloadlink bestaat niet.');
      expect(text).toContain('This download link does not exist.');
      expect(text.indexOf('Deze')).toBeLessThan(text.indexOf('This'));
    }
  });
});
