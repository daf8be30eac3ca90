import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Person } from '../../src/core/entities.ts';
import type { TestUser } from '../helpers/activities.ts';
import { type Cli, cliOn } from '../helpers/cli.ts';
import { at, type PdcaSchool, startPdcaSchool } from '../helpers/quality-cycle.ts';
import { tempStore } from '../helpers/store-snapshot.ts';
import { cardText, digestsIn, nov, plain, World } from '../modules/mentoring/world.ts';

// A school sets its quiet hours once, with `calendar set`, and every message the bot sends of its own
// accord follows them: students' follow-ups, mentors' digests and notes, PDCA reminders (campaign prompts
// in test/modules/campaigns/delivery-rules.test.ts). The school's own day off holds what goes to students, not
// what goes to staff. The rule itself: test/core/send-policy/quiet-hours.test.ts and docs/quiet-hours.md.

describe('one school calendar for students and mentors', () => {
  const file = tempStore();
  let w: World;
  let cli: Cli;
  let student: { user: TestUser; person: Person };
  let mentor: { user: TestUser; person: Person };

  const followUps = async () => {
    const outcome = await w.t.bot.deps.jobs.runNow('reflection.follow-up');
    expect(outcome.status).toBe('ran');
    return (outcome as { result: { sent: number; waiting: number } }).result;
  };
  const followUpCards = () => w.cards(student.user).filter((c) => cardText(c).includes('Hoe ging je stap?'));
  const note = (text: string) =>
    w.act(mentor.user, 'mentor.note', { ctx: 'student', studentId: student.person.id, [`note-${student.person.id}`]: text });
  const received = (text: string) => w.cards(student.user).some((c) => cardText(c).includes(text));

  beforeAll(async () => {
    w = await World.start({ at: nov(2, '10:00'), store: file.store });
    cli = cliOn(file.dir, { clock: w.clock });
    student = await w.person('Sanne de Vries', 'sanne@school.nl');
    mentor = await w.person('Piet Jansen', 'p.jansen@school.nl', 'mentor');
    await w.assign(student.user, mentor.user);
    // A daily digest at 09:00: before the school's first allowed moment.
    await w.mentoring.repos.settings.ensure(mentor.person.schoolId, mentor.person.id, w.clock.now().toISOString());
    await w.mentoring.repos.settings.update(mentor.person.id, (s) => ({ ...s, frequency: 'daily', hour: 9 }));
    expect(await cli.run('calendar', 'set', '--quiet-before', '09:30', '--quiet-after', '16:00')).toBe(0);
    expect(await cli.run('calendar', 'holiday', 'add', '--name', 'Studiedag', '--from', '2026-11-13')).toBe(0);
    await w.reflect(student.user); // its follow-up is due on Saturday 7 November
    w.clock.set(nov(8, '12:00'));
    await w.reflect(student.user, { ...plain, happened: 'Een dag meelopen bij de bakker.' }); // due on Friday the 13th
  });
  afterAll(async () => {
    await w?.stop();
    await file.store.close();
    file.remove();
  });

  it('tells the mentor when the next digest really comes: the school’s first allowed moment', async () => {
    const settings = cardText(await w.say(mentor.user, 'digest'));
    // Sunday now: the next slot is Monday at the chosen 09:00, which is in the school's quiet hours.
    expect(settings).toContain('Nu: elke schooldag om 09:00. Volgend overzicht: ma 9 nov, 09:30.');
  });

  it('holds follow-ups, digests and notes before the school’s first allowed moment, and sends them after', async () => {
    w.clock.set(nov(9, '09:15')); // Monday: allowed by the default hours, not by this school's
    expect(await followUps()).toMatchObject({ sent: 0, waiting: 1 });
    expect(await w.runDigest()).toMatchObject({ sent: 0, quietSchools: 1 });
    expect(cardText(await note('Goed dat je doorvroeg.'))).toContain('wordt bezorgd zodra er berichten verstuurd mogen worden');
    expect(await w.runOutbox()).toMatchObject({ sent: 0 });
    expect(followUpCards()).toHaveLength(0);
    expect(digestsIn(w.cards(mentor.user))).toHaveLength(0);
    expect(received('Goed dat je doorvroeg.')).toBe(false);

    w.clock.set(nov(9, '09:45'));
    expect(await followUps()).toMatchObject({ sent: 1 });
    expect(await w.runDigest()).toMatchObject({ sent: 1 });
    expect(await w.runOutbox()).toMatchObject({ sent: 1 });
    expect(followUpCards()).toHaveLength(1);
    expect(digestsIn(w.cards(mentor.user))).toHaveLength(1);
    expect(received('Goed dat je doorvroeg.')).toBe(true);
  });

  it('holds a note written after the school’s last allowed moment until the next morning', async () => {
    w.clock.set(nov(10, '16:30')); // Tuesday: the default hours would send it now
    expect(cardText(await note('Tot morgen!'))).toContain('wordt bezorgd zodra');
    expect(await w.runOutbox()).toMatchObject({ sent: 0 });
    w.clock.set(nov(11, '09:31'));
    expect(await w.runOutbox()).toMatchObject({ sent: 1 });
    expect(received('Tot morgen!')).toBe(true);
  });

  it('on the school’s own day off: the mentor’s digest goes out, the student’s follow-up and note wait', async () => {
    w.clock.set(nov(12, '11:00'));
    await w.reflect(student.user, { ...plain, happened: 'Een gastles over de zorg.' });

    w.clock.set(nov(13, '12:30')); // Friday 13 November, the study day
    expect(await w.runDigest()).toMatchObject({ sent: 1 });
    expect(digestsIn(w.cards(mentor.user))).toHaveLength(2);
    expect(await followUps()).toMatchObject({ sent: 0, waiting: 1 });
    expect(cardText(await note('Fijne studiedag.'))).toContain('wordt bezorgd zodra');
    expect(await w.runOutbox()).toMatchObject({ sent: 0 });

    w.clock.set(nov(16, '09:45')); // Monday
    expect(await followUps()).toMatchObject({ sent: 1 });
    expect(await w.runOutbox()).toMatchObject({ sent: 1 });
    expect(followUpCards()).toHaveLength(2);
    expect(received('Fijne studiedag.')).toBe(true);
  });
});

