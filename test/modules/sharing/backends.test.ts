import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { backends } from '../../helpers/backends.ts';
import { digestsIn } from '../mentoring/world.ts';
import { askSupervisor, cardText, executes, nov, openForm, post, sharingSchool } from './school.ts';

// Sharing's queries on both store backends: a link by its hash (its own partition), the student's links
// across partitions, the pending answers across students, and the agreed answers in the digest's window.

describe.each(backends)('sharing on $name', (backend) => {
  let store: DocumentStore;
  let school: Awaited<ReturnType<typeof sharingSchool>>;
  beforeEach(async () => {
    store = await backend.open();
    school = await sharingSchool(nov(2, '10:00'), store);
  });
  afterEach(async () => {
    await school.w.stop();
    await store.close();
  });

  it('takes one answer, holds it in the quiet hours, and puts only the agreed one in the digest', async () => {
    const { w, sanne, mentor, reflectionId, sharing } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    expect((await sharing.service.liveLinks(sanne.person)).length).toBe(1);
    const { cookie, csrf } = await openForm(url);
    w.clock.set(nov(2, '22:00'));
    expect(
      (await post(url, { csrf, seen: 'Goed overlegd met collega’s.', next: 'Zelf de planning maken.' }, { cookie })).status,
    ).toBe(200);
    expect((await post(url, { csrf, seen: 'Twee keer.', next: 'Twee keer.' }, { cookie })).status).toBe(410);
    expect((await sharing.repos.answers.listPending()).length).toBe(1);
    w.clock.set(nov(3, '09:00'));
    expect((await w.t.bot.deps.jobs.runNow('sharing.deliver')).status).toBe('ran');
    expect(await sharing.repos.answers.listPending()).toEqual([]);
    const card = w.cards(sanne.user).at(-1)!;
    const agree = executes(card).find((a) => a.data['decision'] === 'agreed')!;
    await w.act(sanne.user, agree.verb, agree.data);
    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    expect(cardText(digestsIn(w.cards(mentor.user)).at(-1)!)).toContain('Goed overlegd met collega’s.');
    expect(await sharing.service.liveLinks(sanne.person)).toEqual([]);
  });
});
