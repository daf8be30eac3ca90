import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensurePersonByEmail } from '../../../src/core/assignments.ts';
import { cardByteLimit, cardBytes } from '../../../src/modules/mentoring/cards.ts';
import type { NonResponders } from '../../../src/modules/mentoring/ports.ts';
import { tenantId } from '../../helpers/activities.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { type Card, cardText, digestsIn, executes, nov, plain, textBlocks, textRuns, World } from './world.ts';

describe('routing: at once only on a request to talk or a signal', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start();
  });
  afterEach(async () => {
    await w.stop();
  });

  it('keeps an ordinary answer for the digest, and sends "I would like to talk" and a very negative feeling at once', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    const daan = await w.person('Daan Smit', 'daan@school.nl');
    const eva = await w.person('Eva Bakker', 'eva@school.nl');
    for (const s of [sanne, daan, eva]) await w.assign(s.user, mentor.user);

    await w.reflect(sanne.user);
    expect(w.cards(mentor.user)).toHaveLength(1); // only the welcome
    const [item] = await w.repos.mentorItems.listByMentor(mentor.person.id);
    expect(item).toMatchObject({ mode: 'digest', state: 'pending', studentId: sanne.person.id });

    await w.reflect(daan.user, { ...plain, 'wants-to-talk': 'true' });
    const talk = w.cards(mentor.user).at(-1)!;
    expect(cardText(talk)).toContain('Nieuwe reflectie van je leerling');
    expect(cardText(talk)).toContain('Daan Smit');
    expect(cardText(talk)).toContain('Wil hier graag met je over praten.');
    expect(cardText(talk)).toContain(plain.happened);
    expect(executes(talk).map((a) => a.verb)).toEqual(['mentor.discussed', 'mentor.plan', 'mentor.note']);

    await w.reflect(eva.user, { ...plain, feeling: 'awful' });
    const signal = cardText(w.cards(mentor.user).at(-1));
    expect(signal).toContain('Eva Bakker');
    // An invitation to talk, not a diagnosis.
    expect(signal).toContain('een uitnodiging om te vragen hoe het gaat');
    expect(signal).not.toMatch(/depress|risico|zorgwekkend|probleem/i);
    expect(w.cards(mentor.user)).toHaveLength(3);
  });
});

