import fs from 'node:fs';
import path from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { chromiumFlags, chromiumPath } from '../../../scripts/chromium.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { tenantId } from '../../helpers/activities.ts';
import { seedCoordinatorWorld, type World } from '../../helpers/coordinator-world.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The coordinator page in headless Chromium (Debian's, never a downloaded one) against a seeded store:
// the numbers on the page are checked against counts made here straight from the store, every view is
// photographed (test-artifacts/coordinator-page/, git-ignored; docs/coordinator-page/ holds a committed
// set), and mentors and students get "no access". Logged in with the development login.

const executablePath = chromiumPath;
const flags = chromiumFlags;
const artifacts = path.resolve('test-artifacts/coordinator-page');
const hasChromium = fs.existsSync(executablePath);
if (!hasChromium && process.env.CI) throw new Error(`No Chromium at ${executablePath}: apt-get install -y chromium`);

let t: TestBot;
let world: World;
let browser: Browser;

beforeAll(async () => {
  if (!hasChromium) return;
  t = await startTestBot({
    clock: new ManualClock(new Date('2027-03-15T10:00:00+01:00')),
    env: { DEV_PAGE_LOGIN: 'true' },
  });
  world = await seedCoordinatorWorld(t.bot.deps, { classes: 6, classSize: 11, reflectionsPerStudent: 3 });
  browser = await chromium.launch({ executablePath, args: flags, headless: true });
  fs.mkdirSync(artifacts, { recursive: true });
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await t?.stop();
});

async function open(as: string, lang = 'nl'): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1280, height: 900 }, deviceScaleFactor: 1 });
  await page.goto(`${t.bot.url}/coordinator?as=${encodeURIComponent(as)}&lang=${lang}`);
  await page.waitForSelector('body[data-state]', { timeout: 15_000 });
  return page;
}

async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(artifacts, `${name}.png`), fullPage: true });
}

const percent = (part: number, whole: number) => `${Math.round((100 * part) / whole)}%`;

