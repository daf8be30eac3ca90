import { afterEach, describe, expect, it } from 'vitest';
import { refusalFloorMs } from '../../../src/modules/sharing/teams-link-page.ts';
import { askSupervisor, cardText, executes, get, nov, openForm, post, sharingSchool } from './school.ts';

// Every way a link can be wrong, over HTTP: expired, used, revoked, guessed, tampered, oversized or
// too long input, a post without the form secret or from another site, and too many requests. Each gets
// a clear page, and nothing of a failed submit is stored.

const answer = { seen: 'Rustig gebleven.', next: 'Vaker zelf het gesprek beginnen.' };

describe('share links refuse what they must', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  const stored = async () => school!.sharing.repos.answers.listByStudent(school!.sanne.person.id);

  it('answers a guessed or tampered link like any unknown one, no sooner than the floor', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const token = url.split('/s/')[1]!;
    const base = url.slice(0, url.indexOf('/s/'));
    const tampered = `${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`;
    for (const guess of ['AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', tampered, 'short', `${token}x`, '..%2F..%2Fetc']) {
      const started = Date.now();
      const page = await get(`${base}/s/${guess}`);
      expect(page.status, guess).toBe(404);
      expect(page.html).toContain('Deze link werkt niet.');
      expect(Date.now() - started).toBeGreaterThanOrEqual(refusalFloorMs - 5);
    }
    // The real one still works: a wrong guess does not spend it.
    expect((await get(url)).status).toBe(200);
  });

  it('stops a link after one answer, and refuses a second submit of the same form', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    expect((await post(url, { csrf, ...answer }, { cookie })).status).toBe(200);
    const again = await post(url, { csrf, seen: 'Nog iets.', next: 'Nog iets.' }, { cookie });
    expect(again.status).toBe(410);
    expect(again.html).toContain('Via deze link is al gereageerd.');
    expect((await get(url)).html).toContain('Via deze link is al gereageerd.');
    expect((await stored()).map((a) => a.seen)).toEqual(['Rustig gebleven.']);
  });

  it('expires after the configured days (14 by default) with a clear page', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    w.clock.set(nov(16, '09:59'));
    expect((await get(url)).status).toBe(200);
    w.clock.set(nov(16, '10:00'));
    const page = await get(url);
    expect(page.status).toBe(410);
    expect(page.html).toContain('Deze link is verlopen.');
    expect((await post(url, { csrf, ...answer }, { cookie })).status).toBe(410);
    expect(await stored()).toEqual([]);
  });

  it('stops working at once when the student revokes it', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    const menu = await w.say(sanne.user, 'deel');
    expect(cardText(menu)).toContain('Links die nu werken');
    const revoke = executes(menu).find((a) => a.verb === 'sharing.revoke')!;
    expect(cardText(await w.act(sanne.user, revoke.verb, revoke.data))).toContain('Ingetrokken. Die link werkt niet meer.');
    const page = await get(url);
    expect(page.status).toBe(410);
    expect(page.html).toContain('heeft deze link ingetrokken');
    expect((await post(url, { csrf, ...answer }, { cookie })).status).toBe(410);
    expect(await stored()).toEqual([]);
    expect(cardText(await w.say(sanne.user, 'deel'))).not.toContain('Links die nu werken');
  });

  it('refuses a post without the form secret, with a wrong one, or from another site, and keeps the typed text on the page', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    const cases: [Record<string, string>, Record<string, string>][] = [
      [answer, { cookie }],
      [{ ...answer, csrf }, {}],
      [{ ...answer, csrf: `${csrf.slice(0, -1)}A` === csrf ? `${csrf.slice(0, -1)}B` : `${csrf.slice(0, -1)}A` }, { cookie }],
      [
        { ...answer, csrf },
        { cookie, 'sec-fetch-site': 'cross-site' },
      ],
    ];
    for (const [fields, headers] of cases) {
      const page = await post(url, fields, headers);
      expect(page.status).toBe(403);
      expect(page.html).toContain('er is nog niets opgeslagen');
      expect(page.html).toContain('Vaker zelf het gesprek beginnen.');
    }
    expect(await stored()).toEqual([]);
    // The same form, sent properly, still works.
    expect((await post(url, { csrf, ...answer }, { cookie })).status).toBe(200);
  });

  it('refuses empty, too long and oversized answers, escapes what it shows back, and stores nothing', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    const empty = await post(url, { csrf, seen: '   ', next: 'Iets <img src=x onerror=alert(1)>' }, { cookie });
    expect(empty.status).toBe(422);
    expect(empty.html).toContain('Vul dit in.');
    expect(empty.html).toContain('Iets &lt;img src=x onerror=alert(1)&gt;');
    expect(empty.html).not.toContain('<img');
    const long = await post(url, { csrf, seen: 'x'.repeat(1001), next: 'Kort.' }, { cookie });
    expect(long.status).toBe(422);
    expect(long.html).toContain('hooguit 1000 tekens');
    const huge = await post(url, { csrf, seen: 'x'.repeat(40_000), next: 'Kort.' }, { cookie });
    expect(huge.status).toBe(413);
    expect(huge.html).toContain('te veel tekst');
    const many = await post(url, {}, { cookie }, Array.from({ length: 50 }, (_, i) => `f${i}=1`).join('&'));
    expect(many.status).toBe(413);
    const notForm = await post(url, {}, { cookie, 'content-type': 'application/json' }, JSON.stringify({ csrf, ...answer }));
    expect(notForm.status).toBe(403);
    expect(await stored()).toEqual([]);
    expect(school.w.t.logLines.join('\n')).not.toContain('Vaker zelf');
  });

  it('slows down a client that asks too often, and any clients that hammer one link', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const base = url.slice(0, url.indexOf('/s/'));
    // One link from many addresses (behind the App Service front end): 10 at once, then it waits.
    const perLink: number[] = [];
    for (let i = 0; i < 12; i++) perLink.push((await get(url, { 'x-forwarded-for': `203.0.113.${i + 1}:50000` })).status);
    expect(perLink.slice(0, 10)).toEqual(Array(10).fill(200));
    expect(perLink.slice(10)).toEqual([429, 429]);
    // One client guessing many links: 20 at once, then it waits.
    const guesses: number[] = [];
    for (let i = 0; i < 22; i++) guesses.push((await get(`${base}/s/${String(i).padStart(2, '0')}${'B'.repeat(41)}`)).status);
    expect(guesses.slice(0, 20)).toEqual(Array(20).fill(404));
    expect(guesses.slice(20)).toEqual([429, 429]);
    const slowed = await get(`${base}/s/${'C'.repeat(43)}`);
    expect(slowed.status).toBe(429);
    expect(slowed.headers.get('retry-after')).toBe('60');
    expect(slowed.html).toContain('Te veel verzoeken');
    // A minute later the client may ask again.
    w.clock.set(nov(2, '10:02'));
    expect((await get(`${base}/s/${'C'.repeat(43)}`)).status).toBe(404);
  });

  // The router cannot decode a broken percent escape, and the form parser refuses a charset it does not
  // know: both happen before the page's own checks, and used to fall through to the bot's English JSON.
  it('answers a malformed link or a form in an unknown charset with a page, and stores nothing', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const base = url.slice(0, url.indexOf('/s/'));
    for (const method of ['GET', 'POST']) {
      const res = await fetch(`${base}/s/%E0%A4%A`, { method });
      expect(res.status, method).toBe(404);
      expect(res.headers.get('content-type')).toMatch(/^text\/html/);
      expect(res.headers.get('content-security-policy')).toContain("default-src 'none'");
      expect(await res.text()).toContain('Deze link werkt niet.');
    }
    const { cookie, csrf } = await openForm(url);
    const form = new URLSearchParams({ csrf, ...answer }).toString();
    const utf7 = await post(url, {}, { cookie, 'content-type': 'application/x-www-form-urlencoded; charset=utf-7' }, form);
    expect(utf7.status).toBe(400);
    expect(utf7.headers.get('content-type')).toMatch(/^text\/html/);
    expect(utf7.html).toContain('Er is niets opgeslagen');
    expect(utf7.html).not.toContain('body is not valid JSON');
    expect(await stored()).toEqual([]);
    // The same answer, sent properly, still works.
    expect((await post(url, { csrf, ...answer }, { cookie })).status).toBe(200);
  });
});
