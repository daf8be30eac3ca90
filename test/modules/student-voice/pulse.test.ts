import { afterEach, describe, expect, it } from 'vitest';
import { pulseResults } from '../../../src/modules/student-voice/results.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { docsMentioning, scanStore } from '../../helpers/store-scan.ts';
import { answer, cardText, executes, nov, pulseCardOf, runPlan, runSend, voiceSchool } from './school.ts';

// The student pulse over HTTP: the card arrives through the delivery engine, students answer with the
// card's own Action.Execute, a second answer is refused, and what is stored holds nobody's id.

const remark = 'Meer tijd voor gesprekken met mijn mentor zou fijn zijn.';

describe('student pulse', () => {
  let school: Awaited<ReturnType<typeof voiceSchool>> | undefined;
  afterEach(async () => {
    await school?.w.stop();
    school = undefined;
  });

  it('reaches every student, counts each answer once, and stores nobody’s id with the answers', async () => {
    school = await voiceSchool(6);
    const { w, voice, students } = school;
    const scheduled = await voice.pulses.schedule({
      schoolId: students[0]!.person.schoolId,
      opensOn: '2026-11-16',
      origin: 'cli',
    });
    expect(scheduled.ok).toBe(true);
    const pulseId = scheduled.ok ? scheduled.pulse.id : '';

    // 08:00 is before the card's time on its first day: nothing yet.
    expect((await runSend(w)).sent).toBe(0);
    w.clock.set(nov(16, '10:00'));
    expect(await runSend(w)).toEqual({ sent: 6, waiting: 0, skipped: 0 });
    expect((await runSend(w)).sent).toBe(0);

    const card = pulseCardOf(w, students[0]!, pulseId)!;
    expect(card).toBeDefined();
    expect(cardText(card)).toContain('Jouw mening over je loopbaanbegeleiding');
    expect(cardText(card)).toContain('Je kunt antwoorden tot en met 29 nov');
    expect(cardText(card)).toContain('Heel tevreden');
    expect(renderCard(card).problems).toEqual([]);
    const english = pulseCardOf(w, students[5]!, pulseId)!;
    expect(cardText(english)).toContain('Your view on your career guidance');
    expect(cardText(english)).toContain('Very satisfied');
    expect(renderCard(english).problems).toEqual([]);

    // Five answer, through the button on their card.
    for (const s of students.slice(0, 5)) {
      const button = executes(pulseCardOf(w, s, pulseId)).find((a) => a.verb === 'student-voice.answer')!;
      const thanks = await w.act(s.user, button.verb, { ...button.data, ...answer, remark });
      expect(cardText(thanks)).toContain('Dank je wel! Je antwoord is anoniem meegeteld.');
      expect(executes(thanks)).toEqual([]);
      expect(renderCard(thanks).problems).toEqual([]);
    }
    // A second answer is refused and changes nothing.
    const again = await w.act(students[0]!.user, 'student-voice.answer', {
      pulseId,
      guidance: '1',
      choice: '1',
      internship: '1',
    });
    expect(cardText(again)).toContain('Je hebt deze peiling al ingevuld');
    const schoolId = students[0]!.person.schoolId;
    const tally = await voice.repos.tallies.get(schoolId, pulseId);
    expect(tally?.respondents).toBe(5);
    expect(tally?.counts.guidance).toEqual([0, 0, 0, 5, 0]);
    expect(tally?.counts.choice).toEqual([0, 5, 0, 0, 0]);
    expect(tally?.remarks).toEqual([remark, remark, remark, remark, remark]);

    // What is stored with the answers: no student, no conversation, no e-mail, no time per answer.
    const store = w.t.store;
    const needles = students.flatMap((s) => [s.person.id, s.user.userId, s.user.conversationId, s.user.email, s.person.name]);
    const mentions = (await docsMentioning(store, needles)).filter(
      (d) => d.startsWith('voice_') && !d.startsWith('voice_marks/'),
    );
    expect(mentions).toEqual([]);
    const tallyDoc = (await scanStore(store)).find((d) => d.collection === 'voice_tallies')!;
    expect(Object.keys(tallyDoc.doc).sort()).toEqual([
      'counts',
      'id',
      'pk',
      'pulseId',
      'remarks',
      'respondents',
      'schoolId',
      'version',
    ]);
    // A mark says "invited, answered" and nothing of the answer, nor when.
    for (const m of (await scanStore(store)).filter((d) => d.collection === 'voice_marks')) {
      expect(m.text).not.toContain(remark);
      expect(Object.keys(m.doc)).not.toContain('answeredAt');
      expect(Object.keys(m.doc).filter((k) => /guidance|choice|internship|remark/.test(k))).toEqual([]);
    }

    // Once closed, the marks go: nothing in the store says any more who took part.
    w.clock.set(nov(30, '10:00'));
    expect((await runPlan(w)).cleared).toBe(0);
    w.clock.set('2026-12-01T10:00:00.000Z');
    expect((await runPlan(w)).cleared).toBe(6);
    expect(
      await docsMentioning(
        store,
        students.map((s) => s.person.id),
      ),
    ).toEqual(expect.not.arrayContaining([expect.stringMatching(/^voice_/)]));
    // A card pressed after the close is refused politely.
    const late = await w.act(students[5]!.user, 'student-voice.answer', { pulseId, ...answer });
    expect(cardText(late)).toContain('This pulse is closed or not meant for you.');
    expect((await voice.repos.tallies.get(schoolId, pulseId))?.respondents).toBe(5);
  });

  it('shows no figures for 4 answers and figures for 5, only once the pulse has closed', async () => {
    school = await voiceSchool(9, nov(16, '10:00'));
    const { w, voice, students } = school;
    const schoolId = students[0]!.person.schoolId;
    const four = await voice.pulses.schedule({ schoolId, opensOn: '2026-11-16', days: 7, origin: 'cli' });
    const five = await voice.pulses.schedule({ schoolId, opensOn: '2026-11-16', days: 7, origin: 'cli' });
    if (!four.ok || !five.ok) throw new Error('not scheduled');
    expect((await runSend(w)).sent).toBe(18);
    for (const [pulse, who] of [
      [four.pulse, students.slice(0, 4)],
      [five.pulse, students.slice(4, 9)],
    ] as const) {
      for (const s of who) {
        const thanks = await w.act(s.user, 'student-voice.answer', { pulseId: pulse.id, ...answer });
        expect(cardText(thanks)).toMatch(/Dank je wel|Thank you/);
      }
    }
    const shown = async () =>
      pulseResults(voice.repos, await voice.repos.pulses.listBySchool(schoolId), await voice.pulses.today(schoolId), 'school');
    // Still open: no figures for either, however many answered.
    expect((await shown()).map((r) => [r.state, r.figures])).toEqual([
      ['open', undefined],
      ['open', undefined],
    ]);
    w.clock.set(nov(23, '10:00'));
    const results = await shown();
    const byId = new Map(results.map((r) => [r.pulse.id, r]));
    expect(byId.get(four.pulse.id)?.figures).toEqual({ hidden: true, reason: 'too-few-respondents' });
    const figures = byId.get(five.pulse.id)?.figures;
    expect(figures?.hidden).toBe(false);
    if (!figures || figures.hidden) return;
    expect(figures.value.respondents).toBe(5);
    expect(figures.value.invited).toBe(9);
    expect(figures.value.questions.guidance).toMatchObject({
      satisfied: 1,
      dissatisfied: 0,
      mean: 4,
      reference: { satisfied: 0.46 },
    });
    expect(figures.value.questions.choice).toMatchObject({
      satisfied: 0,
      dissatisfied: 1,
      reference: { satisfied: 0.41, dissatisfied: 0.21 },
    });
    expect(figures.value.questions.internship.reference).toEqual({ satisfied: 0.49, dissatisfied: 0.18 });
  });

  it('answers bad input with the card again and stores nothing', async () => {
    school = await voiceSchool(2, nov(16, '10:00'));
    const { w, voice, students } = school;
    const schoolId = students[0]!.person.schoolId;
    const scheduled = await voice.pulses.schedule({ schoolId, opensOn: '2026-11-16', origin: 'cli' });
    if (!scheduled.ok) throw new Error('not scheduled');
    const pulseId = scheduled.pulse.id;
    await runSend(w);
    const cases: Record<string, unknown>[] = [
      { pulseId },
      { pulseId, ...answer, guidance: '6' },
      { pulseId, ...answer, choice: ['4'] },
      { pulseId, ...answer, internship: 'true' },
      { pulseId, ...answer, remark: 'x'.repeat(501) },
      { pulseId, ...answer, remark: { text: 'hoi' } },
    ];
    for (const data of cases) {
      const card = await w.act(students[0]!.user, 'student-voice.answer', data);
      expect(cardText(card)).toContain('Kies bij elke vraag een antwoord');
      expect(executes(card).map((a) => a.verb)).toEqual(['student-voice.answer']);
      expect(renderCard(card).problems).toEqual([]);
    }
    for (const data of [{ ...answer }, { pulseId: 'x'.repeat(500), ...answer }, { pulseId: 'pulse-unknown', ...answer }]) {
      expect(cardText(await w.act(students[0]!.user, 'student-voice.answer', data))).toContain('Deze peiling is gesloten');
    }
    expect(await voice.repos.tallies.get(schoolId, pulseId)).toBeUndefined();
    expect((await voice.repos.marks.get(students[0]!.person.id, pulseId))?.state).toBe('sent');
    // The student can still answer after all that.
    const thanks = await w.act(students[0]!.user, 'student-voice.answer', { pulseId, ...answer, remark: '  ' });
    expect(cardText(thanks)).toContain('Dank je wel');
    expect((await voice.repos.tallies.get(schoolId, pulseId))?.remarks).toEqual([]);
  });

  it('opens the school’s yearly pulse by itself and holds the cards over the weekend', async () => {
    // Sunday 15 November, the default date.
    school = await voiceSchool(2, nov(15, '12:00'));
    const { w, voice, students } = school;
    const schoolId = students[0]!.person.schoolId;
    expect((await runPlan(w)).opened).toBe(1);
    expect((await runPlan(w)).opened).toBe(0);
    const [pulse] = await voice.repos.pulses.listBySchool(schoolId);
    expect(pulse).toMatchObject({ id: 'planned-2026-2027-11-15', opensOn: '2026-11-15', closesOn: '2026-11-28', invited: 2 });
    expect((await runSend(w)).sent).toBe(0);
    w.clock.set(nov(16, '09:30'));
    expect((await runSend(w)).sent).toBe(2);
    // A school that turned the yearly pulse off gets none in April.
    await voice.repos.schedules.put({ schoolId, dates: [], days: 14, updatedAt: w.clock.now().toISOString() });
    w.clock.set('2027-04-15T10:00:00.000Z');
    expect((await runPlan(w)).opened).toBe(0);
  });
});
