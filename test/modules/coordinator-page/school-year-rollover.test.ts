import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { seedCoordinatorWorld } from '../../helpers/coordinator-world.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The coordinator page shows one school year. On 1 August the new year's page starts without last year's
// campaigns (found by the year-in-a-day soak: every campaign of the year before stayed on the new year's
// page, with its whole figures, beside the new year's empty response figures).

const store = SqliteStore.open(':memory:');
const campaignNames = ['Open dagen', 'Meeloopdag hbo', 'Snuffelstages', 'Profielkeuze', 'Meeloopdag mbo'];
let bot: TestBot | undefined;

afterAll(async () => {
  await bot?.stop();
  await store.close();
});

async function pageOn(at: string, seed = false) {
  await bot?.stop();
  bot = await startTestBot({ store, clock: new ManualClock(at), env: { DEV_PAGE_LOGIN: 'true' } });
  const world = seed
    ? await seedCoordinatorWorld(bot.bot.deps, { classes: 2, classSize: 6, reflectionsPerStudent: 1 })
    : undefined;
  const res = await fetch(`${bot.bot.url}/coordinator/api/view?lang=nl`, {
    headers: { 'x-dev-login': world?.coordinator.email ?? 'pattif@example.com' },
  });
  expect(res.status).toBe(200);
  return (await res.json()) as { subtitle: string; html: string };
}

describe('the coordinator page across the school-year rollover', () => {
  it("lists the year's campaigns in March and none of them on the next year's page", async () => {
    const march = await pageOn('2027-03-15T09:00:00Z', true);
    expect(march.subtitle).toContain('2026-2027');
    for (const name of campaignNames) expect(march.html).toContain(name);

    const august = await pageOn('2027-08-20T09:00:00Z');
    expect(august.subtitle).toContain('2027-2028');
    for (const name of campaignNames) expect(august.html).not.toContain(name);
  });
});
