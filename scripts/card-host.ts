import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';

// How the card gallery (scripts/render-cards.ts) and the browser checks of the cards
// (test/cards/phone-and-accessibility.test.ts) host the Adaptive Cards renderer: close to Teams' light
// theme, in a frame as wide as Teams' desktop chat column, or as a phone (320 px, the narrowest width
// Teams on a phone gives a card).

export const desktopWidth = 480;
export const phoneWidth = 320;

// Close to the Teams light theme: Segoe UI where available, Teams' purple for accents.
export const hostConfig = {
  // Headings (TextBlock style "heading") get role=heading with this level, as screen readers need.
  textBlock: { headingLevel: 2 },
  fontFamily: "'Segoe UI', 'Helvetica Neue', 'Liberation Sans', 'DejaVu Sans', sans-serif, 'Noto Color Emoji'",
  supportsInteractivity: true,
  spacing: { small: 4, default: 8, medium: 16, large: 20, extraLarge: 24, padding: 16 },
  actions: {
    maxActions: 6,
    buttonSpacing: 8,
    actionsOrientation: 'horizontal',
    actionAlignment: 'left',
    showCard: { actionMode: 'inline' },
  },
  containerStyles: {
    default: {
      backgroundColor: '#FFFFFF',
      foregroundColors: {
        default: { default: '#242424', subtle: '#616161' },
        accent: { default: '#5B5FC7' },
        attention: { default: '#C4314B' },
        good: { default: '#237B4B' },
      },
    },
    emphasis: { backgroundColor: '#F5F5F5', foregroundColors: { default: { default: '#242424', subtle: '#616161' } } },
    attention: {
      backgroundColor: '#FCF4F6',
      foregroundColors: { default: { default: '#242424' }, attention: { default: '#C4314B' } },
    },
    // Teams has these container styles too (progress bars, notices).
    good: { backgroundColor: '#92C353', foregroundColors: { default: { default: '#242424' } } },
    accent: { backgroundColor: '#E8EBFA', foregroundColors: { default: { default: '#242424' } } },
    warning: { backgroundColor: '#FBF6D9', foregroundColors: { default: { default: '#242424' } } },
  },
};

export const css = `
  body { margin: 0; background: #F5F5F5; font-family: 'Segoe UI', 'Liberation Sans', 'DejaVu Sans', sans-serif, 'Noto Color Emoji'; }
  #frame { width: var(--card-width, 480px); margin: 16px; background: #FFFFFF; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); overflow: hidden; }
  .ac-pushButton { border: 1px solid #D1D1D1; border-radius: 4px; background: #FFFFFF; padding: 5px 12px; font: inherit; font-size: 14px; color: #242424; }
  .ac-pushButton.style-positive { background: #5B5FC7; color: #FFFFFF; border-color: #5B5FC7; }
  .ac-input { font: inherit; font-size: 14px; border: 1px solid #D1D1D1; border-radius: 4px; padding: 5px; }
  textarea.ac-input { min-height: 48px; }
`;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** A page in the browser with the Adaptive Cards renderer loaded into an empty card frame. */
export async function openCardPage(browser: Browser, options: { bypassCSP?: boolean } = {}): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 520, height: 800 }, deviceScaleFactor: 1, ...options });
  await page.setContent(
    `<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>Card</title><style>${css}</style></head><body><main id="frame"></main></body></html>`,
  );
  await page.addScriptTag({
    content: fs.readFileSync(path.join(root, 'node_modules/adaptivecards/dist/adaptivecards.min.js'), 'utf8'),
  });
  return page;
}

/**
 * On a phone a row of buttons does not fit beside each other: Teams' mobile clients put them under one
 * another, full width. The renderer does not wrap a row by itself, so the phone host says so.
 */
export const phoneHostConfig = {
  ...hostConfig,
  actions: { ...hostConfig.actions, actionsOrientation: 'vertical', actionAlignment: 'stretch' },
};

/** Renders a card into the frame at the given width (desktop or phone). */
export async function showCard(page: Page, card: unknown, width: number, lang: string): Promise<void> {
  await page.evaluate(
    ({ card, hostConfig, width, lang }) => {
      const AC = (window as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
      const ac = new AC.AdaptiveCard();
      ac.hostConfig = new AC.HostConfig(hostConfig);
      ac.parse(card);
      document.documentElement.lang = lang;
      document.documentElement.style.setProperty('--card-width', `${width}px`);
      const frame = document.getElementById('frame')!;
      frame.replaceChildren(ac.render()!);
    },
    { card, hostConfig: width <= phoneWidth ? phoneHostConfig : hostConfig, width, lang },
  );
}
