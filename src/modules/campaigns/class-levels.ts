import type { ClassLevels } from '../../core/levels.ts';
import type { Level } from '../../core/types.ts';
import type { GroupRepository } from './ports.ts';

// The classes' side of a student's level (src/core/levels.ts): the levels set on the classes a student is
// an active member of. Classes are the campaign engine's groups; `level set --class` writes here.

export function classLevels(groups: GroupRepository): ClassLevels {
  return {
    async levelsOf(schoolId, personId) {
      const memberships = await groups.groupsOf(schoolId, personId);
      const found = await Promise.all(memberships.map((m) => groups.get(schoolId, m.groupId)));
      return found.map((g) => g?.level).filter((l): l is Level => l !== undefined);
    },
  };
}
