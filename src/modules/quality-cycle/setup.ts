import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import { defaultMilestoneTexts } from './cards.ts';
import type { CheckEvidenceSource } from './check-evidence.ts';
import { qualityCycleFeature } from './feature.ts';
import { MilestoneCards } from './milestone-cards.ts';
import type { QualityCycleRepositories } from './quality-cycle.ts';
import { QualityCycleReminders } from './reminders.ts';
import { openQualityCycleRepositories } from './repositories.ts';
import { type StoreEvidenceDeps, StoreEvidenceSource } from './store-evidence.ts';
import { TeamsCycleNotifier } from './teams-notifier.ts';
import type { QualityCycleDeps } from './year-cycle.ts';

// The yearly quality cycle (PDCA), set up once: education teams and their cycles, the milestone reminders
// in Teams, and the Check evidence over everything the product records (reflections and competencies,
// the campaign ledger, the mentors' follow-up), so the bot and the CLI show the same figures.

export type EvidenceParts = Pick<StoreEvidenceDeps, 'campaigns' | 'followUp' | 'groups' | 'studentVoice'>;

/** The module's CLI commands. */
export { qualityCycleCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [qualityCycleFeature];

export interface QualityCycleModule extends ModuleParts {
  cycles: QualityCycleRepositories;
  cycle: QualityCycleDeps;
  reminders: QualityCycleReminders;
  /** A milestone's cards: what they show, and redrawing them in place. */
  milestoneCards: MilestoneCards;
  evidence: CheckEvidenceSource;
}

export async function setup(
  platform: Platform,
  outbound: Outbound,
  needs: { evidence: EvidenceParts },
): Promise<QualityCycleModule> {
  const { repos, clock, log } = platform;
  const cycles = await openQualityCycleRepositories(platform.store);
  const cycle: QualityCycleDeps = {
    repos,
    cycles,
    clock,
    newId: platform.newId,
    defaults: platform.install.defaults,
    defaultTexts: defaultMilestoneTexts,
  };
  const moduleLog = log.child({ component: 'quality-cycle' });
  const milestoneCards = new MilestoneCards({
    ...cycle,
    updater: new TeamsCycleNotifier({ reach: outbound.reach }),
    log: moduleLog,
  });
  const reminders = new QualityCycleReminders({ ...cycle, delivery: outbound.delivery, cards: milestoneCards, log: moduleLog });
  return {
    cycles,
    cycle,
    reminders,
    milestoneCards,
    evidence: new StoreEvidenceSource({ repos, teams: (schoolId) => cycles.teams.list(schoolId), ...needs.evidence }),
    jobs: [
      {
        name: 'quality-cycle.reminders',
        // Every quarter of an hour (a run with nothing due costs a few milliseconds); each run works out what
        // is due, so a run missed while the bot was down is caught up.
        schedule: '*/15 * * * *',
        run: (now) => reminders.run(now),
      },
    ],
  };
}
