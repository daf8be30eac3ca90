import type { FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { Clock } from '../../platform/clock.ts';
import { DigestService, type LogPort } from './digest.ts';
import { MentorFollowUpService } from './mentor-follow-up.ts';
import type { MentorMessages } from './messages.ts';
import { OutboxService } from './outbox.ts';
import { type MentoringRepositories, type NonResponders, noNonResponders, type StudentMessages } from './ports.ts';
import { StudentViews } from './student-views.ts';

/** The mentor side, wired: digests, the mentor's views of students, follow-up actions, and the outbox. */
export interface Mentoring {
  repos: MentoringRepositories;
  digests: DigestService;
  views: StudentViews;
  outbox: OutboxService;
  followUps: MentorFollowUpService;
}

export interface MentoringDeps {
  repos: Repositories;
  mentoring: MentoringRepositories;
  flows: FlowCatalog;
  clock: Clock;
  /** What the mentor side's messages say (the cards); nothing there sends. */
  compose: MentorMessages;
  /** Sends them: the school's calendar, a claim, Reach, the outcome. */
  delivery: Pick<DeliveryEngine, 'deliver' | 'deliverOne' | 'allows'>;
  log: LogPort;
  /** The school's quiet hours and time zone (../quiet-hours.ts). */
  sendPolicy: SendPolicies;
  newId: () => string;
  nonResponders?: NonResponders;
  /** Talent signals and replies for the digest (DigestDeps.messages). */
  messages?: StudentMessages;
  /** See DigestDeps.marginMs. */
  marginMs?: number;
  /** Makes deleted documents unreadable in the store's own files now (DocumentStore.purgeErased). */
  purgeErased?: () => Promise<boolean>;
}

export function createMentoring(deps: MentoringDeps): Mentoring {
  const common = { repos: deps.repos, mentoring: deps.mentoring, flows: deps.flows };
  const views = new StudentViews(common);
  const digests = new DigestService({
    ...common,
    clock: deps.clock,
    compose: deps.compose,
    delivery: deps.delivery,
    nonResponders: deps.nonResponders ?? noNonResponders,
    ...(deps.messages ? { messages: deps.messages } : {}),
    log: deps.log,
    sendPolicy: deps.sendPolicy,
    ...(deps.marginMs !== undefined ? { marginMs: deps.marginMs } : {}),
  });
  const outbox = new OutboxService({
    ...common,
    compose: deps.compose,
    delivery: deps.delivery,
    views,
    clock: deps.clock,
    log: deps.log,
    sendPolicy: deps.sendPolicy,
  });
  const followUps = new MentorFollowUpService({
    repos: deps.repos,
    mentoring: deps.mentoring,
    views,
    digests,
    outbox,
    clock: deps.clock,
    newId: deps.newId,
    log: deps.log,
    sendPolicy: deps.sendPolicy,
    ...(deps.purgeErased ? { purgeErased: deps.purgeErased } : {}),
  });
  return { repos: deps.mentoring, digests, views, outbox, followUps };
}
