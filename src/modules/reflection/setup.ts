import type { Person } from '../../core/entities.ts';
import { type ClassLevels, noClassLevels, profileOf, type StudentProfile } from '../../core/levels.ts';
import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import type { Router } from '../mentoring/routing.ts';
import { dossierFeature } from './dossier-feature.ts';
import { reflectionFeature } from './reflection-feature.ts';
import { ReflectionService } from './reflections.ts';
import { studentFeature } from './student-feature.ts';
import { StudentFollowUps } from './student-follow-up.ts';
import { runFollowUps, studentFollowUpFeature } from './student-follow-up-feature.ts';

// The student's side, set up once: reflections (answers go to the router, which brings them to the
// mentors), the student's own commands and dossier, and the follow-up some days after a reflection.

/** The module's CLI commands. */
export { reflectionCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [reflectionFeature, studentFeature, dossierFeature, studentFollowUpFeature];

export interface ReflectionModule extends ModuleParts {
  reflections: ReflectionService;
  studentFollowUps: StudentFollowUps;
  /** A student's sector and level (own, else class, else school): which flows they get. */
  profileOf(person: Person): Promise<StudentProfile>;
}

export function setup(
  platform: Platform,
  outbound: Outbound,
  needs: { router: Router; classLevels?: ClassLevels },
): ReflectionModule {
  const { repos, flows, clock, config } = platform;
  const classes = needs.classLevels ?? noClassLevels;
  const reflections = new ReflectionService({ repos, flows, clock, router: needs.router, newId: platform.newId });
  const studentFollowUps = new StudentFollowUps({ repos, clock, flows, days: config.FOLLOW_UP_DAYS });
  // The follow-up is planned as the answers are stored, in the same write.
  reflections.onSubmitting(studentFollowUps.plan);
  const jobDeps = { ...platform, delivery: outbound.delivery, studentFollowUps };
  return {
    reflections,
    studentFollowUps,
    profileOf: (person) => profileOf(repos, classes, person),
    jobs: [{ name: 'reflection.follow-up', schedule: '*/10 * * * *', run: (now) => runFollowUps(jobDeps, now) }],
  };
}
