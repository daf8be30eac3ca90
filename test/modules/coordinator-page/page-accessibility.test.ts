import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFlags, chromiumPath } from '../../../scripts/chromium.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { axeProblems } from '../../helpers/browser-checks.ts';
import { seedCoordinatorWorld, type World } from '../../helpers/coordinator-world.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// axe-core over every view of the coordinator page in headless Chromium (Debian's), in Dutch and English,
// for a coordinator and for someone without access: no serious or critical accessibility problem.
// axe is injected into the page, so the page's Content-Security-Policy is bypassed for the test only.

const hasChromium = fs.existsSync(chromiumPath);
if (!hasChromium && process.env.CI) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
if (!hasChromium)
  process.stderr.write(`\n*** SKIPPED: coordinator page accessibility checks: no Chromium at ${chromiumPath} ***\n\n`);

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const views = ['campaigns', 'response', 'coverage', 'pdca', 'unreachable', 'previews'];

let t: TestBot;
let world: World;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  t = await startTestBot({
    clock: new ManualClock(new Date('2027-03-15T10:00:00+01:00')),
    env: { DEV_PAGE_LOGIN: 'true' },
  });
  world = await seedCoordinatorWorld(t.bot.deps, { classes: 3, classSize: 7, reflectionsPerStudent: 2 });
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function open(as: string, lang: string, width = 1280): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height: 900 }, deviceScaleFactor: 1, bypassCSP: true });
  await page.goto(`${t.bot.url}/coordinator?as=${encodeURIComponent(as)}&lang=${lang}`);
  await page.waitForSelector('body[data-state]', { timeout: 15_000 });
  await page.addScriptTag({ content: axeSource });
  return page;
}

describe.skipIf(!hasChromium)('coordinator page accessibility', () => {
  for (const lang of ['nl', 'en']) {
    it(`has no serious or critical problem in any view (${lang})`, async () => {
      const page = await open(world.coordinator.email!, lang);
      expect(await page.getAttribute('body', 'data-state')).toBe('ready');
      for (const view of views) {
        await page.click(`[data-tab="${view}"]`);
        if (view === 'previews') await page.waitForSelector('.card-preview .ac-adaptiveCard');
        expect(await axeProblems(page), `${view} (${lang})`).toEqual([]);
      }
      await page.close();
    }, 90_000);
  }

  it('has no serious or critical problem on the "no access" page', async () => {
    const page = await open(world.student.email!, 'nl');
    expect(await page.getAttribute('body', 'data-state')).toBe('no-access');
    expect(await axeProblems(page)).toEqual([]);
    await page.close();
  }, 60_000);
});
