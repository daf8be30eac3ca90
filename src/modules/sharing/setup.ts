import type { Person } from '../../core/entities.ts';
import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Tally } from '../../delivery/delivery-kind.ts';
import { GraphMailer } from '../../teams/graph-mail.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import type { TrialoogPrompts } from '../campaigns/ports.ts';
import type { StudentMessages } from '../mentoring/ports.ts';
import { deliverAnswers } from './delivery.ts';
import { trialoogMessages } from './digest-messages.ts';
import type { TrialoogAnswer } from './entities.ts';
import { sharingFeature } from './feature.ts';
import type { MailSender } from './mail.ts';
import { openSharingRepositories, type SharingRepositories } from './repositories.ts';
import { SharingService } from './sharing.ts';
import { trialoogPrompt } from './trialoog-prompt.ts';

// Sharing, set up once: the student's internship supervisor, links to one reflection (or the dossier
// summary) for a supervisor or a parent, the pages those links open, the supervisor's answer on its way
// to the student (delivery engine), and the agreed answers for the mentor's digest (the trialoog).

/** The module's CLI commands. */
export { sharingCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [sharingFeature];

export interface SharingModule extends ModuleParts {
  repos: SharingRepositories;
  service: SharingService;
  /** Sends a supervisor's answer to the student now (when the school's hours allow). */
  deliverNow(answer: TrialoogAnswer): Promise<Tally>;
  /** The answers students agreed to share, for the mentors' digest. */
  messages: StudentMessages;
  /** A trialoog campaign's prompt for one student (src/modules/campaigns). */
  trialoog: TrialoogPrompts;
  /** Mails a supervisor's link, where the school configured a sender (MAIL_SENDER); else absent. */
  mail?: MailSender;
}

const dayMs = 24 * 60 * 60_000;

export async function setup(
  platform: Platform,
  outbound: Outbound,
  needs: { onSupervisorAsked?: (student: Pick<Person, 'id' | 'schoolId'>) => Promise<void> } = {},
): Promise<SharingModule> {
  const { config, clock, repos, flows, sendPolicy } = platform;
  const sharing = await openSharingRepositories(platform.store);
  const log = platform.log.child({ component: 'sharing' });
  const service = new SharingService({
    repos,
    sharing,
    clock,
    newId: platform.newId,
    linkTtlMs: config.SHARE_LINK_DAYS * dayMs,
    ...(needs.onSupervisorAsked ? { onSupervisorAsked: needs.onSupervisorAsked } : {}),
    purgeErased: () => platform.store.purgeErased(),
    log,
  });
  const delivering = { repos, sharing, flows, delivery: outbound.delivery, sendPolicy, log, clock };
  const mailer = config.MAIL_SENDER ? new GraphMailer(outbound.graph, config.MAIL_SENDER) : undefined;
  return {
    repos: sharing,
    service,
    deliverNow: (answer) => deliverAnswers(delivering, clock.now(), [answer]),
    messages: trialoogMessages(sharing.answers),
    trialoog: { prompt: (student, timeZone) => trialoogPrompt({ service, flows }, student, timeZone) },
    ...(mailer ? { mail: (schoolId: string, mail: Parameters<MailSender>[1]) => mailer.send(schoolId, mail) } : {}),
    jobs: [
      { name: 'sharing.deliver', schedule: '*/5 * * * *', run: (now) => deliverAnswers(delivering, now) },
      {
        name: 'sharing.purge',
        schedule: '23 3 * * *',
        // Links are kept a month after they stopped working, so the student can still see they existed.
        run: async (now) => {
          let removed = 0;
          for (const link of await sharing.links.listExpired(new Date(now.getTime() - 30 * dayMs).toISOString())) {
            if (await sharing.links.delete(link)) removed++;
          }
          return removed;
        },
      },
    ],
  };
}
