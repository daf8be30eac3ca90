import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openCampaignRepositories } from '../../../src/modules/campaigns/repositories.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { testUser } from '../../helpers/activities.ts';
import { cliOn } from '../../helpers/cli.ts';
import { cardText } from '../../helpers/playground.ts';
import { startTestBot } from '../../helpers/test-bot.ts';

// A store written by the last released version (0.1.0: two students of mentor Piet Jansen who each
// submitted a reflection, an imported class 4H with a shadow-day activity and its campaign, a quality-cycle
// team, a school calendar) opens with today's code: the migrations run forward and nothing is lost.
// The fixture was made by driving version 0.1.0 through its own HTTP interface and CLI.

const fixture = path.resolve(import.meta.dirname, '../../fixtures/store/release-0.1.0.db');

// The users in the order the fixture created them (their Teams and Entra ids follow from that order).
const sanne = testUser('Sanne de Vries', 'sanne@school.nl');
const daan = testUser('Daan Smit', 'daan@school.nl');
const jansen = testUser('Piet Jansen', 'p.jansen@school.nl');

describe('upgrading a store written by release 0.1.0', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-upgrade-'));
    fs.copyFileSync(fixture, path.join(dir, 'lob-reflectie.db'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps the campaign, the quality-cycle team and the calendar for the command line', async () => {
    const cli = cliOn(dir, { clock: new ManualClock('2026-11-26T10:00:00Z') });
    expect(await cli.run('campaign', 'list')).toBe(0);
    expect(cli.out.join('\n')).toContain('Meeloopdag 4H');
    expect(await cli.run('pdca', 'team', 'list')).toBe(0);
    expect(cli.out.join('\n')).toContain('havo-bovenbouw');
    expect(await cli.run('calendar', 'show')).toBe(0);
    expect(cli.out.join('\n')).toContain('region: zuid');
  });

  it('keeps the students, their answers and their mentor for the bot', async () => {
    const store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
    const t = await startTestBot({ store, clock: new ManualClock('2026-11-26T10:00:00Z') });
    try {
      for (const u of [sanne, daan, jansen]) t.join(u);
      const before = t.connector.cardsIn(sanne.conversationId).length;
      expect((await t.send('personal-message', sanne, { text: 'mijn reflecties' })).status).toBe(200);
      const overview = await t.connector.waitFor(() => t.connector.cardsIn(sanne.conversationId)[before]);
      expect(cardText(overview, { values: true })).toContain('Ik mocht bij de bakker zelf deeg kneden.');
      expect(cardText(overview, { values: true })).not.toContain('fiets');

      const shown = t.connector.cardsIn(jansen.conversationId).length;
      expect((await t.send('personal-message', jansen, { text: 'mijn studenten' })).status).toBe(200);
      const students = cardText(await t.connector.waitFor(() => t.connector.cardsIn(jansen.conversationId)[shown]));
      expect(students).toContain('Sanne de Vries');
      expect(students).toContain('Daan Smit');
    } finally {
      await t.stop();
      await store.close();
    }
  });

  it("indexes the deliveries' due time per school, and no longer on its own", async () => {
    const file = path.join(dir, 'lob-reflectie.db');
    const indexes = () => {
      const db = new DatabaseSync(file, { readOnly: true });
      try {
        return (
          db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'c_deliveries'").all() as {
            name: string;
          }[]
        ).map((r) => r.name);
      } finally {
        db.close();
      }
    };
    expect(indexes()).toContain('ix_deliveries_dueAt');
    const store = SqliteStore.open(file);
    try {
      await openCampaignRepositories(store);
    } finally {
      await store.close();
    }
    expect(indexes()).toContain('ix_deliveries_pk_dueAt');
    expect(indexes()).not.toContain('ix_deliveries_dueAt');
  });
});