describe('the digest', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  async function school() {
    const jansen = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const bakker = await w.person('Mieke Bakker', 'bakker@school.nl', 'mentor');
    const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
    const daan = await w.person('Daan Smit', 'daan@school.nl');
    const eva = await w.person('Eva Peters', 'eva@school.nl');
    await w.assign(sanne.user, jansen.user);
    await w.assign(daan.user, jansen.user);
    await w.assign(eva.user, bakker.user);
    return { jansen, bakker, sanne, daan, eva };
  }

  it("shows whether the student did the next step, from the student's own follow-up answer", async () => {
    const { jansen, sanne } = await school();
    const first = await w.reflect(sanne.user, { ...plain, 'next-step': 'Mijn begeleider om feedback vragen.' });
    w.clock.set(nov(3, '11:00'));
    await w.reflect(sanne.user, { ...plain, 'next-step': 'Een meeloopdag plannen.' });
    // Sanne told the follow-up question that she did the first step (as the follow-up card records it).
    const person = await w.find(sanne.user.email);
    await w.repos.reflections.update(person!.id, first, (r) => ({
      ...r,
      followUp: { state: 'answered', rounds: 1, outcome: 'done', answeredAt: nov(5, '10:00') },
    }));
    w.clock.set(nov(6, '15:05'));
    await w.runDigest();
    const text = cardText(digestsIn(w.cards(jansen.user)).at(-1));
    expect(text).toMatch(/Mijn begeleider om feedback vragen\.\n? · gedaan/);
    expect(text).toMatch(/Een meeloopdag plannen\.\n? · open/);
  });

  it('goes out on Friday at 15:00 as one card per mentor, grouped by student, most important first, and never twice', async () => {
    const { jansen, bakker, sanne, daan } = await school();
    await w.reflect(sanne.user, { ...plain, happened: 'Ik legde de kassa uit aan een nieuwe collega.' });
    w.clock.set(nov(3, '11:00'));
    await w.reflect(sanne.user, { feeling: 'great', happened: 'Ik mocht zelf de etalage inrichten.', 'next-step': 'Foto maken' });
    await w.reflect(daan.user, { ...plain, 'wants-to-talk': 'true', happened: 'Ik twijfel of dit werk bij me past.' });
    const before = w.cards(jansen.user).length;

    // Monday to Friday before 15:00: nothing (the last slot was before these answers).
    for (const at of [nov(3, '12:00'), nov(5, '16:00'), nov(6, '14:55'), nov(6, '15:00')]) {
      w.clock.set(at);
      await w.runDigest();
    }
    expect(w.cards(jansen.user)).toHaveLength(before);

    w.clock.set(nov(6, '15:05'));
    const summary = await w.runDigest();
    expect(summary.sent).toBe(1);
    const digests = digestsIn(w.cards(jansen.user));
    expect(digests).toHaveLength(1);
    const digest = digests[0]!;
    const text = cardText(digest);
    // Daan asked to talk: first. Sanne's two entries, newest first, with her own words and next step.
    expect(text.indexOf('Daan Smit')).toBeLessThan(text.indexOf('Sanne de Vries'));
    expect(text).toContain('Leerlingen met iets nieuws: 2 · nieuwe reflecties: 3');
    expect(text.indexOf('Ik mocht zelf de etalage inrichten.')).toBeLessThan(text.indexOf('Ik legde de kassa uit'));
    expect(text).toContain('Foto maken');
    expect(text).toMatch(/Volgende stap: \n?Foto maken\n? · open/);
    expect(text).toMatch(/Loopbaancompetenties: .*werkexploratie/);
    expect(text).toContain('Wil hier graag met je over praten.');
    expect(text).toContain('Verdiepen: ');
    expect(text).toContain('Verbreden: ');
    expect(text).not.toContain('Eva Peters'); // Mieke's student
    // The student's words only in TextRuns (never read as Markdown).
    expect(textRuns(digest).some((r) => r.includes('Ik mocht zelf de etalage inrichten.'))).toBe(true);
    expect(textBlocks(digest).some((b) => b.includes('etalage'))).toBe(false);
    expect(renderCard(digest).problems).toEqual([]);
    expect(cardBytes(digest)).toBeLessThan(cardByteLimit);
    // Mieke has nothing new: no message at all.
    expect(digestsIn(w.cards(bakker.user))).toHaveLength(0);

    // Later runs (and a run on another instance) send nothing again.
    for (const at of [nov(6, '15:10'), nov(6, '17:00'), nov(9, '09:00')]) {
      w.clock.set(at);
      await w.runDigest();
    }
    expect(digestsIn(w.cards(jansen.user))).toHaveLength(1);

    // A new answer after the digest goes into the next one, a week later.
    w.clock.set(nov(9, '10:00'));
    await w.reflect(daan.user, { ...plain, happened: 'Vandaag een rustige dag gehad.' });
    w.clock.set(nov(13, '15:05'));
    await w.runDigest();
    const next = digestsIn(w.cards(jansen.user));
    expect(next).toHaveLength(2);
    expect(cardText(next[1])).toContain('Vandaag een rustige dag gehad.');
    expect(cardText(next[1])).not.toContain('etalage');
  });

  it('sends a digest missed while the bot was down at the next allowed moment, once, never at night or at weekends', async () => {
    const { jansen, sanne } = await school();
    w.clock.set(nov(5, '11:00'));
    await w.reflect(sanne.user);
    // Down from Friday morning; the scheduler ticks again on Friday night and at the weekend.
    for (const at of [nov(6, '21:00'), nov(7, '10:00'), nov(8, '15:00'), nov(9, '07:55')]) {
      w.clock.set(at);
      const s = await w.runDigest();
      expect(s.sent).toBe(0);
      expect(s.quietSchools).toBe(1);
    }
    // An answer at the weekend comes along.
    w.clock.set(nov(8, '12:00'));
    await w.reflect(sanne.user, { ...plain, happened: 'Zondag nog even nagedacht over mijn stage.' });
    w.clock.set(nov(9, '08:00'));
    expect((await w.runDigest()).sent).toBe(1);
    w.clock.set(nov(9, '08:05'));
    expect((await w.runDigest()).sent).toBe(0);
    const digests = digestsIn(w.cards(jansen.user));
    expect(digests).toHaveLength(1);
    expect(cardText(digests[0])).toContain('Zondag nog even nagedacht');
  });

  it('sends one digest when two instances run at the same moment', async () => {
    const { jansen, sanne } = await school();
    await w.reflect(sanne.user);
    w.clock.set(nov(6, '15:05'));
    // Bypass the job lease: the digest itself must still go out once.
    const results = await Promise.all([w.mentoring.digests.runDue(), w.mentoring.digests.runDue(), w.runDigest()]);
    expect(results.reduce((n, r) => n + r.sent, 0)).toBe(1);
    expect(digestsIn(w.cards(jansen.user))).toHaveLength(1);
  });

  it("follows the mentor's choice: every school day at the chosen time", async () => {
    const { jansen, sanne } = await school();
    const settings = await w.say(jansen.user, 'digest');
    expect(cardText(settings)).toContain('elke vrijdag om 15:00');
    const saved = await w.act(jansen.user, 'mentor.settings', { frequency: 'daily', weekday: '5', hour: '9', reminderDays: '7' });
    expect(cardText(saved)).toContain('Opgeslagen.');
    expect(cardText(saved)).toContain('elke schooldag om 09:00');
    // Bad input never saves.
    const refused = await w.act(jansen.user, 'mentor.settings', {
      frequency: 'hourly',
      weekday: '6',
      hour: '23',
      reminderDays: '2',
    });
    expect(cardText(refused)).toContain('Die instellingen kunnen niet');
    expect((await w.mentoring.repos.settings.get(jansen.person.id))?.hour).toBe(9);

    await w.reflect(sanne.user);
    w.clock.set(nov(3, '09:05'));
    expect((await w.runDigest()).sent).toBe(1);
    w.clock.set(nov(3, '12:00'));
    await w.reflect(sanne.user, { ...plain, happened: 'Een tweede dag.' });
    w.clock.set(nov(4, '09:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const digests = digestsIn(w.cards(jansen.user));
    expect(digests).toHaveLength(2);
    expect(cardText(digests[1])).toContain('Een tweede dag.');
    expect(cardText(digests[1])).not.toContain(plain.happened);
  });

  it('stays under 28 KB for a mentor with many students, most important first, and shows the rest on request', async () => {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const long = 'Vandaag ging het over klanten en collega’s; **vet** [link](https://x.nl) <b>html</b> '.repeat(5);
    const students: string[] = [];
    for (let i = 0; i < 40; i++) {
      const email = `student${i}@school.nl`;
      const { person } = await ensurePersonByEmail(
        w.t.bot.deps.install,
        tenantId,
        email,
        'student',
        `Student ${String(i).padStart(2, '0')}`,
      );
      await w.repos.assignments.assign(tenantId, person.id, mentor.person.id, w.clock.now().toISOString());
      students.push(person.id);
      for (let k = 0; k < 3; k++) {
        const { reflection } = await w.t.bot.deps.reflections.start(person);
        const submitted = await w.t.bot.deps.reflections.submit(person, reflection.id, {
          feeling: i === 33 && k === 0 ? 'awful' : 'mixed',
          happened: `${long} (${k})`,
          // Mixed feelings have a question of their own (both sides); awful takes the negative branch.
          [i === 33 && k === 0 ? 'important' : 'both-sides']: 'Dat ik mensen echt kan helpen.',
          'next-step': 'Een volgende stap die ook best lang mag zijn, want studenten schrijven soms veel. '.repeat(3),
          ...(i === 37 && k === 2 ? { 'wants-to-talk': 'true' } : {}),
        });
        expect(submitted.kind).toBe('submitted');
      }
    }
    w.clock.set(nov(6, '15:05'));
    expect((await w.runDigest()).sent).toBe(1);
    const first = digestsIn(w.cards(mentor.user)).at(-1)! as Card;
    expect(cardBytes(first)).toBeLessThan(cardByteLimit);
    expect(renderCard(first).problems).toEqual([]);
    // Asked to talk first, then the signal, then the rest.
    const onFirst = [...new Set(executes(first).map((a) => a.data['studentId']))].filter(Boolean);
    expect(onFirst.slice(0, 2)).toEqual([students[37], students[33]]);
    expect(onFirst.length).toBeGreaterThan(3);
    expect(onFirst.length).toBeLessThan(40);

    const seen = new Set<string>();
    let card = first;
    for (let guard = 0; guard < 20; guard++) {
      for (const a of executes(card)) if (typeof a.data['studentId'] === 'string') seen.add(a.data['studentId']);
      const more = executes(card).find((a) => a.verb === 'digest.more');
      if (!more) break;
      const count = w.cards(mentor.user).length;
      const answer = await w.act(mentor.user, 'digest.more', more.data);
      expect(cardText(answer)).toContain('De volgende leerlingen staan in de kaart hieronder.');
      card = w.cards(mentor.user)[count] as Card;
      expect(cardBytes(card)).toBeLessThan(cardByteLimit);
      expect(renderCard(card).problems).toEqual([]);
    }
    expect([...seen].sort()).toEqual([...students].sort());

    // `mijn studenten` for the same 40 students: under the limit too, the rest on request.
    const names = new Set<string>();
    let overview = (await w.say(mentor.user, 'mijn studenten')) as Card;
    for (let guard = 0; guard < 10; guard++) {
      expect(cardBytes(overview)).toBeLessThan(cardByteLimit);
      expect(renderCard(overview).problems).toEqual([]);
      for (const m of cardText(overview).matchAll(/Student \d\d/g)) names.add(m[0]);
      const more = executes(overview).find((a) => a.verb === 'students.more');
      if (!more) break;
      const count = w.cards(mentor.user).length;
      await w.act(mentor.user, 'students.more', more.data);
      overview = w.cards(mentor.user)[count] as Card;
    }
    expect(names.size).toBe(40);
  });

  it('lists students who did not answer a prompt in the period (from the campaign ledger port)', async () => {
    const { jansen, sanne, daan } = await school();
    await w.reflect(sanne.user);
    const asked: unknown[] = [];
    const ledger: NonResponders = {
      list: async (input) => {
        asked.push(input);
        return [
          { studentId: daan.person.id, flowId: 'free', sentAt: nov(4, '16:00') },
          // Not Jansen's student: never shown, whatever the port says.
          { studentId: 'someone-else', flowId: 'free', sentAt: nov(4, '16:00') },
        ];
      },
    };
    const mentoring = w.variant({ nonResponders: ledger });
    w.clock.set(nov(6, '15:05'));
    expect((await mentoring.digests.runDue()).sent).toBe(1);
    const jansensCall = asked.find((a) => (a as { studentIds: string[] }).studentIds.includes(sanne.person.id));
    expect(jansensCall).toMatchObject({ schoolId: tenantId, to: nov(6, '15:04') });
    expect((jansensCall as { studentIds: string[] }).studentIds.sort()).toEqual([sanne.person.id, daan.person.id].sort());
    const text = cardText(digestsIn(w.cards(jansen.user))[0]);
    expect(text).toContain('Daan Smit');
    expect(text).toMatch(/Reageerde niet op: Iets wat ik meemaakte \(4 nov\.?\)/);
    expect(text).not.toContain('someone-else');
  });
});
