import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { cardByteLimit, cardBytes } from '../../../src/modules/mentoring/cards.ts';
import { changeMentor } from '../../../src/modules/mentoring/handover.ts';
import { tenantId } from '../../helpers/activities.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { type Card, cardText, digestsIn, executes, nov, plain, textBlocks, textRuns, World } from './world.ts';

const talk = { ...plain, 'wants-to-talk': 'true' };

describe('what a mentor does with it', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  async function pair() {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    await w.assign(student.user, mentor.user);
    return { mentor, student };
  }

  /** The at-once card for a reflection in which the student asked to talk. */
  async function atOnce(
    student: Awaited<ReturnType<typeof pair>>['student'],
    mentor: Awaited<ReturnType<typeof pair>>['mentor'],
  ) {
    const reflectionId = await w.reflect(student.user, talk);
    const card = w.cards(mentor.user).at(-1) as Card;
    const data = executes(card).find((a) => a.verb === 'mentor.discussed')!.data;
    return { reflectionId, card, data };
  }

  it('records "discussed" with the date of the conversation, and refuses a date in the future', async () => {
    const { mentor, student } = await pair();
    const { reflectionId, card, data } = await atOnce(student, mentor);
    expect(renderCard(card).problems).toEqual([]);
    expect(data).toEqual({ ctx: 'item', itemId: `${reflectionId}:${mentor.person.id}`, studentId: student.person.id });

    const future = await w.act(mentor.user, 'mentor.discussed', { ...data, [`date-${student.person.id}`]: '2026-11-03' });
    expect(cardText(future)).toContain('Kies de datum van het gesprek');
    expect(await w.mentoring.repos.followUps.get(mentor.person.id, student.person.id)).toBeUndefined();

    const done = await w.act(mentor.user, 'mentor.discussed', { ...data, [`date-${student.person.id}`]: '2026-10-30' });
    expect(cardText(done)).toContain('Vastgelegd: je hebt dit op 30 okt');
    expect(cardText(done)).toContain('besproken op 30 okt');
    expect(cardText(done)).toContain('Laatst besproken op 30 okt');
    expect(renderCard(done).problems).toEqual([]);
    const followUp = await w.mentoring.repos.followUps.get(mentor.person.id, student.person.id);
    expect(followUp?.discussions).toEqual([{ on: '2026-10-30', at: nov(2, '10:00'), reflectionIds: [reflectionId] }]);

    // No date given: today.
    await w.act(mentor.user, 'mentor.discussed', data);
    expect((await w.mentoring.repos.followUps.get(mentor.person.id, student.person.id))?.discussions[0]?.on).toBe('2026-11-02');
  });

  it('plans a conversation and reminds the mentor after the chosen number of days if it is still open', async () => {
    const { mentor, student } = await pair();
    const { data } = await atOnce(student, mentor);
    const planned = await w.act(mentor.user, 'mentor.plan', data);
    // Seven days after Monday 10:00 is Monday the 9th, 10:00.
    expect(cardText(planned)).toContain('Gesprek met Sanne de Vries gepland');
    expect(cardText(planned)).toMatch(/herinnering op 9 nov/);
    const before = w.cards(mentor.user).length;
    w.clock.set(nov(9, '09:59'));
    await w.runOutbox();
    expect(w.cards(mentor.user)).toHaveLength(before);
    w.clock.set(nov(9, '10:00'));
    expect((await w.runOutbox()).sent).toBe(1);
    const reminder = w.cards(mentor.user).at(-1)!;
    expect(cardText(reminder)).toContain('Herinnering: een gepland gesprek');
    expect(cardText(reminder)).toMatch(/Op 2 nov\.? plande je een gesprek met Sanne de Vries/);
    expect(cardText(reminder)).not.toContain('nieuw');
    expect(renderCard(reminder).problems).toEqual([]);
    w.clock.set(nov(9, '10:05'));
    await w.runOutbox();
    expect(w.cards(mentor.user)).toHaveLength(before + 1); // once

    // Discussed from the reminder card: the plan is closed.
    const fromReminder = executes(reminder).find((a) => a.verb === 'mentor.discussed')!.data;
    expect(fromReminder).toMatchObject({ ctx: 'student', card: 'reminder', studentId: student.person.id });
    const answered = await w.act(mentor.user, 'mentor.discussed', fromReminder);
    expect(cardText(answered)).toContain('Vastgelegd');
    expect(cardText(answered)).not.toContain('Gesprek gepland');
  });

  it('sends no reminder when the conversation was recorded in the meantime', async () => {
    const { mentor, student } = await pair();
    const { data } = await atOnce(student, mentor);
    await w.act(mentor.user, 'mentor.plan', data);
    w.clock.set(nov(4, '11:00'));
    await w.act(mentor.user, 'mentor.discussed', data);
    const before = w.cards(mentor.user).length;
    w.clock.set(nov(9, '10:00'));
    expect(await w.runOutbox()).toMatchObject({ sent: 0, cancelled: 1 });
    expect(w.cards(mentor.user)).toHaveLength(before);
  });

  it('delivers a feedforward note to the student, who keeps it with the reflection', async () => {
    const { mentor, student } = await pair();
    const { reflectionId, data } = await atOnce(student, mentor);
    const text = 'Goed dat je hulp vroeg! **Probeer** <b>morgen</b> [dit](https://x.nl) eens.';
    const sent = await w.act(mentor.user, 'mentor.note', { ...data, [`note-${student.person.id}`]: `  ${text}  ` });
    expect(cardText(sent)).toContain('Je notitie is bij Sanne de Vries aangekomen.');
    expect(cardText(sent)).toContain('Notities gestuurd: 1');

    const received = w.cards(student.user).at(-1)!;
    expect(cardText(received)).toContain('Een notitie van je mentor');
    expect(cardText(received)).toContain('Van Piet Jansen');
    expect(cardText(received)).toMatch(/Over je reflectie: Iets wat ik meemaakte \(2 nov\.?\)/);
    expect(textRuns(received)).toContain(text);
    expect(textBlocks(received).join('\n')).not.toContain('Probeer');
    expect(renderCard(received).problems).toEqual([]);

    const notes = await w.mentoring.repos.notes.listByStudent(student.person.id);
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ text, mentorId: mentor.person.id, reflectionId, deliveredAt: nov(2, '10:00') });
    expect(await w.mentoring.repos.notes.listByReflection(student.person.id, reflectionId)).toHaveLength(1);
    expect(await w.mentoring.repos.notes.listByReflection(student.person.id, 'another')).toHaveLength(0);
    // The student keeps it with the reflection in `mijn reflecties`, shown as written.
    await w.t.send('personal-message', student.user, { text: 'mijn reflecties' });
    const overview = w.cards(student.user).at(-1)!;
    expect(textRuns(overview)).toContain(text);
    expect(cardText(overview)).toContain('Piet Jansen');
    // The note text never reaches the log.
    expect(w.t.logLines.join('\n')).not.toContain('Probeer');
  });

  it('refuses an empty or too long note, and keeps a note written in the evening for the morning', async () => {
    const { mentor, student } = await pair();
    const { data } = await atOnce(student, mentor);
    const field = `note-${student.person.id}`;
    expect(cardText(await w.act(mentor.user, 'mentor.note', { ...data, [field]: '   ' }))).toContain(
      'Schrijf eerst een korte notitie.',
    );
    expect(cardText(await w.act(mentor.user, 'mentor.note', { ...data, [field]: 'x'.repeat(501) }))).toContain('te lang');
    expect(cardText(await w.act(mentor.user, 'mentor.note', { ...data, [field]: { text: 'no' } }))).toContain('Schrijf eerst');
    expect(await w.mentoring.repos.notes.listByStudent(student.person.id)).toHaveLength(0);

    const before = w.cards(student.user).length;
    w.clock.set(nov(6, '21:30')); // Friday evening
    const queued = await w.act(mentor.user, 'mentor.note', { ...data, [field]: 'Fijn weekend!' });
    expect(cardText(queued)).toContain('wordt bezorgd zodra er berichten verstuurd mogen worden');
    for (const at of [nov(6, '22:00'), nov(7, '12:00'), nov(9, '07:59')]) {
      w.clock.set(at);
      await w.runOutbox();
    }
    expect(w.cards(student.user)).toHaveLength(before);
    w.clock.set(nov(9, '08:00'));
    expect((await w.runOutbox()).sent).toBe(1);
    expect(cardText(w.cards(student.user).at(-1))).toContain('Fijn weekend!');
  });

  it('acts on the digest: discussed covers the entries of that digest, and the card is drawn again', async () => {
    const { mentor, student } = await pair();
    const first = await w.reflect(student.user);
    const second = await w.reflect(student.user, { ...plain, happened: 'Nog een moment.' });
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    const digest = digestsIn(w.cards(mentor.user))[0]!;
    const data = executes(digest).find((a) => a.verb === 'mentor.discussed')!.data;
    expect(data).toMatchObject({ ctx: 'digest', studentId: student.person.id });
    const after = await w.act(mentor.user, 'mentor.discussed', data);
    expect(cardText(after)).toContain('Je leerlingen: ter voorbereiding');
    expect(cardText(after)).toContain('Vastgelegd: je hebt dit op 6 nov');
    const discussion = (await w.mentoring.repos.followUps.get(mentor.person.id, student.person.id))?.discussions[0];
    expect(discussion?.reflectionIds.sort()).toEqual([first, second].sort());
  });

  it('shows "mijn studenten": every own student with last entry, competency coverage and open next steps', async () => {
    const { mentor, student } = await pair();
    const daan = await w.person('Daan Smit', 'daan@school.nl');
    await w.assign(daan.user, mentor.user);
    const other = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
    const eva = await w.person('Eva Peters', 'eva@school.nl');
    await w.assign(eva.user, other.user);
    await w.reflect(student.user, { ...plain, 'next-step': 'Mijn stagebegeleider om feedback vragen' });
    w.clock.set(nov(3, '10:00'));
    await w.reflect(student.user, { ...talk, happened: 'Ik hielp een collega.', 'next-step': 'Een cursus kassa zoeken' });
    await w.reflect(eva.user);

    const card = await w.say(mentor.user, 'mijn studenten');
    const text = cardText(card);
    expect(text).toContain('Mijn leerlingen');
    expect(text).toContain('Leerlingen: 2');
    expect(text).toContain('Sanne de Vries');
    expect(text).toContain('wil praten');
    expect(text).toMatch(/Laatste reflectie: Iets wat ik meemaakte, 3 nov\.? · 2 in totaal/);
    // Counted by the competency rule: the emotion tap adds nothing, so motives is not reached yet.
    expect(text).toMatch(/Loopbaancompetenties tot nu toe: .*kwaliteitenreflectie 2/);
    expect(text).toMatch(/Nog niet: motievenreflectie, netwerken/);
    expect(text).toContain('Mijn stagebegeleider om feedback vragen');
    expect(text).toContain('Een cursus kassa zoeken');
    expect(text).toContain('Daan Smit');
    expect(text).toContain('Nog geen reflecties');
    expect(text).not.toContain('Eva Peters');
    expect(text).not.toContain(plain.happened); // an overview, not the answers
    expect(renderCard(card).problems).toEqual([]);
    expect(cardBytes(card)).toBeLessThan(cardByteLimit);
    // In English for an English-speaking mentor.
    const english = await w.person('Tom Baker', 'tom@school.nl', 'mentor', 'en-GB');
    expect(cardText(await w.say(english.user, 'my students'))).toContain('You do not have any students in LOB Reflectie yet.');
  });

  it('hands a student to a new mentor with a summary; the old mentor loses access', async () => {
    const { mentor: old, student } = await pair();
    const { data } = await atOnce(student, old);
    await w.act(old.user, 'mentor.discussed', data);
    await w.reflect(student.user, { ...plain, 'next-step': 'Open dag van de hbo bezoeken' });
    const next = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
    w.clock.set(nov(4, '09:00'));
    const mentoring = { ...w.t.bot.deps.install, mentoring: w.mentoring.repos };
    const changed = await changeMentor(mentoring, tenantId, { studentEmail: 'sanne@school.nl', mentorEmail: 'bakker@school.nl' });
    expect(changed).toMatchObject({ ok: true, changed: true, handover: true });
    // Running the same change again sends no second handover.
    expect(
      await changeMentor(mentoring, tenantId, { studentEmail: 'sanne@school.nl', mentorEmail: 'bakker@school.nl' }),
    ).toMatchObject({ ok: true, changed: false, handover: false });

    expect((await w.runOutbox()).sent).toBe(1);
    const handover = w.cards(next.user).at(-1)!;
    const text = cardText(handover);
    expect(text).toContain('Er is een leerling aan je overgedragen');
    expect(text).toContain('Sanne de Vries heeft jou nu als mentor');
    expect(text).toContain('Vorige mentor: Piet Jansen');
    expect(text).toMatch(/Laatste gesprek met de vorige mentor: 2 nov/);
    expect(text).toMatch(/Reflecties sinds 2 nov\.?: 2/);
    expect(text).toContain('Open dag van de hbo bezoeken');
    expect(renderCard(handover).problems).toEqual([]);
    // The new mentor can act on it.
    const plan = executes(handover).find((a) => a.verb === 'mentor.plan')!.data;
    expect(cardText(await w.act(next.user, 'mentor.plan', plan))).toContain('Gesprek met Sanne de Vries gepland');

    // The old mentor: the at-once card's actions are refused, the student is gone from their overview and digest.
    const refused = await w.act(old.user, 'mentor.note', { ...data, [`note-${student.person.id}`]: 'Hallo' });
    expect(cardText(refused)).toMatch(/niet \(meer\) aan jou gekoppeld|niet \(meer\) van jou/);
    expect(await w.mentoring.repos.notes.listByStudent(student.person.id)).toHaveLength(0);
    expect(cardText(await w.say(old.user, 'mijn studenten'))).not.toContain('Sanne de Vries');
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    expect(
      digestsIn(w.cards(old.user))
        .map((c) => cardText(c))
        .join('\n'),
    ).not.toContain('Sanne');
    expect(cardText(digestsIn(w.cards(next.user)).at(-1) ?? {})).not.toContain('Open dag'); // history, not new to the digest
  });
});
