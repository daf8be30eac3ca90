import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tenantId } from '../../helpers/activities.ts';
import { type Card, cardText, executes, nov, plain, World } from './world.ts';

// A mentor who lost the mentor role (assignment still active) receives nothing more (docs/security.md:
// "A mentor whose assignment ended, or who lost the mentor role, receives nothing more";
// test/security/roles.test.ts holds the at-once card and the digest to it). The mentoring outbox's
// messages (a student's reply to a question, a plan reminder with her recent reflections) asked only
// whether the assignment was active, so the student's words still reached the ex-mentor.

const talk = { ...plain, 'wants-to-talk': 'true' };

describe('a mentor whose role was removed (the assignment still active)', () => {
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
    await w.assign(student.user, mentor.user);
    await w.reflect(student.user, talk);
    const atOnce = w.cards(mentor.user).at(-1) as Card;
    const data = executes(atOnce).find((a) => a.verb === 'mentor.discussed')!.data;
    return { mentor, student, data };
  }

  const removeMentorRole = async (personId: string) =>
    w.repos.people.update(tenantId, personId, (p) => ({ ...p, roles: p.roles.filter((r) => r !== 'mentor') }));

  it('does not send the student’s reply to a question to the ex-mentor', async () => {
    const { mentor, student, data } = await setUp();
    await w.act(mentor.user, 'mentor.note', { ...data, [`note-${student.person.id}`]: 'Wat ga je nu anders doen?' });
    const answer = executes(w.cards(student.user).at(-1)).find((a) => a.verb === 'note.reply')!;

    await removeMentorRole(mentor.person.id);
    const before = w.cards(mentor.user).length;
    await w.act(student.user, 'note.reply', { ...answer.data, reply: 'Geheim antwoord van Sanne' });

    const leaked = w
      .cards(mentor.user)
      .slice(before)
      .map((c) => cardText(c))
      .join('\n');
    expect(leaked).not.toContain('Geheim antwoord van Sanne');
    expect(w.cards(mentor.user)).toHaveLength(before);
  });

  it('does not send the plan reminder (with the student’s recent reflections) to the ex-mentor', async () => {
    const { mentor, data } = await setUp();
    await w.act(mentor.user, 'mentor.plan', data);

    await removeMentorRole(mentor.person.id);
    const before = w.cards(mentor.user).length;
    w.clock.set(nov(9, '10:00'));
    await w.runOutbox();

    const leaked = w
      .cards(mentor.user)
      .slice(before)
      .map((c) => cardText(c))
      .join('\n');
    expect(leaked).not.toContain(plain.happened);
    expect(w.cards(mentor.user)).toHaveLength(before);
  });
});
