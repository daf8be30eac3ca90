import { expect } from 'vitest';
import { newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { linkTeacher } from '../../../src/modules/talent/classes.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { type Card, executes, nov, World } from '../mentoring/world.ts';

// A school for the talent signal: class 4havo-a (Sanne, mentor Jansen), class 4havo-b (Bram), and Mevrouw
// Bakker, who teaches biology in 4havo-a only. The teacher came in through `teacher add`, then opened
// the app: her only role is teacher.

export async function talentSchool(at = nov(2, '10:00')) {
  const w = await World.start({ at });
  // The store parts as the bot's set-up opened them (src/modules/index.ts).
  const { camp } = w.t.bot.deps.modules.campaigns;
  const talent = w.t.bot.deps.modules.talent.repos;
  const mentor = await w.person('Piet Jansen', 'jansen@school.nl', 'mentor');
  const sanne = await w.person('Sanne de Vries', 'sanne@school.nl');
  const bram = await w.person('Bram Peters', 'bram@school.nl');
  await w.assign(sanne.user, mentor.user);
  const now = w.clock.now().toISOString();
  for (const [name, student] of [
    ['4havo-a', sanne],
    ['4havo-b', bram],
  ] as const) {
    const { group } = await camp.groups.ensure(newGroup(tenantId, name, now));
    await camp.groups.addMember(tenantId, group.id, student.person.id, now);
  }
  await linkTeacher(
    { install: w.t.bot.deps.install, groups: camp.groups, talent },
    { schoolId: tenantId, email: 'bakker@school.nl', classNames: ['4havo-a'], name: 'Mevrouw Bakker' },
  );
  const teacherUser: TestUser = testUser('Mevrouw Bakker', 'bakker@school.nl');
  w.t.join(teacherUser);
  expect((await w.t.send('personal-installation-add', teacherUser)).status).toBe(200);
  const teacher = { user: teacherUser, person: (await w.find('bakker@school.nl'))! };
  expect(teacher.person.roles).toEqual(['teacher']);
  return { w, talent, camp, mentor, sanne, bram, teacher };
}

/** The choices of the form's student picker. */
export function pickerChoices(card: unknown): { title: string; value: string }[] {
  const body = (card as Card).body;
  const picker = body.find((b) => b['id'] === 'studentId') as { choices: { title: string; value: string }[] } | undefined;
  return picker?.choices ?? [];
}

export { executes };
