import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { desktopWidth, openCardPage, phoneWidth, showCard } from './card-host.ts';
import { cardSamples } from './card-samples.ts';
import { chromiumFlags, chromiumPath } from './chromium.ts';

// `npm run cards:gallery`: renders every card sample (scripts/card-samples.ts) with the Adaptive Cards
// renderer in headless Chromium and writes docs/card-gallery/<name>.png plus an index page, so a person
// can look at every card. Uses the system Chromium (`apt-get install -y chromium`); never downloads one.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outDir = path.join(root, 'docs', 'card-gallery');
const executablePath = chromiumPath;
const flags = chromiumFlags;

async function main(): Promise<void> {
  if (!fs.existsSync(executablePath)) {
    process.stderr.write(`No Chromium at ${executablePath}: apt-get install -y chromium (or set CHROMIUM_PATH).\n`);
    process.exit(1);
  }
  const samples = cardSamples();
  fs.mkdirSync(outDir, { recursive: true });
  for (const f of fs.readdirSync(outDir)) if (f.endsWith('.png')) fs.rmSync(path.join(outDir, f));

  const browser = await chromium.launch({ executablePath, args: flags, headless: true });
  try {
    const page = await openCardPage(browser);
    for (const sample of samples) {
      // As Teams shows it on a desktop, and on a phone.
      for (const [width, suffix] of [
        [desktopWidth, ''],
        [phoneWidth, '-phone'],
      ] as const) {
        await showCard(page, sample.card, width, sample.locale);
        await page.locator('#frame').screenshot({ path: path.join(outDir, `${sample.name}${suffix}.png`) });
      }
      process.stdout.write(`${sample.name}.png, ${sample.name}-phone.png\n`);
    }
  } finally {
    await browser.close();
  }

  const rows = samples.map(
    (s) =>
      `| \`cards/${s.template}.json\` | ${s.locale} | ![${s.name}](${s.name}.png) | ![${s.name} on a phone](${s.name}-phone.png) |`,
  );
  fs.writeFileSync(
    path.join(outDir, 'index.md'),
    [
      '# Card gallery',
      '',
      'Every card template (`src/core/cards/templates/`, `src/modules/*/templates/`), rendered from the sample data in `scripts/card-samples.ts` by the Adaptive Cards',
      'renderer in headless Chromium (`npm run cards:gallery`), as wide as a desktop chat (480 px) and as a phone (320 px). The samples contain text typed by a "student" with',
      'Markdown, HTML, a link and a mention in it: it shows as typed, never as formatting.',
      '',
      '| template | language | card | on a phone (320 px) |',
      '| --- | --- | --- | --- |',
      ...rows,
      '',
    ].join('\n'),
  );
  const html = samples
    .map(
      (s) =>
        `<figure><figcaption>${s.template}.json · ${s.locale} · ${s.name}</figcaption><img src="${s.name}.png" alt="${s.name}"> <img src="${s.name}-phone.png" alt="${s.name} on a phone"></figure>`,
    )
    .join('\n');
  fs.writeFileSync(
    path.join(outDir, 'index.html'),
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>LOB Reflectie card gallery</title><style>body{font-family:sans-serif;background:#f5f5f5}figure{display:inline-block;vertical-align:top;margin:12px}figcaption{font-size:13px;color:#555;margin-bottom:4px}</style></head><body><h1>LOB Reflectie card gallery</h1>\n${html}\n</body></html>\n`,
  );
  process.stdout.write(`${samples.length} cards in ${path.relative(root, outDir)}/\n`);
}

await main();
