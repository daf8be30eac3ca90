import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { docsMentioning } from '../../helpers/store-scan.ts';
import { type Card, executes, nov, plain, World } from './world.ts';

// The erasure deletes the student, then goes through her partition. A mentor's note that passed its
// checks just before the erasure and is written just after it would stay under her real id, text and all,
// with nothing to remove it later. In production the two run in different requests or instances; here the
// erasure runs at the moment the note is written.

describe('an erasure that overlaps a mentor writing a note', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  it('leaves nothing of the note about the erased student', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(sanne.user, mentor.user);
    await w.reflect(sanne.user, { ...plain, 'wants-to-talk': 'true' });
    const data = executes(w.cards(mentor.user).at(-1) as Card).find((a) => a.verb === 'mentor.note')!.data;

    const notes = w.mentoring.repos.notes;
    const create = notes.create.bind(notes);
    let erased = false;
    notes.create = async (note) => {
      if (!erased) {
        erased = true;
        const privacy = w.t.bot.deps.modules.privacy.service;
        expect((await privacy.erase(tenantId, sanne.person.id, 'student')).kind).toBe('erased');
      }
      return create(note);
    };
    const before = w.cards(sanne.user).length;
    await w.act(mentor.user, 'mentor.note', { ...data, [`note-${sanne.person.id}`]: 'Notitie-p7zq: vraag je stagebegeleider.' });
    await w.runOutbox();

    expect(erased).toBe(true);
    expect(await docsMentioning(w.t.store, ['p7zq', sanne.person.id])).toEqual([]);
    expect(w.cards(sanne.user)).toHaveLength(before);
  });
});
