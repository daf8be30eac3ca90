import { afterEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { cardText, plain } from '../mentoring/world.ts';
import { pickerChoices, talentSchool } from './school.ts';

// A teacher, tested like the mentor: they reach the talent form and nothing else of a student. Their
// picker lists only the students of their classes, and card data naming another student is refused.

describe('a teacher sees nothing of a student but the name on the picker', () => {
  let school: Awaited<ReturnType<typeof talentSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('a teacher cannot see a reflection', async () => {
    school = await talentSchool();
    const { w, teacher, sanne } = school;
    const reflectionId = await w.reflect(sanne.user, plain);

    // No mentor or student command answers them.
    for (const text of ['mijn studenten', 'digest', 'reflecteer free', 'dossier']) {
      const card = await w.say(teacher.user, text);
      expect(cardText(card)).not.toContain(plain.happened);
    }
    // The student's reflection card, forwarded or forged.
    const forged = await w.t.send('card-action-execute', teacher.user, {
      verb: 'reflection.submit',
      data: { reflectionId, ...plain },
      replyToId: 'a',
    });
    expect(JSON.stringify(forged.body)).not.toContain(plain.happened);
    // The mentor's actions about the student.
    for (const verb of ['mentor.note', 'mentor.discussed', 'mentor.plan']) {
      const res = await w.t.send('card-action-execute', teacher.user, {
        verb,
        data: { ctx: 'student', studentId: sanne.person.id, [`note-${sanne.person.id}`]: 'Hoi' },
        replyToId: 'a',
      });
      expect(JSON.stringify(res.body)).toContain('ken ik niet');
    }
    expect(await w.mentoring.repos.notes.listByStudent(sanne.person.id)).toEqual([]);
    // Their help card lists the talent command under its own heading, and no mentor or student command.
    const help = cardText(await w.say(teacher.user, 'help'));
    expect(help).toContain('Als docent');
    expect(help).toContain('talent');
    expect(help).not.toContain('mijn studenten');
    expect(help).not.toContain('reflecteer');
    // The form itself carries the names of the class, nothing the student wrote.
    const form = await w.say(teacher.user, 'talent');
    expect(JSON.stringify(form)).not.toContain(plain.happened);
    expect(JSON.stringify(form)).not.toContain(plain['next-step']);
  });

  it('a teacher cannot signal a student outside their classes, nor after their class link ended', async () => {
    school = await talentSchool();
    const { w, teacher, sanne, bram, talent, camp } = school;
    const refused = await w.act(teacher.user, 'talent.send', { studentId: bram.person.id, text: 'Mooi gedaan.' });
    expect(cardText(refused)).toContain('zit niet in een van jouw klassen');
    expect(JSON.stringify(refused)).not.toContain(bram.person.id);
    expect(await talent.signals.listByStudent(bram.person.id)).toEqual([]);
    expect(
      w
        .cards(bram.user)
        .map((c) => cardText(c))
        .join(' '),
    ).not.toContain('Mooi gedaan.');
    const warned = w.t.logLines.filter((l) => l.includes('talent signal refused'));
    expect(warned).toHaveLength(1);
    expect(warned[0]).toContain(bram.person.id);
    expect(w.t.logLines.join('\n')).not.toContain('Mooi gedaan.');

    // A mentor of the student, without the teacher role, has no talent command at all.
    const mentorTry = await w.act(school.mentor.user, 'talent.send', { studentId: sanne.person.id, text: 'Mooi gedaan.' });
    expect(cardText(mentorTry)).toContain('ken ik niet');

    // The class link ends: Sanne leaves the picker and a stale form is refused.
    const group = await camp.groups.findByName(tenantId, '4havo-a');
    await talent.classTeachers.end(tenantId, group!.id, teacher.person.id, w.clock.now().toISOString());
    expect(pickerChoices(await w.say(teacher.user, 'talent'))).toEqual([]);
    const stale = await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text: 'Mooi gedaan.' });
    expect(cardText(stale)).toContain('zit niet in een van jouw klassen');
    expect(await talent.signals.listByStudent(sanne.person.id)).toEqual([]);
  });

  it('keeps the signal text out of the log', async () => {
    school = await talentSchool();
    const { w, teacher, sanne } = school;
    const text = 'Bijzonder geduldig met de nieuwe leerling.';
    await w.act(teacher.user, 'talent.send', { studentId: sanne.person.id, text });
    expect(cardText(w.cards(sanne.user).at(-1))).toContain(text);
    expect(w.t.logLines.some((l) => l.includes('talent signal stored'))).toBe(true);
    expect(w.t.logLines.join('\n')).not.toContain(text);
  });
});
