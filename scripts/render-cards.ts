import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { cardSamples } from './card-samples.ts';
import { chromiumFlags, chromiumPath } from './chromium.ts';

// `npm run cards:gallery`: renders every card sample (scripts/card-samples.ts) with the Adaptive Cards
// renderer in headless Chromium and writes docs/card-gallery/<name>.png plus an index page, so a person
// can look at every card. Uses the system Chromium (`apt-get install -y chromium`); never downloads one.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs', 'card-gallery');
const executablePath = chromiumPath;
const flags = chromiumFlags;

// Close to the Teams light theme: Segoe UI where available, Teams' purple for accents.
const hostConfig = {
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

const css = `
  body { margin: 0; background: #F5F5F5; font-family: 'Segoe UI', 'Liberation Sans', 'DejaVu Sans', sans-serif, 'Noto Color Emoji'; }
  #frame { width: 480px; margin: 16px; background: #FFFFFF; border-radius: 6px; box-shadow: 0 1px 3px rgba(0,0,0,.15); overflow: hidden; }
  .ac-pushButton { border: 1px solid #D1D1D1; border-radius: 4px; background: #FFFFFF; padding: 5px 12px; font: inherit; font-size: 14px; color: #242424; }
  .ac-pushButton.style-positive { background: #5B5FC7; color: #FFFFFF; border-color: #5B5FC7; }
  .ac-input { font: inherit; font-size: 14px; border: 1px solid #D1D1D1; border-radius: 4px; padding: 5px; }
  textarea.ac-input { min-height: 48px; }
`;

async function main(): Promise<void> {
  if (!fs.existsSync(executablePath)) {
    process.stderr.write(`No Chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH).\n`);
    process.exit(1);
  }
  const bundle = fs.readFileSync(path.join(root, 'node_modules/adaptivecards/dist/adaptivecards.min.js'), 'utf8');
  const samples = cardSamples();
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.png')) fs.rmSync(path.join(outDir, f));

  const browser = await chromium.launch({ executablePath, args: flags, headless: true });
  try {
    const page = await browser.newPage({ viewport: { width: 520, height: 800 }, deviceScaleFactor: 1 });
    await page.setContent(
      `<!doctype html><html><head><meta charset="utf-8"><style>${css}</style></head><body><div id="frame"></div></body></html>`,
    );
    await page.addScriptTag({ content: bundle });
    for (const sample of samples) {
      await page.evaluate(
        ({ card, hostConfig }) => {
          const AC = (window as unknown as { AdaptiveCards: typeof import('adaptivecards') }).AdaptiveCards;
          const ac = new AC.AdaptiveCard();
          ac.hostConfig = new AC.HostConfig(hostConfig);
          ac.parse(card);
          const frame = document.getElementById('frame')!;
          frame.replaceChildren(ac.render()!);
        },
        { card: sample.card, hostConfig },
      );
      await page.locator('#frame').screenshot({ path: path.join(outDir, `${sample.name}.png`) });
      process.stdout.write(`${sample.name}.png\n`);
    }
  } finally {
    await browser.close();
  }

  const rows = samples.map((s) => `| \`cards/${s.template}.json\` | ${s.locale} | ![${s.name}](${s.name}.png) |`);
  fs.writeFileSync(
    path.join(outDir, 'index.md'),
    [
      '# Card gallery',
      '',
      'Every card template (`src/core/cards/templates/`, `src/modules/*/templates/`), rendered from the sample data in `scripts/card-samples.ts` by the Adaptive Cards',
      'renderer in headless Chromium (`npm run cards:gallery`). The samples contain text typed by a "student" with',
      'Markdown, HTML, a link and a mention in it: it shows as typed, never as formatting.',
      '',
      '| template | language | card |',
      '| --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  const html = samples
    .map(
      (s) =>
        `<figure><figcaption>${s.template}.json · ${s.locale} · ${s.name}</figcaption><img src="${s.name}.png" alt="${s.name}"></figure>`,
    )
    .join('\n');
  fs.writeFileSync(
    path.join(outDir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LOB Reflectie card gallery</title><style>body{font-family:sans-serif;background:#f5f5f5}figure{display:inline-block;vertical-align:top;margin:12px}figcaption{font-size:13px;color:#555;margin-bottom:4px}</style></head><body><h1>LOB Reflectie card gallery</h1>\n${html}\n</body></html>\n`,
  );
  process.stdout.write(`${samples.length} cards in ${path.relative(root, outDir)}/\n`);
}

await main();
