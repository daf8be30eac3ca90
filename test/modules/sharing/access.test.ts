import { afterEach, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import { tenantId, testUser } from '../../helpers/activities.ts';
import { askSupervisor, cardText, executes, get, linkOf, openForm, post, sharingSchool } from './school.ts';

// The supervisor and the parent as roles of their own: they have no account, only a link, and a link
// shows exactly what the student chose to share. Staff cannot make links for a student.

describe('who sees what through a share link', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('a supervisor link shows only the shared reflection', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId } = school;
    await w.reflect(sanne.user, {
      feeling: 'awful',
      happened: 'Mijn ouders willen dat ik stop met de opleiding.',
      'next-step': 'Met de decaan praten.',
    });
    const url = await askSupervisor(w, sanne.user, reflectionId);
    for (const probe of [url, `${url}?reflectionId=x`, `${url}/`, `${url}?lang=en`]) {
      const page = await get(probe);
      expect(page.status, probe).toBe(200);
      expect(page.html).not.toContain('ouders willen');
      expect(page.html).not.toContain('decaan');
      expect(page.html).not.toContain('sanne@school.nl');
      expect(page.html).not.toContain('de Vries');
      expect(page.html).not.toContain('Jansen');
      expect(page.html).not.toContain(sanne.person.id);
    }
    // The answer can only be about the linked reflection.
    const { cookie, csrf } = await openForm(url);
    await post(url, { csrf, seen: 'Goed.', next: 'Door.', reflectionId: 'other' }, { cookie });
    const [answer] = await school.sharing.repos.answers.listByStudent(sanne.person.id);
    expect(answer?.reflectionId).toBe(reflectionId);
  });

  it('a parent link cannot be used to answer, and shows nothing else of the student', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId, sharing } = school;
    const menu = await w.say(sanne.user, 'deel');
    const share = executes(menu).find((a) => a.verb === 'sharing.parent' && a.data['subject'] === 'reflection')!;
    const url = linkOf(await w.act(sanne.user, share.verb, { ...share.data, reflectionId }));
    const page = await get(url);
    expect(page.html).not.toContain('<form');
    expect(page.html).not.toContain('csrf');
    expect(page.headers.get('set-cookie')).toBeNull();
    expect((await post(url, { seen: 'x', next: 'y' })).status).toBe(410);
    expect(await sharing.repos.answers.listByStudent(sanne.person.id)).toEqual([]);
  });

  it('staff cannot make, list or revoke a student’s links', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId, sharing } = school;
    await askSupervisor(w, sanne.user, reflectionId);
    const [link] = await sharing.repos.links.listByStudent(sanne.person.id);
    await ensurePersonByEmail(w.t.bot.deps.install, tenantId, 'decaan@school.nl', 'coordinator', 'De Decaan');
    const coordinator = testUser('De Decaan', 'decaan@school.nl');
    w.t.join(coordinator);
    await w.t.send('personal-installation-add', coordinator);
    const menu = await w.say(coordinator, 'deel');
    expect(cardText(menu)).not.toContain('Links die nu werken');
    for (const [verb, data] of [
      ['sharing.ask', { reflectionId }],
      ['sharing.parent', { subject: 'dossier' }],
      ['sharing.revoke', { linkId: link!.id }],
      ['sharing.decide', { answerId: link!.id, decision: 'agreed' }],
    ] as const) {
      const card = await w.act(coordinator, verb, data);
      expect(cardText(card), verb).not.toMatch(/Geef deze link|Ingetrokken/);
    }
    expect((await sharing.repos.links.get(link!.id))?.revokedAt).toBeUndefined();
    expect(await sharing.repos.links.listByStudent(sanne.person.id)).toHaveLength(1);
  });
});
