import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { type Card, cardText, executes, nov, plain, World } from './world.ts';

// Planning a conversation together, over HTTP: the mentor proposes moments, the student takes one or
// suggests another, both get the confirmation with a calendar file served by the bot.

/** The calendar link of a confirmation card. */
function calendarUrl(card: unknown): string {
  const action = ((card as Card).actions ?? []).find((a) => a['type'] === 'Action.OpenUrl');
  expect(action).toBeDefined();
  return action!['url'] as string;
}

describe('planning a conversation with the student', () => {
  let w: World;
  beforeEach(async () => {
    w = await World.start({ at: nov(2, '10:00') });
  });
  afterEach(async () => {
    await w.stop();
  });

  async function setUp() {
    const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
    const student = await w.person('Sanne de Vries', 'sanne@school.nl');
    const other = await w.person('Bram Peters', 'bram@school.nl');
    await w.assign(student.user, mentor.user);
    await w.reflect(student.user, { ...plain, 'wants-to-talk': 'true' });
    const data = executes(w.cards(mentor.user).at(-1)).find((a) => a.verb === 'mentor.plan')!.data;
    const id = student.person.id;
    return { mentor, student, other, data, id };
  }

  it('proposes two moments; the student takes one; both get the confirmation and a calendar file', async () => {
    const { mentor, student, other, data, id } = await setUp();
    const planned = await w.act(mentor.user, 'mentor.plan', {
      ...data,
      [`p1d-${id}`]: '2026-11-05',
      [`p1t-${id}`]: '14:00',
      [`p2d-${id}`]: '2026-11-09',
      [`p2t-${id}`]: '09:30',
    });
    expect(cardText(planned)).toContain('Je voorstel (2 momenten) is naar Sanne de Vries gestuurd');
    const proposal = w.cards(student.user).at(-1)!;
    expect(cardText(proposal)).toContain('Je mentor wil een gesprek met je plannen');
    expect(renderCard(proposal).problems).toEqual([]);
    const slots = executes(proposal).filter((a) => a.verb === 'meeting.accept');
    expect(slots.map((s) => s.title)).toEqual([expect.stringMatching(/5 nov.*14:00/), expect.stringMatching(/9 nov.*09:30/)]);

    // Another student pressing Sanne's button finds nothing.
    const forged = await w.act(other.user, 'meeting.accept', slots[0]!.data);
    expect(cardText(forged)).toContain('Dit gesprek kan ik niet meer vinden');

    const before = w.cards(mentor.user).length;
    const taken = await w.act(student.user, 'meeting.accept', slots[0]!.data);
    expect(cardText(taken)).toContain('Gesprek afgesproken');
    expect(cardText(taken)).toMatch(/Je gesprek met Piet Jansen: .*5 nov.*14:00/);
    expect(renderCard(taken).problems).toEqual([]);
    const forMentor = w.cards(mentor.user);
    expect(forMentor).toHaveLength(before + 1);
    expect(cardText(forMentor.at(-1))).toMatch(/Je gesprek met Sanne de Vries: .*5 nov.*14:00/);

    // The student's calendar file: 14:00 in Amsterdam in November is 13:00 UTC.
    const res = await fetch(calendarUrl(taken));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/calendar');
    const ics = await res.text();
    expect(ics.startsWith('BEGIN:VCALENDAR\r\nVERSION:2.0\r\n')).toBe(true);
    expect(ics).toContain('DTSTART:20261105T130000Z\r\n');
    expect(ics).toContain('DTEND:20261105T133000Z\r\n');
    expect(ics).toContain('SUMMARY:Loopbaangesprek met Piet Jansen\r\n');
    expect(ics.trimEnd().endsWith('END:VCALENDAR')).toBe(true);
    const mentorIcs = await (await fetch(calendarUrl(forMentor.at(-1)))).text();
    expect(mentorIcs).toContain('SUMMARY:Loopbaangesprek met Sanne de Vries');
    // Same conversation, same UID: adding both files gives one event per calendar.
    const uid = (s: string) => /UID:(.*)\r\n/.exec(s)?.[1];
    expect(uid(ics)).toBe(uid(mentorIcs));

    // Taking the other moment now: already agreed, nothing changes.
    const again = await w.act(student.user, 'meeting.accept', slots[1]!.data);
    expect(cardText(again)).toContain('Dit gesprek is al afgesproken');
    const plan = (await w.mentoring.repos.followUps.get(mentor.person.id, id))?.plan;
    expect(plan?.agreed).toEqual({ at: nov(5, '14:00'), agreedAt: nov(2, '10:00'), by: 'student' });

    // Sanne moves to another mentor: Piet's calendar link (valid for a week, made afresh at each
    // download) no longer names her, and hers no longer holds a conversation with him.
    await w.repos.assignments.end(tenantId, id, mentor.person.id, nov(3, '09:00'));
    const after = await (await fetch(calendarUrl(forMentor.at(-1)))).text();
    expect(after).toContain('BEGIN:VCALENDAR');
    expect(after).not.toContain('Sanne de Vries');
    expect(await (await fetch(calendarUrl(taken))).text()).not.toContain('Piet Jansen');
  });

  it('lets the student suggest another moment, which the mentor takes', async () => {
    const { mentor, student, data, id } = await setUp();
    await w.act(mentor.user, 'mentor.plan', { ...data, [`p1d-${id}`]: '2026-11-05', [`p1t-${id}`]: '14:00' });
    const proposal = w.cards(student.user).at(-1)!;
    const suggest = executes(proposal).find((a) => a.verb === 'meeting.suggest')!;
    const wrong = await w.act(student.user, 'meeting.suggest', { ...suggest.data, date: '2026-11-01', time: '10:00' });
    expect(cardText(wrong)).toContain('later dan nu');
    const sent = await w.act(student.user, 'meeting.suggest', { ...suggest.data, date: '2026-11-06', time: '11:15' });
    expect(cardText(sent)).toContain('Je voorstel is naar Piet Jansen gestuurd');
    const suggestion = w.cards(mentor.user).at(-1)!;
    expect(cardText(suggestion)).toContain('Sanne de Vries kan niet op de momenten die je voorstelde');
    expect(cardText(suggestion)).toMatch(/6 nov.*11:15/);
    expect(renderCard(suggestion).problems).toEqual([]);
    const take = executes(suggestion).find((a) => a.verb === 'meeting.take')!;
    const before = w.cards(student.user).length;
    const taken = await w.act(mentor.user, 'meeting.take', take.data);
    expect(cardText(taken)).toMatch(/Je gesprek met Sanne de Vries: .*6 nov.*11:15/);
    expect(w.cards(student.user)).toHaveLength(before + 1);
    expect(cardText(w.cards(student.user).at(-1))).toContain('Gesprek afgesproken');
    const ics = await (await fetch(calendarUrl(taken))).text();
    expect(ics).toContain('DTSTART:20261106T101500Z');
  });

  it('refuses a half-filled moment and stores no proposal; without moments it stays a private reminder', async () => {
    const { mentor, student, data, id } = await setUp();
    const before = w.cards(student.user).length;
    const half = await w.act(mentor.user, 'mentor.plan', { ...data, [`p1d-${id}`]: '2026-11-05' });
    expect(cardText(half)).toContain('Vul bij elk moment een datum en een tijd in');
    const past = await w.act(mentor.user, 'mentor.plan', { ...data, [`p1d-${id}`]: '2026-10-05', [`p1t-${id}`]: '10:00' });
    expect(cardText(past)).toContain('Vul bij elk moment een datum en een tijd in');
    expect((await w.mentoring.repos.followUps.get(mentor.person.id, id))?.plan).toBeUndefined();
    const reminder = await w.act(mentor.user, 'mentor.plan', data);
    expect(cardText(reminder)).toContain('Gesprek met Sanne de Vries gepland');
    expect(w.cards(student.user)).toHaveLength(before);
  });

  // Card data is whatever the client posts: a slot that is no number must be refused like a past one,
  // not converted (Number() throws on {"toString":1} and reads [[0]] as 0).
  it('refuses a slot that is not the number of a proposed moment', async () => {
    const { mentor, student, data, id } = await setUp();
    await w.act(mentor.user, 'mentor.plan', { ...data, [`p1d-${id}`]: '2026-11-05', [`p1t-${id}`]: '14:00' });
    const slot = executes(w.cards(student.user).at(-1)).find((a) => a.verb === 'meeting.accept')!;
    const before = w.t.logLines.length;
    for (const bad of [{ toString: 1 }, [[0]], '0x0', true]) {
      const refused = await w.act(student.user, 'meeting.accept', { ...slot.data, slot: bad });
      expect(cardText(refused), JSON.stringify(bad)).toContain('Kies een datum en tijd, later dan nu');
    }
    expect(w.t.logLines.slice(before).filter((l) => /"level":50/.test(l))).toEqual([]);
    expect((await w.mentoring.repos.followUps.get(mentor.person.id, id))?.plan?.agreed).toBeUndefined();
  });
});
