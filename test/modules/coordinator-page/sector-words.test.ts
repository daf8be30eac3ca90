import { afterAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../src/platform/clock.ts';
import { tenantId } from '../../helpers/activities.ts';
import { seedCoordinatorWorld } from '../../helpers/coordinator-world.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The coordinator page names the school's students as its sector does: leerlingen in vo, studenten in
// mbo and hbo (it said leerlingen for every school).

let bot: TestBot | undefined;
afterAll(async () => {
  await bot?.stop();
});

describe('the coordinator page in the words of the school', () => {
  it('says leerlingen in a vo school and studenten in an mbo school', async () => {
    bot = await startTestBot({ clock: new ManualClock('2027-03-15T09:00:00Z'), env: { DEV_PAGE_LOGIN: 'true' } });
    const world = await seedCoordinatorWorld(bot.bot.deps, { classes: 2, classSize: 6, reflectionsPerStudent: 1 });
    const view = async () => {
      const res = await fetch(`${bot!.bot.url}/coordinator/api/view?lang=nl`, {
        headers: { 'x-dev-login': world.coordinator.email ?? '' },
      });
      expect(res.status).toBe(200);
      return ((await res.json()) as { html: string }).html;
    };

    await bot.bot.deps.repos.schools.update(tenantId, (s) => ({ ...s, sector: 'vo' }));
    const vo = await view();
    expect(vo).toContain('Aandeel leerlingen met minstens één reflectie');

    await bot.bot.deps.repos.schools.update(tenantId, (s) => ({ ...s, sector: 'mbo' }));
    const mbo = await view();
    expect(mbo).toContain('Aandeel studenten met minstens één reflectie');
    expect(mbo).not.toContain('Aandeel leerlingen');
  });
});
