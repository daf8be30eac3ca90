import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { renderCard } from '../../helpers/render-card.ts';
import { type Card, cardText, digestsIn, executes, nov, plain, textBlocks, World } from './world.ts';

// The two-way conversation, over HTTP: the student answers a mentor's note (once per note); an answer to
// a question reaches the mentor at once, any other answer comes with the digest.

describe('a student answers a mentor’s note', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  async function noteTo(text: string) {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    const other = await w.person('Bram Peters', 'bram@school.nl');
    await w.assign(student.user, mentor.user);
    await w.reflect(student.user, { ...plain, 'wants-to-talk': 'true' });
    const atOnce = w.cards(mentor.user).at(-1) as Card;
    const data = executes(atOnce).find((a) => a.verb === 'mentor.discussed')!.data;
    await w.act(mentor.user, 'mentor.note', { ...data, [`note-${student.person.id}`]: text });
    const card = w.cards(student.user).at(-1) as Card;
    const answer = executes(card).find((a) => a.verb === 'note.reply')!;
    return { mentor, student, other, card, answer };
  }

  it('sends the answer to a question to the mentor at once, and takes one answer per note', async () => {
    const { mentor, student, card, answer } = await noteTo('Wat zou je de volgende keer anders doen?');
    expect(cardText(card)).toContain('Piet Jansen stelde je een vraag');
    expect(renderCard(card).problems).toEqual([]);
    const before = w.cards(mentor.user).length;
    const text = 'Eerder om hulp vragen. **echt** <b>waar</b>';
    const done = await w.act(student.user, 'note.reply', { ...answer.data, reply: `  ${text} ` });
    expect(cardText(done)).toContain('Je antwoord is verstuurd.');
    expect(cardText(done)).toContain(text);
    expect(executes(done).map((a) => a.verb)).not.toContain('note.reply');
    expect(renderCard(done).problems).toEqual([]);

    const got = w.cards(mentor.user);
    expect(got).toHaveLength(before + 1);
    const reply = got.at(-1)!;
    expect(cardText(reply)).toContain('Antwoord op je vraag');
    expect(cardText(reply)).toContain('Sanne de Vries antwoordde:');
    expect(cardText(reply)).toContain(text);
    expect(textBlocks(reply).join(' ')).not.toContain('echt');
    expect(renderCard(reply).problems).toEqual([]);

    const again = await w.act(student.user, 'note.reply', { ...answer.data, reply: 'Nog iets.' });
    expect(cardText(again)).toContain('Je hebt deze notitie al beantwoord');
    const [note] = await w.mentoring.repos.notes.listByStudent(student.person.id);
    expect(note?.reply).toEqual({ text, at: nov(2, '10:00') });
    expect(w.cards(mentor.user)).toHaveLength(before + 1);
    expect(w.t.logLines.join('\n')).not.toContain('Eerder om hulp vragen');

    // Answered questions do not come again in the digest.
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    expect(
      digestsIn(w.cards(mentor.user))
        .map((c) => cardText(c))
        .join(' '),
    ).not.toContain('antwoordde op je notitie');
  });

  it('shows any other answer in the mentor’s next digest', async () => {
    const { mentor, student, answer } = await noteTo('Mooi dat je hulp vroeg.');
    const before = w.cards(mentor.user).length;
    w.clock.set(nov(3, '09:00'));
    const done = await w.act(student.user, 'note.reply', { ...answer.data, reply: 'Dank u, dat ga ik vaker doen.' });
    expect(cardText(done)).toContain('Piet Jansen ziet het in het volgende overzicht');
    expect(w.cards(mentor.user)).toHaveLength(before);
    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const digest = digestsIn(w.cards(mentor.user)).at(-1)!;
    expect(cardText(digest)).toMatch(/Sanne de Vries antwoordde op je notitie, 3 nov/);
    expect(cardText(digest)).toContain('Dank u, dat ga ik vaker doen.');
    expect(renderCard(digest).problems).toEqual([]);
  });

  it('refuses an empty or long answer and another student’s note, storing nothing', async () => {
    const { student, other, answer } = await noteTo('Hoe ging het gesprek met je begeleider?');
    const empty = await w.act(student.user, 'note.reply', { ...answer.data, reply: '  ' });
    expect(cardText(empty)).toContain('Schrijf eerst je antwoord.');
    const long = await w.act(student.user, 'note.reply', { ...answer.data, reply: 'x'.repeat(501) });
    expect(cardText(long)).toContain('hooguit 500 tekens');
    expect(JSON.stringify(long)).toContain('x'.repeat(501));
    const forged = await w.act(other.user, 'note.reply', { ...answer.data, reply: 'Ik doe alsof.' });
    expect(cardText(forged)).toContain('Deze notitie kan ik niet meer vinden');
    expect(cardText(forged)).not.toContain('begeleider');
    const tampered = await w.act(student.user, 'note.reply', { noteId: { $ne: 1 }, reply: 'x' });
    expect(cardText(tampered)).toContain('Deze notitie kan ik niet meer vinden');
    const [note] = await w.mentoring.repos.notes.listByStudent(student.person.id);
    expect(note?.reply).toBeUndefined();
  });
});
