import { ensurePersonByEmail } from '../../core/assignments.ts';
import type { Person } from '../../core/entities.ts';
import type { InstallDeps } from '../../core/install.ts';
import { newGroup } from '../campaigns/campaigns.ts';
import type { GroupRepository } from '../campaigns/ports.ts';
import type { TalentRepositories } from './ports.ts';

// A teacher's place in a class. The class is the group the student import made (or the coordinator
// named); the teacher gets the `teacher` role and a class-teacher link. Teachers are not group members:
// group members are the students that campaigns reach and aggregates count.

export async function linkTeacher(
  deps: { install: InstallDeps; groups: Pick<GroupRepository, 'ensure'>; talent: TalentRepositories },
  input: { schoolId: string; email: string; classNames: readonly string[]; name?: string },
): Promise<{ teacher: Person; added: string[] }> {
  const { person } = await ensurePersonByEmail(deps.install, input.schoolId, input.email, 'teacher', input.name);
  const now = deps.install.clock.now().toISOString();
  const added: string[] = [];
  for (const name of input.classNames) {
    const { group } = await deps.groups.ensure(newGroup(input.schoolId, name, now));
    if ((await deps.talent.classTeachers.add(input.schoolId, group.id, person.id, now)).changed) added.push(group.name);
  }
  return { teacher: person, added };
}
