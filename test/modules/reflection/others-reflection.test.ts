import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Reflection } from '../../../src/core/entities.ts';
import { openRepositories } from '../../../src/core/repositories.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { seeingQueries } from '../../helpers/seen-queries.ts';

// A card action names a reflection by its id, which comes from card data anyone can forward or change.
// When it is not in the actor's own partition, the bot looks it up elsewhere to answer "not yours" or
// "not found". That lookup must not read every reflection of the school: each tampered tap would hold
// the bot's only thread for as long (about 0.1–0.2 s for 300,000 reflections on this machine).

describe("looking up a reflection outside the actor's partition", () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = SqliteStore.open(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('finds it by its id through an index, and finds nothing for an unknown id', async () => {
    const seeing = seeingQueries(store);
    const repos = await openRepositories(seeing.store);
    const reflection: Omit<Reflection, 'version'> = {
      id: 'refl-daan-1',
      schoolId: 'school-1',
      studentId: 'daan',
      flowId: 'free',
      locale: 'nl',
      status: 'open',
      createdAt: '2026-11-25T13:00:00.000Z',
      answers: {},
      competencies: [],
      routing: 'none',
    };
    await repos.reflections.create(reflection);

    expect((await repos.reflections.findAnywhere('refl-daan-1'))?.studentId).toBe('daan');
    expect(await repos.reflections.findAnywhere('refl-nobody')).toBeUndefined();

    const lookups = seeing.queries.filter((q) => q.collection === 'reflections');
    expect(lookups).toHaveLength(2);
    const plan = store.queryPlan('reflections', lookups[1]!.query).join('\n');
    expect(plan).toContain('USING INDEX ix_reflections_id (id=?)');
    expect(plan).not.toContain('SCAN');
  });
});
