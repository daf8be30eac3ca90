import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';
import { cardText, digestsIn, executes, nov, plain, World } from './world.ts';

// The mentor side's queries on both store backends: the digest window (a range on createdAt in the
// mentor's partition), the outbox (due entries across partitions, in order), notes per reflection.

describe.each(backends)('mentor side on $name', (backend) => {
  let store: DocumentStore;
  let w: World;
  beforeEach(async () => {
    store = await backend.open();
    w = await World.start({ store, at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
    await store.close();
  });

  it('sends a digest once, delivers a note, and reminds of a planned conversation', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(student.user, mentor.user);
    const reflectionId = await w.reflect(student.user);
    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    w.clock.set(nov(6, '15:10'));
    expect((await w.runDigest()).sent).toBe(0);
    const digest = digestsIn(w.cards(mentor.user))[0]!;
    expect(cardText(digest)).toContain(plain.happened);

    const data = executes(digest).find((a) => a.verb === 'mentor.note')!.data;
    const noted = await w.act(mentor.user, 'mentor.note', { ...data, [`note-${student.person.id}`]: 'Mooi gedaan!' });
    expect(cardText(noted)).toContain('aangekomen');
    expect(await w.mentoring.repos.notes.listByReflection(student.person.id, reflectionId)).toHaveLength(1);

    await w.act(mentor.user, 'mentor.plan', data);
    w.clock.set(nov(13, '15:10'));
    expect((await w.runOutbox()).sent).toBe(1);
    expect(cardText(w.cards(mentor.user).at(-1))).toContain('Herinnering: een gepland gesprek');
  });
});
