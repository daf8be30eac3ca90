import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openRepositories } from '../../../src/core/repositories.ts';
import { openMentoringRepositories } from '../../../src/modules/mentoring/repositories.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { seeingQueries } from '../../helpers/seen-queries.ts';

// A student's meeting calendar is a feed that calendar apps poll, each poll reading the student's
// follow-ups, which live in their mentors' partitions. That read must go through an index, not through
// every mentor-student pair of the school on every poll.

describe("a student's follow-ups across their mentors", () => {
  let store: SqliteStore;
  beforeEach(() => {
    store = SqliteStore.open(':memory:');
  });
  afterEach(async () => {
    await store.close();
  });

  it('are read by student through an index', async () => {
    const seeing = seeingQueries(store);
    const mentoring = await openMentoringRepositories(seeing.store, await openRepositories(seeing.store));
    for (const [mentorId, studentId] of [
      ['piet', 'sanne'],
      ['anna', 'sanne'],
      ['piet', 'daan'],
    ] as const) {
      await mentoring.followUps.upsert({ schoolId: 'school-1', mentorId, studentId }, (f) => f);
    }
    const sanne = await mentoring.followUps.listByStudent('sanne');
    expect(sanne.map((f) => f.mentorId).sort()).toEqual(['anna', 'piet']);

    const asked = seeing.queries.filter((q) => q.collection === 'mentor_followups').at(-1)!;
    const plan = store.queryPlan('mentor_followups', asked.query).join('\n');
    expect(plan).toContain('USING INDEX ix_mentor_followups_studentId');
    expect(plan).not.toContain('SCAN');
  });
});
