import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Person, Reflection } from '../../../src/core/entities.ts';
import { mentorMode } from '../../../src/core/mentor-routing.ts';
import { DigestContent } from '../../../src/modules/mentoring/digest-content.ts';
import { noNonResponders } from '../../../src/modules/mentoring/ports.ts';
import { buildSection, stepStatuses } from '../../../src/modules/mentoring/sections.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { backends } from '../../helpers/backends.ts';
import { CountingStore } from '../../helpers/counting-store.ts';
import { cardText, digestsIn, executes, nov, World } from './world.ts';

// What a digest reads: the ranking reads heads (a few fields of each item, student and reflection); whole
// documents only for what the first card shows. Issue 14: at most 40 whole documents for a mentor with 30
// students of 10 new entries each (it read 504 before).

const created = '2026-09-01T08:00:00.000Z';

function student(id: string, name: string): Omit<Person, 'version'> {
  return {
    id,
    schoolId: tenantId,
    name,
    email: `${id}@school.nl`,
    locale: 'nl',
    localeSource: 'default',
    roles: ['student'],
    reachability: { state: 'reachable' },
    createdAt: created,
    updatedAt: created,
  };
}

/** A submitted reflection on the free flow, and the mentor's item for it as the router records it. */
async function answered(w: World, mentorId: string, studentId: string, id: string, at: string, extra: Partial<Reflection> = {}) {
  const reflection: Omit<Reflection, 'version'> = {
    id,
    schoolId: tenantId,
    studentId,
    flowId: 'free',
    activityType: 'free',
    source: { kind: 'student' },
    locale: 'nl',
    status: 'submitted',
    createdAt: at,
    submittedAt: at,
    emotion: 'good',
    answers: { feeling: 'good', happened: `Wat er gebeurde (${id}).`, 'next-step': `Mijn volgende stap (${id}).` },
    competencies: ['motives'],
    routing: 'routed',
    ...extra,
  };
  await w.repos.reflections.create(reflection);
  const mode = mentorMode(reflection);
  await w.repos.mentorItems.ensure({
    id: `${id}:${mentorId}`,
    schoolId: tenantId,
    mentorId,
    studentId,
    reflectionId: id,
    createdAt: at,
    mode,
    priority: reflection.wantsToTalk ? 'talk' : reflection.signals?.length ? 'signal' : 'other',
    submittedAt: at,
    state: mode === 'now' ? 'sent' : 'pending',
    attempts: 0,
  });
}

