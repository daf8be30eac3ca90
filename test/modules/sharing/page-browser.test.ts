import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFlags, chromiumPath } from '../../../scripts/chromium.ts';
import { askSupervisor, cardText, executes, linkOf, sharingSchool } from './school.ts';

// The link pages in headless Chromium, at phone widths (320 and 390 px) and on a desktop: the
// supervisor reads the shared reflection, answers, and the student gets the answer; a parent's page
// reads well and stops when revoked. Nothing overflows sideways, and the browser reports no blocked
// style or script (the page has a strict Content-Security-Policy). Photos in test-artifacts/share-pages/.

const hasChromium = fs.existsSync(chromiumPath);
if (!hasChromium && process.env.CI) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
const artifacts = path.resolve('test-artifacts/share-pages');

let browser: Browser;
beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
  fs.mkdirSync(artifacts, { recursive: true });
}, 60_000);
afterAll(async () => {
  await browser?.close();
});

async function open(url: string, width: number, problems: string[]): Promise<Page> {
  // A Dutch browser: the page follows Accept-Language until the reader picks the other language.
  const page = await browser.newPage({ viewport: { width, height: 800 }, deviceScaleFactor: 1, locale: 'nl-NL' });
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(m.text());
  });
  page.on('pageerror', (e) => problems.push(String(e)));
  await page.goto(url);
  return page;
}

async function fitsWidth(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth);
}

describe.skipIf(!hasChromium)('share pages in the browser', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  for (const width of [390, 1280]) {
    it(`lets a supervisor answer at ${width} px, and the student gets it`, async () => {
      school = await sharingSchool();
      const { w, sanne, reflectionId } = school;
      const url = await askSupervisor(w, sanne.user, reflectionId);
      const problems: string[] = [];
      const page = await open(url, width, problems);
      expect(await page.textContent('h2#shared')).toContain('Reflectie:');
      expect(await page.textContent('main')).toContain('Ik mocht bij de kassa een klant met een klacht helpen.');
      expect(await fitsWidth(page)).toBe(true);
      const box = await page.locator('textarea#seen').boundingBox();
      expect(box!.width).toBeGreaterThan(Math.min(width, 640) - 80);
      await page.screenshot({ path: path.join(artifacts, `supervisor-${width}.png`), fullPage: true });

      // The browser itself refuses to send an empty required answer: nothing reaches the server.
      await page.click('button[type=submit]');
      expect(
        await page.evaluate(() => (document.querySelector('textarea#seen') as HTMLTextAreaElement).validity.valueMissing),
      ).toBe(true);
      expect(await school.sharing.repos.answers.listByStudent(sanne.person.id)).toEqual([]);

      await page.fill('textarea#seen', 'Je liet de klant eerst uitpraten & bleef vriendelijk <ook toen het lastig werd>.');
      await page.fill('textarea#next', 'Vat de klacht samen voor je een oplossing noemt.');
      await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
      expect(await page.textContent('main')).toContain('Dank je wel. Je antwoord is bij Sanne.');
      expect(await fitsWidth(page)).toBe(true);
      await page.screenshot({ path: path.join(artifacts, `supervisor-thanks-${width}.png`), fullPage: true });
      expect(problems).toEqual([]);
      await page.close();

      const card = w.cards(sanne.user).at(-1)!;
      expect(cardText(card)).toContain('Je liet de klant eerst uitpraten & bleef vriendelijk <ook toen het lastig werd>.');

      // Back to the link: it has been used.
      const again = await open(url, width, []);
      expect(await again.textContent('main')).toContain('Via deze link is al gereageerd.');
      await again.close();
    }, 60_000);
  }

  it('shows a parent the shared reflection in English at 320 px, and a clear page once revoked', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    const menu = await w.say(sanne.user, 'deel');
    const share = executes(menu).find((a) => a.verb === 'sharing.parent' && a.data['subject'] === 'reflection')!;
    const url = linkOf(await w.act(sanne.user, share.verb, { ...share.data, reflectionId }));
    const problems: string[] = [];
    const page = await open(url, 320, problems);
    expect(await page.textContent('main')).toContain('Je kunt dit alleen lezen.');
    await page.click('a[hreflang=en]');
    expect(await page.getAttribute('html', 'lang')).toBe('en');
    expect(await page.textContent('main')).toContain('You can only read this.');
    expect(await page.locator('form').count()).toBe(0);
    expect(await fitsWidth(page)).toBe(true);
    await page.screenshot({ path: path.join(artifacts, 'parent-320-en.png'), fullPage: true });
    const revoke = executes(await w.say(sanne.user, 'deel')).find((a) => a.verb === 'sharing.revoke')!;
    await w.act(sanne.user, revoke.verb, revoke.data);
    await page.reload();
    expect(await page.textContent('main')).toContain('The student has revoked this link.');
    expect(await page.textContent('main')).not.toContain('kassa');
    expect(problems.filter((p) => !p.includes('410'))).toEqual([]);
    await page.close();
  }, 60_000);
});
