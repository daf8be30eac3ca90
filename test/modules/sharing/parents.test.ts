import { afterEach, describe, expect, it } from 'vitest';
import { askSupervisor, cardText, executes, get, linkOf, post, sharingSchool } from './school.ts';

// Parents, with the student in the lead: the home-talk reflection, and a read-only link to one
// reflection or the dossier summary that shows only that, expires, and stops when revoked.

describe('sharing with home', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('offers the home-talk reflection, and shares one reflection read-only until it is revoked', async () => {
    school = await sharingSchool();
    const { w, sanne, sharing } = school;
    const started = await w.say(sanne.user, 'reflecteer gesprek thuis');
    expect(cardText(started)).toContain('Gesprek thuis');
    const open = (await w.repos.reflections.listByStudent(sanne.person.id)).find((r) => r.status === 'open')!;
    expect(open.flowId).toBe('home-talk');
    const submitted = await w.act(sanne.user, 'reflection.submit', {
      reflectionId: open.id,
      feeling: 'good',
      happened: 'Mijn oom vertelde hoe hij als verpleegkundige nachtdiensten draait.',
      'good-at': 'Ik vind zorgen voor anderen ook fijn.',
      kernwoord: 'zorgen',
      'next-step': 'Een meeloopdag in het ziekenhuis aanvragen.',
    });
    expect(cardText(submitted)).toContain('Dank je wel');

    const menu = await w.say(sanne.user, 'deel');
    const choice = JSON.stringify(menu);
    expect(choice).toContain('Gesprek thuis');
    const parentButton = executes(menu).find((a) => a.verb === 'sharing.parent' && a.data['subject'] === 'reflection')!;
    const card = await w.act(sanne.user, parentButton.verb, { ...parentButton.data, reflectionId: open.id });
    expect(cardText(card)).toContain('Geef deze link aan je ouder of iemand thuis');
    const url = linkOf(card);
    const [link] = await sharing.repos.links.listByStudent(sanne.person.id);
    expect(link).toMatchObject({ audience: 'parent', subject: { kind: 'reflection', reflectionId: open.id } });
    expect(link?.consentAt).toBeDefined();

    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('nachtdiensten');
    expect(page.html).toContain('Je kunt dit alleen lezen.');
    expect(page.html).not.toContain('<form');
    // Her other reflection (the placement) is not on it.
    expect(page.html).not.toContain('kassa');
    // Read-only: a post is refused and stores nothing.
    expect((await post(url, { seen: 'x', next: 'y' })).status).toBe(410);
    expect(await sharing.repos.answers.listByStudent(sanne.person.id)).toEqual([]);
    // The same page in English.
    const en = await get(`${url}?lang=en`);
    expect(en.html).toContain('You can only read this.');
    expect(en.html).toContain('<html lang="en">');

    const revoke = executes(await w.say(sanne.user, 'deel')).find((a) => a.verb === 'sharing.revoke')!;
    await w.act(sanne.user, revoke.verb, revoke.data);
    const gone = await get(url);
    expect(gone.status).toBe(410);
    expect(gone.html).toContain('heeft deze link ingetrokken');
    expect(gone.html).not.toContain('nachtdiensten');
  });

  it('shares the dossier summary: titles, key words and next steps, not the answers', async () => {
    school = await sharingSchool();
    const { w, sanne } = school;
    const menu = await w.say(sanne.user, 'deel');
    const dossier = executes(menu).find((a) => a.verb === 'sharing.parent' && a.data['subject'] === 'dossier')!;
    const url = linkOf(await w.act(sanne.user, dossier.verb, dossier.data));
    const page = await get(url);
    expect(page.status).toBe(200);
    expect(page.html).toContain('Dossieroverzicht');
    expect(page.html).toContain('Volgende stap: Vragen of ik vaker de kassa mag doen.');
    expect(page.html).not.toContain('een klant met een klacht');
  });

  it('never gives a supervisor link without a supervisor, nor for a reflection that is not the student’s', async () => {
    school = await sharingSchool();
    const { w, sanne, bram, reflectionId, sharing } = school;
    const noSupervisor = await w.act(sanne.user, 'sharing.ask', { reflectionId });
    expect(cardText(noSupervisor)).toContain('Vul eerst je stagebegeleider in.');
    // Bram has a supervisor too, and asks about Sanne's reflection id: refused, nothing made.
    await w.act(bram.user, 'sharing.supervisor', { name: 'Els', email: 'els@garage.nl', company: 'Garage' });
    for (const verb of ['sharing.ask', 'sharing.parent']) {
      const card = await w.act(bram.user, verb, { reflectionId });
      expect(cardText(card)).toContain('Kies een van je eigen afgeronde reflecties.');
    }
    expect(await sharing.repos.links.listByStudent(bram.person.id)).toEqual([]);
    // Bram cannot revoke Sanne's link, nor decide on her supervisor's answer.
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const [link] = await sharing.repos.links.listByStudent(sanne.person.id);
    expect(cardText(await w.act(bram.user, 'sharing.revoke', { linkId: link!.id }))).toContain('Die link kan ik niet vinden.');
    expect((await get(url)).status).toBe(200);
    expect(cardText(await w.act(bram.user, 'sharing.decide', { answerId: link!.id, decision: 'agreed' }))).toContain(
      'Dit antwoord kan ik niet meer vinden.',
    );
  });
});
