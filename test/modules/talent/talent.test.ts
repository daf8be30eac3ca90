import { afterEach, describe, expect, it } from 'vitest';
import { signalMaxLength } from '../../../src/modules/talent/entities.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { type Card, cardText, digestsIn, nov, textBlocks } from '../mentoring/world.ts';
import { executes, pickerChoices, talentSchool } from './school.ts';

// The talent signal over HTTP: the teacher's `talent` command and form, the student's card and the
// reflection it starts, the student's overview and the mentor's digest.

const noticed = 'Je legde de proef zo helder uit aan je groepje dat iedereen verder kon. **vet** <b>html</b>';

describe('talent signal', () => {
  let school: Awaited<ReturnType<typeof talentSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('goes from a teacher to a student of their class, who reflects on it; the overview and the mentor’s digest show it', async () => {
    school = await talentSchool();
    const { w, teacher, sanne, bram, mentor, talent } = school;

    const form = await w.say(teacher.user, 'talent');
    expect(cardText(form)).toContain('Talent gezien');
    expect(renderCard(form).problems).toEqual([]);
    const choices = pickerChoices(form);
    expect(choices).toEqual([{ title: 'Sanne de Vries (4havo-a)', value: sanne.person.id }]);
    expect(choices.map((c) => c.value)).not.toContain(bram.person.id);

    const sent = await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: noticed });
    expect(cardText(sent)).toContain('Verstuurd naar Sanne de Vries');
    expect(renderCard(sent).problems).toEqual([]);

    const card = w.cards(sanne.user).at(-1)!;
    expect(cardText(card)).toContain('Je docent zag iets in je');
    expect(cardText(card)).toContain('Mevrouw Bakker schreef:');
    expect(cardText(card)).toContain(noticed);
    // Shown as typed: never in a TextBlock, where Teams reads Markdown.
    expect(textBlocks(card).join(' ')).not.toContain('vet');
    const rendered = renderCard(card);
    expect(rendered.problems).toEqual([]);
    expect(rendered.element.querySelectorAll('strong, b').length).toBe(0);

    const [signal] = await talent.signals.listByStudent(sanne.person.id);
    expect(signal).toMatchObject({ teacherId: teacher.person.id, text: noticed });
    expect(signal?.deliveredAt).toBe(nov(2, '10:00'));
    expect(signal?.pending).toBeUndefined();

    // "Reflect on this": a free reflection opens with the signal on it.
    const reflect = executes(card).find((a) => a.verb === 'talent.reflect')!;
    const before = w.cards(sanne.user).length;
    const pressed = await w.act(sanne.user, reflect.verb, reflect.data);
    expect(cardText(pressed)).toContain('Je reflectie hierop staat klaar');
    expect(executes(pressed).map((a) => a.verb)).not.toContain('talent.reflect');
    const opened = w.cards(sanne.user)[before]!;
    expect(cardText(opened)).toContain('Mevrouw Bakker zag dit in je:');
    expect(cardText(opened)).toContain(noticed);
    expect(renderCard(opened).problems).toEqual([]);
    const [reflection] = await w.repos.reflections.listByStudent(sanne.person.id);
    expect(reflection).toMatchObject({
      status: 'open',
      source: { kind: 'talent', signalId: signal!.id },
      context: { kind: 'talent', from: 'Mevrouw Bakker', text: noticed },
    });
    expect((await talent.signals.get(sanne.person.id, signal!.id))?.reflectionId).toBe(reflection!.id);
    // Pressed again: the same reflection, not a second one.
    await w.act(sanne.user, reflect.verb, reflect.data);
    expect(await w.repos.reflections.listByStudent(sanne.person.id)).toHaveLength(1);

    const overview = await w.say(sanne.user, 'mijn reflecties');
    expect(cardText(overview)).toContain('Talenten die docenten in je zagen');
    expect(cardText(overview)).toContain('Mevrouw Bakker');
    expect(renderCard(overview).problems).toEqual([]);

    // Friday 15:00: the weekly digest.
    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const [digest] = digestsIn(w.cards(mentor.user));
    expect(digest).toBeDefined();
    expect(cardText(digest)).toContain('Sanne de Vries');
    expect(cardText(digest)).toMatch(/Talent gezien door Mevrouw Bakker, 2 nov/);
    expect(cardText(digest)).toContain('Je legde de proef zo helder uit');
    expect(renderCard(digest!).problems).toEqual([]);
  });

  it('waits for the end of quiet hours and is delivered by the job', async () => {
    school = await talentSchool(nov(2, '22:30'));
    const { w, teacher, sanne, talent } = school;
    const before = w.cards(sanne.user).length;
    const sent = await w.act(teacher.user, 'talent.send', {
      studentId: sanne.person.id,
      text: 'Goed doorgezet bij de presentatie.',
    });
    expect(cardText(sent)).toContain('Opgeslagen voor Sanne de Vries');
    expect(w.cards(sanne.user)).toHaveLength(before);
    expect((await talent.signals.listPending()).map((s) => s.studentId)).toEqual([sanne.person.id]);
    w.clock.set(nov(3, '08:30'));
    const run = await w.t.bot.deps.jobs.runNow('talent.deliver');
    expect(run.status).toBe('ran');
    expect(cardText(w.cards(sanne.user).at(-1))).toContain('Goed doorgezet bij de presentatie.');
    expect(await talent.signals.listPending()).toEqual([]);
  });

  it('is sent once when two runs (two instances) deliver the same waiting signal at the same moment', async () => {
    school = await talentSchool(nov(2, '22:30'));
    const { w, teacher, sanne, talent } = school;
    const before = w.cards(sanne.user).length;
    await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: 'Sterk samengewerkt.' });
    const [waiting] = await talent.signals.listPending();
    expect(waiting).toBeDefined();
    w.clock.set(nov(3, '08:30'));
    // Both read the same pending signal; only the run that claims it sends (the delivery engine's claim).
    const deliver = w.t.bot.deps.modules.talent.deliver;
    const outcomes = await Promise.all([deliver(waiting!), deliver(waiting!)]);
    expect(outcomes.filter((o) => o === 'sent')).toHaveLength(1);
    expect(w.cards(sanne.user).filter((c) => cardText(c).includes('Sterk samengewerkt.'))).toHaveLength(1);
    expect(w.cards(sanne.user)).toHaveLength(before + 1);
    expect(await talent.signals.listPending()).toEqual([]);
  });

  it('answers bad input with a clear message, keeps what the teacher typed, and stores nothing', async () => {
    school = await talentSchool();
    const { w, teacher, sanne, talent } = school;
    const cases: [Record<string, unknown>, string][] = [
      [{ studentId: sanne.person.id, text: '   ' }, 'Schrijf kort wat je zag.'],
      [{ studentId: sanne.person.id, text: 'x'.repeat(signalMaxLength + 1) }, `hooguit ${signalMaxLength} tekens`],
      [{ text: 'Mooi gedaan.' }, 'Kies een leerling uit de lijst.'],
      [{ studentId: ['a'], text: 'Mooi gedaan.' }, 'Kies een leerling uit de lijst.'],
      [{ studentId: 'x'.repeat(500), text: 'Mooi gedaan.' }, 'Kies een leerling uit de lijst.'],
    ];
    for (const [data, message] of cases) {
      const card = await w.act(teacher.user, 'talent.send', data);
      expect(cardText(card)).toContain(message);
      expect(renderCard(card).problems).toEqual([]);
    }
    const kept = await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: '' });
    expect(JSON.stringify(kept)).toContain(`"value":"${sanne.person.id}"`);
    expect(await talent.signals.listByStudent(sanne.person.id)).toEqual([]);

    // In English for an English-speaking teacher.
    await w.t.bot.repos.people.update(teacher.person.schoolId, teacher.person.id, (p) => ({
      ...p,
      locale: 'en',
      localeSource: 'chosen',
    }));
    const en = await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: '' });
    expect(cardText(en)).toContain('Write briefly what you saw.');
  });

  it('refuses a reflection on another student’s signal', async () => {
    school = await talentSchool();
    const { w, teacher, sanne, bram } = school;
    await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: 'Sterk samengewerkt.' });
    const reflect = executes(w.cards(sanne.user).at(-1)).find((a) => a.verb === 'talent.reflect')!;
    const forged = (await w.act(bram.user, 'talent.reflect', reflect.data)) as Card;
    expect(cardText(forged)).toContain('Dit bericht kan ik niet meer vinden');
    expect(cardText(forged)).not.toContain('Sterk samengewerkt');
    expect(await w.repos.reflections.listByStudent(bram.person.id)).toEqual([]);
  });
});