describe('one school calendar for the quality cycle', () => {
  let s: PdcaSchool;
  let cli: Cli;
  beforeAll(async () => {
    s = await startPdcaSchool('2026-09-16'); // Wednesday; the fixed-mentor milestone's reminder is due
    cli = cliOn(s.dataDir, { clock: s.clock });
  });
  afterAll(async () => {
    await s?.stop();
  });

  it('reminds on the school’s own days off, within the school’s hours only', async () => {
    expect(await cli.run('calendar', 'set', '--quiet-before', '09:30', '--quiet-after', '16:00')).toBe(0);
    expect(await cli.run('calendar', 'holiday', 'add', '--name', 'Studiedag', '--from', '2026-09-17')).toBe(0);
    const before = s.channelPosts().length;
    for (const hour of [9, 16.5]) {
      s.clock.set(at('2026-09-16', hour)); // both inside the old fixed window of 08:00 to 18:00
      await s.runReminders();
      expect(s.channelPosts(), `at ${hour}`).toHaveLength(before);
    }
    s.clock.set(at('2026-09-17', 10)); // the study day: staff are at school
    await s.runReminders();
    expect(s.channelPosts()).toHaveLength(before + 1);
  });
});

describe('the default hours for the quality cycle', () => {
  it('are the school’s default quiet hours: reminders go out until 20:00', async () => {
    const s = await startPdcaSchool('2026-09-16');
    try {
      const before = s.channelPosts().length;
      s.clock.set(at('2026-09-16', 20.25));
      await s.runReminders();
      expect(s.channelPosts()).toHaveLength(before);
      s.clock.set(at('2026-09-17', 19.5)); // was held until the next morning before one rule served all
      await s.runReminders();
      expect(s.channelPosts()).toHaveLength(before + 1);
    } finally {
      await s.stop();
    }
  });
});
