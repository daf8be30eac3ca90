import { afterEach, describe, expect, it } from 'vitest';
import { renderCard } from '../../helpers/render-card.ts';
import { digestsIn } from '../mentoring/world.ts';
import { askSupervisor, cardText, executes, nov, openForm, post, sharingSchool } from './school.ts';

// The trialoog over HTTP: the student adds their supervisor and asks them about one reflection; the
// supervisor answers on the page; the answer reaches the student first; only once the student agrees
// does it join the mentor's digest.

describe('trialoog with the internship supervisor', () => {
  let school: Awaited<ReturnType<typeof sharingSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('goes from the student to the supervisor’s page, back to the student, and only when agreed to the mentor', async () => {
    school = await sharingSchool();
    const { w, sanne, mentor, reflectionId, sharing } = school;
    // A second reflection that Sanne does not share: it must not appear on the page.
    await w.reflect(sanne.user, { feeling: 'bad', happened: 'Thuis ruzie over mijn profielkeuze.', 'next-step': 'Niets.' });

    const url = await askSupervisor(w, sanne.user, reflectionId);
    const [link] = await sharing.repos.links.listByStudent(sanne.person.id);
    expect(link).toMatchObject({
      audience: 'supervisor',
      subject: { kind: 'reflection', reflectionId },
      supervisorName: 'Kees Bos',
    });
    expect(link?.consentAt).toBe(nov(2, '10:00'));
    // 14 days by default; the store holds the token's hash, not the token.
    expect(link?.expiresAt).toBe(new Date(Date.parse(nov(2, '10:00')) + 14 * 86_400_000).toISOString());
    expect(JSON.stringify(link)).not.toContain(url.split('/s/')[1]);

    const { page, cookie, csrf } = await openForm(url);
    expect(page.html).toContain('Ik mocht bij de kassa een klant met een klacht helpen.');
    expect(page.html).toContain('Wat zag je Sanne op dat moment goed doen?');
    expect(page.html).not.toContain('ruzie');
    expect(page.html).not.toContain('de Vries');
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    expect(page.headers.get('referrer-policy')).toBe('no-referrer');
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('set-cookie')).toMatch(/HttpOnly; SameSite=Strict/);

    const before = w.cards(sanne.user).length;
    const sent = await post(
      url,
      {
        csrf,
        seen: 'Je bleef rustig en liet de klant eerst uitpraten. <script>x</script>',
        next: 'Vat de klacht samen voor je een oplossing noemt.',
        more: '',
      },
      { cookie },
    );
    expect(sent.status).toBe(200);
    expect(sent.html).toContain('Dank je wel. Je antwoord is bij Sanne.');

    // The student gets it at once (a Monday morning), through the delivery engine.
    const card = w.cards(sanne.user)[before]!;
    expect(cardText(card)).toContain('Je stagebegeleider heeft gereageerd');
    expect(cardText(card)).toContain('Kees Bos (Bakkerij Bos) schreef:');
    expect(cardText(card)).toContain('<script>x</script>');
    expect(renderCard(card).problems).toEqual([]);
    const [answer] = await sharing.repos.answers.listByStudent(sanne.person.id);
    expect(answer).toMatchObject({ deliveredAt: nov(2, '10:00'), reflectionId });
    expect(answer?.pending).toBeUndefined();
    expect(answer?.decision).toBeUndefined();

    // Not yet agreed: the mentor's digest has no trialoog.
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    expect(
      digestsIn(w.cards(mentor.user))
        .map((c) => cardText(c))
        .join('\n'),
    ).not.toContain('Trialoog');

    const agree = executes(card).find((a) => a.data['decision'] === 'agreed')!;
    const agreed = await w.act(sanne.user, agree.verb, agree.data);
    expect(cardText(agreed)).toContain('Je mentor ziet dit in het volgende overzicht.');
    expect(executes(agreed).map((a) => a.data['decision'])).toEqual(['declined']);

    w.clock.set(nov(13, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const digest = digestsIn(w.cards(mentor.user)).at(-1)!;
    expect(cardText(digest)).toMatch(/Trialoog: stagebegeleider Kees Bos \(Bakkerij Bos\), gedeeld door de leerling op 6 nov/);
    expect(cardText(digest)).toContain('Je bleef rustig en liet de klant eerst uitpraten.');
    expect(renderCard(digest).problems).toEqual([]);
  });

  it('keeps a declined answer from the mentor', async () => {
    school = await sharingSchool();
    const { w, sanne, mentor, reflectionId } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    expect((await post(url, { csrf, seen: 'Goed geluisterd.', next: 'Vaker zelf beginnen.' }, { cookie })).status).toBe(200);
    const card = w.cards(sanne.user).at(-1)!;
    const decline = executes(card).find((a) => a.data['decision'] === 'declined')!;
    expect(cardText(await w.act(sanne.user, decline.verb, decline.data))).toContain('Dit blijft van jou');
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    expect(
      digestsIn(w.cards(mentor.user))
        .map((c) => cardText(c))
        .join('\n'),
    ).not.toContain('Goed geluisterd.');
  });

  it('holds the answer during quiet hours and the job delivers it later', async () => {
    school = await sharingSchool();
    const { w, sanne, reflectionId, sharing } = school;
    const url = await askSupervisor(w, sanne.user, reflectionId);
    const { cookie, csrf } = await openForm(url);
    w.clock.set(nov(2, '23:30'));
    const before = w.cards(sanne.user).length;
    expect((await post(url, { csrf, seen: 'Netjes gewerkt.', next: 'Vraag om hulp als het druk is.' }, { cookie })).status).toBe(
      200,
    );
    expect(w.cards(sanne.user)).toHaveLength(before);
    expect((await sharing.repos.answers.listPending()).length).toBe(1);
    w.clock.set(nov(3, '08:30'));
    expect((await w.t.bot.deps.jobs.runNow('sharing.deliver')).status).toBe('ran');
    expect(cardText(w.cards(sanne.user).at(-1))).toContain('Netjes gewerkt.');
    expect(await sharing.repos.answers.listPending()).toEqual([]);
  });
});