describe.skipIf(!hasChromium)('coordinator page in the browser', () => {
  it('shows each campaign with the ledger’s figures, response per group and kind, and coverage per class', async () => {
    const page = await open(world.coordinator.email!);
    expect(await page.getAttribute('body', 'data-state')).toBe('ready');
    expect(await page.textContent('h1')).toBe('LOB-overzicht');

    // Campaigns: every figure against the deliveries in the store.
    const { camp } = t.bot.deps.modules.campaigns;
    for (const c of world.campaigns) {
      const rows = await camp.deliveries.find(tenantId, { campaignId: c.id });
      const expected = {
        planned: rows.filter((d) => d.state === 'planned' || d.state === 'sending').length,
        sent: rows.filter((d) => d.sentAt).length,
        answered: rows.filter((d) => d.state === 'answered').length,
        reminded: rows.filter((d) => d.reminders > 0).length,
        unreachable: rows.filter((d) => d.state === 'unreachable').length,
      };
      for (const [field, value] of Object.entries(expected)) {
        expect(await page.textContent(`[data-campaign="${c.id}"][data-field="${field}"]`), `${c.name} ${field}`).toBe(
          String(value),
        );
      }
      expect(await page.textContent(`[data-campaign="${c.id}"][data-field="response"]`)).toBe(
        `respons ${percent(expected.answered, expected.sent)}`,
      );
    }
    await shot(page, 'campaigns');

    // Response per kind of activity over the year, and per group: from the sent deliveries.
    await page.click('[data-tab="response"]');
    const sent = (await camp.deliveries.find(tenantId, { sent: true })).filter((d) => d.sentAt! >= '2026-08-01');
    for (const c of world.campaigns) {
      const mine = sent.filter((d) => d.campaignId === c.id);
      const row = page.locator(`tr[data-series="type:${c.activityType}"]`);
      const sameType = sent.filter((d) => world.campaigns.find((x) => x.id === d.campaignId)!.activityType === c.activityType);
      expect(await row.locator('[data-field="sent"]').textContent()).toBe(String(sameType.length));
      expect(await row.locator('[data-field="rate"]').textContent()).toBe(
        percent(sameType.filter((d) => d.state === 'answered').length, sameType.length),
      );
      expect(mine.length).toBeGreaterThan(0);
    }
    for (const g of world.groupIds) {
      const row = page.locator(`tr[data-series="group:${g}"]`);
      const mine = sent.filter((d) => d.groupId === g);
      if (g === world.smallGroupId) {
        // 3 students: hidden, and with them one more class so the total does not give them away.
        expect(await page.locator(`tr[data-series="group:${g}"] [data-field="hidden"]`).count()).toBe(1);
        continue;
      }
      const shown = await row.locator('[data-field="rate"]').count();
      if (shown) {
        expect(await row.locator('[data-field="rate"]').textContent()).toBe(
          percent(mine.filter((d) => d.state === 'answered').length, mine.length),
        );
      }
    }
    expect(await page.locator('tr[data-series^="group:"] [data-field="hidden"]').count()).toBe(2);
    await page.waitForFunction(() => (document.getElementById('chart-activity') as HTMLCanvasElement).width > 0);
    await shot(page, 'response');

    // Coverage: share of students per class with a reflection on each competency, from the reflections.
    await page.click('[data-tab="coverage"]');
    const members = await camp.groups.members(tenantId, world.groupIds[1]!);
    const reflections = await t.bot.repos.reflections.listByStudents(members.map((m) => m.personId));
    const withTag = (c: string) =>
      new Set(reflections.filter((r) => r.status === 'submitted' && r.competencies.includes(c as never)).map((r) => r.studentId))
        .size;
    for (const c of ['qualities', 'motives', 'work-exploration', 'career-steering', 'networking']) {
      expect(await page.textContent(`[data-coverage="${world.groupIds[1]}:${c}"]`), c).toBe(percent(withTag(c), members.length));
    }
    expect(await page.textContent(`[data-coverage="${world.smallGroupId}"]`)).toBe('minder dan 5 leerlingen');
    expect(await page.textContent('body')).not.toContain('niet te zien voor de coördinator');
    await shot(page, 'coverage');

    await page.click('[data-tab="pdca"]');
    expect(await page.locator('table.pdca tbody tr').count()).toBe(3);
    await shot(page, 'pdca');

    // Who was not reached: names with the reason, for the coordinator.
    await page.click('[data-tab="unreachable"]');
    const unreachable = new Set((await camp.deliveries.find(tenantId, { states: ['unreachable'] })).map((d) => d.studentId));
    expect(await page.locator('tr[data-student]').count()).toBe(unreachable.size);
    await shot(page, 'unreachable');

    // Every flow of the library, rendered by the Adaptive Cards renderer as the student gets it.
    await page.click('[data-tab="previews"]');
    await page.waitForSelector('.card-preview .ac-adaptiveCard');
    expect(await page.locator('#flow-select option').count()).toBe(t.bot.deps.flows.all().length);
    await page.selectOption('#flow-select', 'shadow-day-vo');
    await page.waitForSelector('#previews[data-flow="shadow-day-vo"]');
    expect(await page.locator('.card-preview').count()).toBe(4);
    expect(await page.textContent('#previews')).toContain(t.bot.deps.flows.get('shadow-day-vo')!.title.nl);
    await shot(page, 'previews');

    // English.
    await page.click('#lang-switch');
    await page.waitForSelector('body[data-state="ready"]');
    expect(await page.textContent('h1')).toBe('Career guidance overview');
    expect(await page.textContent('[data-tab="previews"][aria-selected="true"]')).toBe('Prompt previews');
    await page.click('[data-tab="campaigns"]');
    expect(await page.textContent(`[data-campaign="${world.campaigns[0]!.id}"][data-field="response"]`)).toMatch(
      /^response \d+%$/,
    );
    await shot(page, 'campaigns-en');
    await page.close();
  });

  it('a team leader sees their own team; a mentor and a student get no access', async () => {
    const leader = await open(world.teamLeader.email!);
    expect(await leader.getAttribute('body', 'data-state')).toBe('ready');
    await leader.click('[data-tab="coverage"]');
    expect(await leader.locator('table.heat tbody tr').count()).toBe(world.leaderTeam.groupIds.length);
    expect(await leader.locator('tr[data-student]').count()).toBe(0);
    await leader.close();

    for (const [who, lang] of [
      [world.mentor, 'nl'],
      [world.student, 'en'],
    ] as const) {
      const page = await open(who.email!, lang);
      expect(await page.getAttribute('body', 'data-state')).toBe('no-access');
      expect(await page.textContent('main')).toContain(lang === 'nl' ? 'Geen toegang' : 'No access');
      expect(await page.locator('.view').count()).toBe(0);
      expect(await page.locator('.tabs').isHidden()).toBe(true);
      await shot(page, `no-access-${lang}`);
      await page.close();
    }
  });
});