describe('what a digest reads', () => {
  let w: World;
  let store: CountingStore;
  beforeEach(async () => {
    store = new CountingStore(SqliteStore.open(':memory:'));
    w = await World.start({ store, at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  it('reads at most 40 whole documents for 30 students with 10 new entries each, and the card ranks as before', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    for (let s = 0; s < 30; s++) {
      const id = `student-${s}`;
      await w.repos.people.create(student(id, `Student ${String(s).padStart(2, '0')}`));
      await w.repos.assignments.assign(tenantId, id, mentor.person.id, created);
      for (let e = 0; e < 10; e++) {
        // Student 7 asked to talk once; the rest wrote ordinary entries, the later students later.
        const at = new Date(Date.UTC(2026, 10, 2 + (e % 4), 11, s, e)).toISOString();
        await answered(w, mentor.person.id, id, `r-${s}-${e}`, at, s === 7 && e === 3 ? { wantsToTalk: true } : {});
      }
    }
    w.clock.set(nov(6, '15:05'));
    const mark = store.mark();
    expect((await w.runDigest()).sent).toBe(1);
    const reads = store.since(mark);
    expect(reads.documents).toBeLessThanOrEqual(40);
    // The ranking still looks at every item, student and assignment: as heads.
    expect(reads.projectedRows).toBeGreaterThanOrEqual(300 + 30 + 30);
    // The digest and the settings are read once each (to see whether this slot is due); recording the
    // digest as sent and moving the cursor write over the versions in hand, without reading them again.
    expect(reads.byCollection['mentor_digests']?.reads).toBe(1);
    expect(reads.byCollection['mentor_settings']?.reads).toBe(1);

    const card = digestsIn(w.cards(mentor.user)).at(-1)!;
    const onFirst = [...new Set(executes(card).map((a) => a.data['studentId']))].filter(Boolean);
    // Asked to talk first, then the newest answers first.
    expect(onFirst.slice(0, 3)).toEqual(['student-7', 'student-29', 'student-28']);
    expect(cardText(card)).toContain('Wat er gebeurde (r-7-3).');
  });

  it('reads the answers of one student more than the first card shows when each had a full week', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    for (let s = 0; s < 30; s++) {
      const id = `student-${s}`;
      await w.repos.people.create(student(id, `Student ${String(s).padStart(2, '0')}`));
      await w.repos.assignments.assign(tenantId, id, mentor.person.id, created);
      for (let e = 0; e < 10; e++) {
        const long = `${'Een lange dag met veel te vertellen over wat er gebeurde. '.repeat(3)}(${s}-${e})`;
        const answers = {
          feeling: 'good',
          happened: long,
          'next-step': `${'Een volgende stap die ik wil zetten. '.repeat(3)}(${s}-${e})`,
        };
        await answered(
          w,
          mentor.person.id,
          id,
          `r-${s}-${e}`,
          new Date(Date.UTC(2026, 10, 2 + (e % 4), 11, s, e)).toISOString(),
          {
            answers,
          },
        );
      }
    }
    w.clock.set(nov(6, '15:05'));
    const mark = store.mark();
    expect((await w.runDigest()).sent).toBe(1);
    const reads = store.since(mark);
    const card = digestsIn(w.cards(mentor.user)).at(-1)!;
    const onFirst = new Set(
      executes(card)
        .map((a) => a.data['studentId'])
        .filter(Boolean),
    ).size;
    expect(onFirst).toBeGreaterThan(0);
    expect(onFirst).toBeLessThan(8);
    // Two entries shown per student: the whole reflections of the students on the card and of the next one.
    expect(reads.byCollection['reflections']?.documents).toBeLessThanOrEqual(2 * (onFirst + 1));
  });
});

// The heads and the whole reads on both backends: cross-partition projections, ids by partition.
describe.each(backends)('a digest section from heads on $name', (backend) => {
  let w: World;
  let store: CountingStore;
  let opened: DocumentStore;
  beforeEach(async () => {
    opened = await backend.open();
    store = new CountingStore(opened);
    w = await World.start({ store, at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
    await opened.close();
  });

  it('shows the same sections from heads as from whole reflections, with open steps from the history', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    await w.repos.people.create(student('sanne', 'Sanne de Vries'));
    await w.repos.assignments.assign(tenantId, 'sanne', mentor.person.id, created);
    const older = (day: number, hour: number) => new Date(Date.UTC(2026, 9, day, hour)).toISOString();
    // History: steps without a next step, done, not yet, open; kernwoorden that recur.
    const withoutStep = { feeling: 'good', happened: 'Geen stap deze keer.' };
    await answered(w, mentor.person.id, 'sanne', 'h1', older(1, 9), { kernwoord: 'Zorg' });
    await answered(w, mentor.person.id, 'sanne', 'h2', older(2, 9), { answers: withoutStep });
    await answered(w, mentor.person.id, 'sanne', 'h3', older(3, 9), {
      followUp: { state: 'answered', rounds: 1, outcome: 'done' },
    });
    await answered(w, mentor.person.id, 'sanne', 'h4', older(4, 9), {
      followUp: { state: 'answered', rounds: 1, outcome: 'not-yet' },
      kernwoord: 'zorg ',
    });
    await answered(w, mentor.person.id, 'sanne', 'h5', older(5, 9), { answers: withoutStep });
    await answered(w, mentor.person.id, 'sanne', 'h6', older(6, 9));
    await answered(w, mentor.person.id, 'sanne', 'h7', older(7, 9));
    // This week: three new entries, one with a signal.
    await answered(w, mentor.person.id, 'sanne', 'n1', nov(3, '11:00'));
    await answered(w, mentor.person.id, 'sanne', 'n2', nov(4, '11:00'), { signals: ['very-negative'], emotion: 'awful' });
    await answered(w, mentor.person.id, 'sanne', 'n3', nov(5, '11:00'));

    const deps = w.t.bot.deps;
    const content = new DigestContent({
      repos: deps.repos,
      mentoring: w.mentoring.repos,
      flows: deps.flows,
      nonResponders: noNonResponders,
      log: deps.log,
      fit: () => 10,
    });
    const from = new Date(Date.UTC(2026, 10, 1)).toISOString();
    const to = nov(6, '15:00');
    const scope = w.mentoring.repos.scope(tenantId, mentor.person.id);
    const window = await content.content(scope, from, to);
    const mark = store.mark();
    const [section] = await content.sections(scope, window, { from, to, locale: 'nl' });
    const reads = store.since(mark);
    // Read whole: the two entries shown, and the history down to the third open step (h7, h6, h5 which
    // turns out to have no step, then h4; h3 is done).
    expect(reads.documents).toBe(6);

    const reflections = (await w.mentoring.repos.scope(tenantId, mentor.person.id).reflectionsOf(['sanne'])).get('sanne')!;
    const fromWhole = buildSection(
      {
        student: { id: 'sanne', name: 'Sanne de Vries' },
        reflections,
        show: (r) => ['n1', 'n2', 'n3'].includes(r.id),
        maxEntries: 2,
        statuses: stepStatuses(reflections),
        followUp: undefined,
        nonResponses: [],
      },
      { flows: deps.flows, locale: 'nl' },
    );
    expect(section).toEqual(fromWhole);
    expect(section!.openSteps.map((s) => s.reflectionId)).toEqual(['h7', 'h6', 'h4']);
    expect(section!.entries.map((e) => e.reflectionId)).toEqual(['n3', 'n2']);
    expect(section!.recurring.map(({ word, count }) => ({ word, count }))).toEqual([{ word: 'Zorg', count: 2 }]);
  });
});
