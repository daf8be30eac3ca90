import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCard } from '../../helpers/render-card.ts';
import { cardText, digestsIn, executes, nov, textBlocks, textRuns, World } from '../mentoring/world.ts';

// The student's own emotion word (issue 12, item 2): typed beside the buttons, acknowledged on the next
// card in one line, stored as typed, shown back on the summary and to the mentor; never read as markup.

describe('the student’s own emotion word', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  it('is acknowledged, stored and shown to the student and the mentor', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(sanne.user, mentor.user);

    const first = await w.say(sanne.user, 'reflecteer free');
    const rendered = renderCard(first);
    expect(rendered.problems).toEqual([]);
    expect(rendered.text).toContain('Past geen van deze? Typ je eigen woord');
    const mixed = executes(first).find((a) => a.verb === 'reflection.feel' && a.data['emotion'] === 'mixed')!;

    // Teams sends the typed word with the tap (Action.Execute gathers the card's inputs).
    const questions = await w.act(sanne.user, 'reflection.feel', { ...mixed.data, 'feeling.word': '  zenuwachtig ' });
    expect(cardText(questions)).toMatch(/Je noemt het\s*zenuwachtig\s*\. Goed dat je het in je eigen woord zegt\./);
    // The word replaces the generic line: one acknowledgement, not two.
    expect(cardText(questions)).not.toContain('Twee gevoelens tegelijk');
    expect(textRuns(questions)).toContain('zenuwachtig');
    expect(textBlocks(questions).join(' ')).not.toContain('zenuwachtig');
    const submit = executes(questions).find((a) => a.verb === 'reflection.submit')!;
    expect(submit.data['feeling.word']).toBe('zenuwachtig');

    const summary = await w.act(sanne.user, 'reflection.submit', {
      ...submit.data,
      happened: 'Ik moest voor het eerst een klant bellen.',
      'both-sides': 'Spannend, maar het lukte wel.',
      'next-step': 'Morgen nog een keer bellen.',
    });
    expect(cardText(summary)).toContain('😕 Dubbel (zenuwachtig)');
    // The student reads the competencies in plain words; the mentor's card keeps the terms.
    expect(cardText(summary)).toMatch(/Hier werkte je aan: .*wat ik goed kan/);
    expect(cardText(summary)).not.toContain('kwaliteitenreflectie');
    const stored = (await w.repos.reflections.listByStudent(sanne.person.id)).find((r) => r.status === 'submitted')!;
    expect(stored.emotion).toBe('mixed');
    expect(stored.emotionWord).toBe('zenuwachtig');

    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const digest = cardText(digestsIn(w.cards(mentor.user)).at(-1));
    expect(digest).toContain('zenuwachtig');
    expect(digest).toContain('kwaliteitenreflectie');
  });

  it('keeps the word when the student goes back to change the face, and refuses one that is too long', async () => {
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    const first = await w.say(sanne.user, 'reflecteer free');
    const good = executes(first).find((a) => a.verb === 'reflection.feel' && a.data['emotion'] === 'good')!;
    const questions = await w.act(sanne.user, 'reflection.feel', { ...good.data, 'feeling.word': '<b>trots</b>' });
    const change = executes(questions).find((a) => a.verb === 'reflection.feel')!;
    const back = await w.act(sanne.user, 'reflection.feel', change.data);
    expect(renderCard(back).inputs).toContain('<b>trots</b>');

    const tooLong = await w.act(sanne.user, 'reflection.feel', { ...good.data, 'feeling.word': 'x'.repeat(41) });
    expect(cardText(tooLong)).toContain('te lang');
    const open = (await w.repos.reflections.listByStudent(sanne.person.id)).find((r) => r.status === 'open')!;
    // A too-long word sent straight with the submit is refused too; nothing is stored.
    const refused = await w.act(sanne.user, 'reflection.submit', {
      reflectionId: open.id,
      feeling: 'good',
      'feeling.word': 'x'.repeat(41),
      happened: 'Ik hielp een klant.',
      'good-at': 'Rustig uitleggen.',
      'next-step': 'Vaker aan de balie staan.',
    });
    expect(cardText(refused)).toContain('te lang');
    expect((await w.repos.reflections.listByStudent(sanne.person.id)).every((r) => r.status === 'open')).toBe(true);
  });
});
