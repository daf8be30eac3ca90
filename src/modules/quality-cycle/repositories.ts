import type { Mutate } from '../../core/ports.ts';
import {
  type Collection,
  createOrGet,
  type DocumentStore,
  type Stored,
  stored,
  update,
} from '../../platform/store/document-store.ts';
import type {
  EducationTeam,
  EducationTeamRepository,
  QualityCycle,
  QualityCycleRepositories,
  QualityCycleRepository,
} from './quality-cycle.ts';

// Education teams and their quality cycles, both partitioned per school: a school's whole cycle (a
// handful of teams, a few milestones each) is read with one partition query.

class Teams implements EducationTeamRepository {
  private readonly c: Collection<Stored<EducationTeam>>;
  constructor(c: Collection<Stored<EducationTeam>>) {
    this.c = c;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  async list(schoolId: string) {
    return (await this.c.find({ pk: schoolId })).sort((a, b) => a.name.localeCompare(b.name, 'nl'));
  }
  async findByTeamsTeam(schoolId: string, teamsTeamId: string) {
    const [found] = await this.c.find({ pk: schoolId, where: { teamsTeamId }, limit: 1 });
    return found;
  }
  create(team: Omit<EducationTeam, 'version'>) {
    return this.c.create({ ...team, pk: team.schoolId });
  }
  update(schoolId: string, id: string, mutate: Mutate<EducationTeam>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
}

class Cycles implements QualityCycleRepository {
  private readonly c: Collection<Stored<QualityCycle>>;
  constructor(c: Collection<Stored<QualityCycle>>) {
    this.c = c;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  listByYear(schoolId: string, schoolYear: string) {
    return this.c.find({ pk: schoolId, where: { schoolYear } });
  }
  async ensure(cycle: Omit<QualityCycle, 'version'>) {
    return (await createOrGet(this.c, { ...cycle, pk: cycle.schoolId })).doc;
  }
  update(schoolId: string, id: string, mutate: Mutate<QualityCycle>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
}

export async function openQualityCycleRepositories(store: DocumentStore): Promise<QualityCycleRepositories> {
  const [teams, cycles] = await Promise.all([
    store.collection<Stored<EducationTeam>>({ name: 'education_teams', indexes: ['teamsTeamId'] }),
    store.collection<Stored<QualityCycle>>({ name: 'quality_cycles', indexes: ['schoolYear'] }),
  ]);
  return { teams: new Teams(teams), cycles: new Cycles(cycles) };
}
