import { afterEach, describe, expect, it } from 'vitest';
import { openCalendars } from '../../src/core/send-policy/calendar-repository.ts';
import { openCampaignRepositories } from '../../src/modules/campaigns/repositories.ts';
import { openPersonalDataStore } from '../../src/modules/privacy/personal-data-store.ts';
import type { Collection, CollectionDef, Doc, DocumentStore } from '../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Issue 16, problem 9: a store part whose first open failed (a full disk, a throttled container
// creation) must open on the next call, not repeat the old failure until the bot restarts. Every module
// opens its store parts once, in its setup (src/modules/index.ts), and nothing keeps a failed open: a bot
// that could not start because the disk was full starts once it has room, and its jobs run.

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

  for (const [job, collection] of [
    ['privacy.retention', 'privacy'],
    ['mentoring.outbox', 'mentoring_outbox'],
    ['campaigns.send', 'deliveries'],
  ] as const) {
    it(`a bot whose ${collection} could not be opened starts once the disk has room, and ${job} runs`, async () => {
      const store = new FlakyStore(SqliteStore.open(':memory:'));
      store.failNextOpen(collection);
      await expect(startTestBot({ store })).rejects.toThrow('disk is full');
      bot = await startTestBot({ store });
      expect(await bot.bot.deps.jobs.runNow(job)).toMatchObject({ status: 'ran' });
    });
  }
});
