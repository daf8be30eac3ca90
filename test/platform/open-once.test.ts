import { afterEach, describe, expect, it } from 'vitest';
import { openCalendars } from '../../src/core/send-policy/calendar-repository.ts';
import { campaignEngine } from '../../src/modules/campaigns/engine.ts';
import { openCampaignRepositories } from '../../src/modules/campaigns/repositories.ts';
import { openPersonalDataStore } from '../../src/modules/privacy/personal-data-store.ts';
import { openOnce } from '../../src/platform/open-once.ts';
import type { Collection, CollectionDef, Doc, DocumentStore } from '../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Issue 16, problem 9: a store part whose first open failed (a full disk, a throttled container
// creation) must open on the next call, not repeat the old failure until the bot restarts.

/** A real store whose next opening of the named collections fails once, as on a full disk. */
class FlakyStore implements DocumentStore {
  readonly inner: DocumentStore;
  readonly armed = new Set<string>();
  constructor(inner: DocumentStore) {
    this.inner = inner;
  }
  get kind() {
    return this.inner.kind;
  }
  failNextOpen(...names: string[]): void {
    for (const n of names) this.armed.add(n);
  }
  collection<T extends Doc>(def: CollectionDef): Promise<Collection<T>> {
    if (this.armed.delete(def.name)) {
      return Promise.reject(Object.assign(new Error('database or disk is full'), { code: 'ENOSPC' }));
    }
    return this.inner.collection<T>(def);
  }
  ping(): Promise<void> {
    return this.inner.ping();
  }
  purgeErased(): Promise<boolean> {
    return this.inner.purgeErased();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

let bot: TestBot | undefined;
afterEach(async () => {
  await bot?.stop();
  bot = undefined;
});

describe('openOnce', () => {
  it('shares one successful open per key, and forgets a failed one', async () => {
    let calls = 0;
    const open = openOnce(async (key: { fail: boolean }) => {
      calls++;
      if (key.fail) throw new Error('disk full');
      return calls;
    });
    const key = { fail: true };
    await expect(open(key)).rejects.toThrow('disk full');
    key.fail = false;
    const [a, b] = await Promise.all([open(key), open(key)]);
    expect([a, b]).toEqual([2, 2]);
    expect(await open(key)).toBe(2);
    expect(calls).toBe(2);
  });
});

describe('a store part whose first open failed', () => {
  const parts: [string, string, (s: DocumentStore) => Promise<unknown>][] = [
    ['personal-data store', 'reflections', openPersonalDataStore],
    ['calendars', 'calendars', openCalendars],
    ['campaign repositories', 'deliveries', openCampaignRepositories],
  ];
  for (const [what, collection, open] of parts) {
    it(`${what}: opens on the next call`, async () => {
      const store = new FlakyStore(SqliteStore.open(':memory:'));
      store.failNextOpen(collection);
      await expect(open(store)).rejects.toThrow('disk is full');
      await expect(open(store)).resolves.toBeDefined();
      await store.close();
    });
  }

  it('the nightly retention job runs again once the disk has room', async () => {
    const store = new FlakyStore(SqliteStore.open(':memory:'));
    bot = await startTestBot({ store });
    store.failNextOpen('privacy');
    expect((await bot.bot.deps.jobs.runNow('privacy-retention')).status).toBe('failed');
    expect(await bot.bot.deps.jobs.runNow('privacy-retention')).toMatchObject({ status: 'ran' });
  });

  it('the mentors’ outbox job runs again once the disk has room', async () => {
    const store = new FlakyStore(SqliteStore.open(':memory:'));
    bot = await startTestBot({ store });
    store.failNextOpen('mentoring_outbox');
    expect((await bot.bot.deps.jobs.runNow('mentors.outbox')).status).toBe('failed');
    expect(await bot.bot.deps.jobs.runNow('mentors.outbox')).toMatchObject({ status: 'ran' });
  });

  it('the campaign engine is built on the next call', async () => {
    bot = await startTestBot();
    // The engine of a bot on a second store, whose first opening of the ledger fails.
    const store = new FlakyStore(SqliteStore.open(':memory:'));
    const deps = { ...bot.bot.deps, store };
    store.failNextOpen('deliveries');
    await expect(campaignEngine(deps)).rejects.toThrow('disk is full');
    await expect(campaignEngine(deps)).resolves.toMatchObject({ sender: expect.anything() });
    await store.close();
  });
});
