import fs from 'node:fs';
import { createRequire } from 'node:module';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { desktopWidth, openCardPage, phoneWidth, showCard } from '../../scripts/card-host.ts';
import { cardSamples } from '../../scripts/card-samples.ts';
import { chromiumFlags, chromiumPath } from '../../scripts/chromium.ts';
import { axeProblems, overflowProblems } from '../helpers/browser-checks.ts';

// Every card of the gallery, rendered by the real Adaptive Cards renderer in headless Chromium (Debian's),
// at desktop width and at 320 px (Teams on a phone): axe-core finds no serious or critical accessibility
// problem, and at 320 px nothing sticks out of the card and no text is cut off.

const hasChromium = fs.existsSync(chromiumPath);
if (!hasChromium && process.env.CI) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
if (!hasChromium)
  process.stderr.write(`\n*** SKIPPED: card accessibility and phone-width checks: no Chromium at ${chromiumPath} ***\n\n`);

const axeSource = fs.readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const samples = cardSamples();
let browser: Browser;
let page: Page;

beforeAll(async () => {
  if (!hasChromium) return;
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumFlags, headless: true });
  page = await openCardPage(browser);
  await page.addScriptTag({ content: axeSource });
}, 30_000);

afterAll(async () => {
  await browser?.close();
});

describe.skipIf(!hasChromium)('cards in the browser', () => {
  it('finds a cut-off text and a too-wide element (the checks can fail)', async () => {
    await showCard(
      page,
      {
        type: 'AdaptiveCard',
        version: '1.5',
        body: [
          { type: 'TextBlock', text: 'Een heel lange zin die op een telefoon nooit op één regel past zonder afgekapt te worden' },
          { type: 'ColumnSet', columns: [{ type: 'Column', width: '500px', items: [{ type: 'TextBlock', text: 'breed' }] }] },
          { type: 'TextBlock', text: 'Bijna te laat', color: 'Warning', wrap: true },
        ],
      },
      phoneWidth,
      'nl',
    );
    const problems = await overflowProblems(page, '#frame');
    expect(problems.some((p) => p.startsWith('cut off'))).toBe(true);
    expect(problems.some((p) => p.startsWith('sticks out'))).toBe(true);
    // Amber text on a white card is too faint to read: a serious problem for axe.
    expect((await axeProblems(page, '#frame')).join('\n')).toMatch(/color-contrast/);
  });

  for (const sample of samples) {
    it(`${sample.name}: no serious or critical accessibility problem; fits 320 px without cut text`, async () => {
      for (const width of [desktopWidth, phoneWidth]) {
        await showCard(page, sample.card, width, sample.locale);
        expect(await axeProblems(page, '#frame'), `${sample.name} at ${width} px`).toEqual([]);
      }
      expect(await overflowProblems(page, '#frame'), `${sample.name} at ${phoneWidth} px`).toEqual([]);
    });
  }
});
