import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import type { GroupRepository } from '../campaigns/ports.ts';
import type { StudentMessages } from '../mentoring/ports.ts';
import { type DeliveryOutcome, deliverPending, deliverSignal } from './delivery.ts';
import { talentMessages } from './digest-messages.ts';
import type { TalentSignal } from './entities.ts';
import { talentFeature } from './feature.ts';
import type { TalentRepositories } from './ports.ts';
import { openTalentRepositories } from './repositories.ts';
import { TalentService } from './talent.ts';

// The talent signal, set up once: which teachers teach which classes, the signals they send, the rules
// (talent.ts), the delivery to the student's chat (and the job that sends what had to wait), and the
// signals for the mentors' digest. A teacher's classes are the campaign engine's groups.

/** The module's CLI commands. */
export { talentCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [talentFeature];

export interface TalentModule extends ModuleParts {
  repos: TalentRepositories;
  service: TalentService;
  /** The classes (groups) teachers are linked to. */
  groups: GroupRepository;
  /** Sends a signal to the student now, or leaves it waiting for the `talent.deliver` job. */
  deliver(signal: TalentSignal): Promise<DeliveryOutcome>;
  /** The signals for the mentors' digest. */
  messages: StudentMessages;
}

export async function setup(platform: Platform, outbound: Outbound, needs: { groups: GroupRepository }): Promise<TalentModule> {
  const { repos, clock, log, sendPolicy } = platform;
  const talent = await openTalentRepositories(platform.store);
  const service = new TalentService({
    repos,
    talent,
    groups: needs.groups,
    clock,
    newId: platform.newId,
    log: log.child({ component: 'talent' }),
    purgeErased: () => platform.store.purgeErased(),
  });
  const sending = { repos, talent, delivery: outbound.delivery, clock, sendPolicy, log: log.child({ component: 'talent' }) };
  return {
    repos: talent,
    service,
    groups: needs.groups,
    deliver: (signal) => deliverSignal(sending, signal),
    messages: talentMessages(talent.signals),
    jobs: [{ name: 'talent.deliver', schedule: '*/5 * * * *', run: () => deliverPending(sending) }],
  };
}
