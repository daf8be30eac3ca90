import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardText, digestsIn, nov, plain, World } from '../mentoring/world.ts';

// The thread across reflections (rode draad), through the running bot: a kernwoord named again is shown
// back on the summary ("nu 3 keer: bij …"), in `mijn reflecties`, and in the mentor's digest.

describe('the thread across reflections', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  it('shows a recurring kernwoord on the summary, in mijn reflecties and in the digest', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(sanne.user, mentor.user);

    await w.reflect(sanne.user, { ...plain, kernwoord: 'helpen' });
    w.clock.set(nov(3, '10:00'));
    await w.reflect(sanne.user, { ...plain, kernwoord: 'rust' });
    w.clock.set(nov(4, '10:00'));
    await w.reflect(sanne.user, { ...plain, kernwoord: 'Helpen ' });
    w.clock.set(nov(5, '10:00'));

    // The fourth reflection names it for the third time: the summary shows the earlier times, and now.
    expect((await w.t.send('personal-message', sanne.user, { text: 'reflecteer free' })).status).toBe(200);
    const open = (await w.repos.reflections.listByStudent(sanne.person.id)).find((r) => r.status === 'open')!;
    const res = await w.t.send('card-action-execute', sanne.user, {
      verb: 'reflection.submit',
      data: { reflectionId: open.id, ...plain, 'good-at': 'Een klasgenoot helpen met plannen.', kernwoord: 'helpen' },
      replyToId: 'act-1',
    });
    const summary = cardText((res.body as { value: unknown }).value);
    expect(summary).toMatch(/Je noemde \s*helpen\s* nu 3 keer: bij Iets wat ik meemaakte, Iets wat ik meemaakte en nu\./);
    expect(summary).not.toContain('rust');

    const overview = cardText(await w.say(sanne.user, 'mijn reflecties'));
    expect(overview).toMatch(/Je rode draad: \s*helpen \(3×\)/);
    expect(overview).not.toContain('rust (');

    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const digest = cardText(digestsIn(w.cards(mentor.user)).at(-1));
    expect(digest).toMatch(/Kernwoorden die terugkomen: \s*helpen \(3×\)/);
  });

  it("turns the student's recurring kernwoord and emotion word into questions for the mentor, grouped by kernwoord in the digest and in mijn studenten", async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(sanne.user, mentor.user);

    await w.reflect(sanne.user, { ...plain, kernwoord: 'helpen', 'feeling.word': 'trots' });
    w.clock.set(nov(3, '10:00'));
    await w.reflect(sanne.user, { ...plain, kernwoord: 'rust' });
    w.clock.set(nov(4, '10:00'));
    await w.reflect(sanne.user, { ...plain, kernwoord: 'Helpen', 'feeling.word': 'Trots' });

    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const digest = cardText(digestsIn(w.cards(mentor.user)).at(-1));
    // Grouped by kernwoord: the word, how often, and at which reflections; a word named once is not a thread.
    expect(digest).toMatch(
      /Kernwoorden die terugkomen: \s*helpen \(2×\): Iets wat ik meemaakte 2 nov, Iets wat ik meemaakte 4 nov/,
    );
    expect(digest).toMatch(/Gevoelswoorden die terugkomen: \s*trots \(2×\)/);
    expect(digest).not.toMatch(/rust \(/);
    // And as questions for the conversation (where and when, no why).
    expect(digest).toContain('Rode draad: ');
    expect(digest).toContain('Je noemde ‘helpen’ nu 2 keer. Waar zou je dat nog meer willen inzetten?');
    expect(digest).toContain('Je schreef vaker ‘trots’. Wanneer voelde je je nog meer zo?');

    // The mentor's per-student overview groups by kernwoord too.
    const students = cardText(await w.say(mentor.user, 'mijn studenten'));
    expect(students).toMatch(
      /Kernwoorden die terugkomen: \s*helpen \(2×\): Iets wat ik meemaakte 2 nov, Iets wat ik meemaakte 4 nov/,
    );
    expect(students).not.toMatch(/rust \(/);
  });
});
