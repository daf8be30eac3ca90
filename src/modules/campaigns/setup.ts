import type { Person } from '../../core/entities.ts';
import type { ClassLevels } from '../../core/levels.ts';
import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import type { NonResponders } from '../mentoring/ports.ts';
import type { ReflectionService } from '../reflection/reflections.ts';
import { classLevels } from './class-levels.ts';
import { answeredJoins, pendingPromptReflections, trialoogAskedListener } from './delivery-ledger.ts';
import { campaignLedgerEvidence, campaignNonResponders } from './evidence.ts';
import { campaignsFeature } from './feature.ts';
import { CampaignPlanner } from './planner.ts';
import type { CampaignRepositories, TrialoogPrompts } from './ports.ts';
import { openCampaignRepositories } from './repositories.ts';
import { CampaignSender } from './sender.ts';
import { SenderRoster } from './sender-roster.ts';
import { CampaignService } from './service.ts';
import { StatusBoard } from './status-board.ts';

// The campaign engine, set up once: the repositories, the planner and the service coordinators use (in
// Teams and on the command line), the sender that works the outbox, and the status cards that update in
// place while a campaign sends. When prompts may go out is the schools' send policy.

/** The module's CLI commands. */
export { campaignCommands as cli } from './cli.ts';

/**
 * With nothing due, how long the sender's ticks read nothing: what another process makes due (a campaign
 * created on the command line) waits at most this long. The planner's own interval: a scheduled
 * occurrence is planned by the minute job anyway, and its instance wakes its sender at once.
 */
const idleCheckMs = 60_000;

/** The module's Teams side. */
export const teams: Feature[] = [campaignsFeature];

export interface Campaigns extends ModuleParts {
  camp: CampaignRepositories;
  /** The levels of a student's classes (src/core/levels.ts). */
  classLevels: ClassLevels;
  planner: CampaignPlanner;
  service: CampaignService;
  policyFor: SendPolicies;
  sender: CampaignSender;
  board: StatusBoard;
  /** The student asked their supervisor about a reflection: their open trialoog prompts are answered. */
  onSupervisorAsked(student: Pick<Person, 'id' | 'schoolId'>): Promise<void>;
  /** The Check evidence from the ledger (quality cycle). */
  ledger: ReturnType<typeof campaignLedgerEvidence>;
  /** Students who did not answer a prompt (the mentors' digest). */
  nonResponders: NonResponders;
}

export async function setup(
  platform: Platform,
  outbound: Outbound,
  needs: { reflections: ReflectionService; trialoog: TrialoogPrompts },
): Promise<Campaigns> {
  const { config, clock, log, repos, flows, leases, owner } = platform;
  const camp = await openCampaignRepositories(platform.store, platform.calendars);
  const policyFor = platform.sendPolicy;
  const roster = await SenderRoster.open(platform.store);
  // Planning or resuming in this process ends the sender's idle wait at once (the sender is made below).
  const wakeSender = () => sender.wake();
  const planner = new CampaignPlanner({
    repos,
    camp,
    clock,
    leases,
    owner,
    policyFor,
    log: log.child({ component: 'campaign-planner' }),
    onPlanned: wakeSender,
  });
  const service = new CampaignService({
    repos,
    camp,
    flows,
    clock,
    planner,
    policyFor,
    hasPreparation: (flow) => flow.preparation !== undefined,
    onDue: wakeSender,
  });
  const board = new StatusBoard({ platform, reach: outbound.reach, camp, service });
  const touch = (schoolId: string, campaignId: string) => board.touch(schoolId, campaignId);
  // A claim lasts as long as the school's lease unless set apart: a dead instance's prompts are free when its lease is.
  const claimMs = (config.CAMPAIGN_CLAIM_SECONDS ?? config.CAMPAIGN_LEASE_SECONDS) * 1000;
  const sender: CampaignSender = new CampaignSender(
    {
      repos,
      camp,
      flows,
      delivery: outbound.delivery,
      clock,
      log: log.child({ component: 'campaign-sender' }),
      owner,
      leases,
      policyFor,
      onChange: touch,
      trialoog: needs.trialoog,
      roster,
    },
    {
      claimMs,
      leaseMs: config.CAMPAIGN_LEASE_SECONDS * 1000,
      batchSize: Math.max(50, config.CAMPAIGN_SEND_CONCURRENCY * 4),
      concurrency: config.CAMPAIGN_SEND_CONCURRENCY,
      schoolsAtOnce: config.CAMPAIGN_SCHOOLS_AT_ONCE,
      maxRunMs: config.CAMPAIGN_RUN_SECONDS * 1000,
      idleCheckMs,
      retry: { attempts: 6, baseMs: 500, maxDelayMs: 8000, budgetMs: Math.min(30_000, claimMs / 2) },
    },
  );
  const ledger = { repos, camp, clock, onChange: touch };
  // A prompt's reflection is stored by the student's first answer; until then its delivery stands for it.
  // The answer's write call marks the delivery answered (delivery-ledger.ts).
  needs.reflections.onPending(pendingPromptReflections({ ...ledger, flows }));
  needs.reflections.onSubmitJoin(answeredJoins(ledger));
  return {
    camp,
    classLevels: classLevels(camp.groups),
    planner,
    service,
    policyFor,
    sender,
    board,
    onSupervisorAsked: trialoogAskedListener(ledger),
    ledger: campaignLedgerEvidence(camp),
    nonResponders: campaignNonResponders(camp),
    jobs: [
      {
        name: 'campaigns.plan',
        schedule: '* * * * *',
        run: async () => {
          const r = await planner.planAll();
          return r.occurrences || r.superseded || r.completed ? r : undefined;
        },
      },
      {
        // Every 5 seconds while something is due or about to be; with nothing due, a tick reads nothing
        // until the earliest dueAt or idleCheckMs has passed. A run goes on while there is work, and
        // creating or resuming a campaign starts one at once. Which instance sends for which school is
        // decided by the schools' sending leases and the sender roster, so every instance runs the job:
        // with one job lease, a second instance would wait for the first one's run to end.
        name: 'campaigns.send',
        schedule: '*/5 * * * * *',
        perInstance: true,
        leaseMs: config.CAMPAIGN_LEASE_SECONDS * 1000,
        run: async () => {
          const r = await sender.tick();
          await board.flush();
          return r && Object.values(r).some((n) => n > 0) ? r : undefined;
        },
      },
    ],
  };
}
