import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import type { Downloads } from '../downloads/downloads.ts';
import { conversationFeature } from './conversation-feature.ts';
import { mentoringFeature } from './feature.ts';
import { mentorFollowUpEvidence } from './follow-up-evidence.ts';
import { calendarLink } from './meeting-calendar.ts';
import { createMentoring, type Mentoring } from './mentoring.ts';
import { MentorMessages } from './messages.ts';
import type { NonResponders, StudentMessages } from './ports.ts';
import { allMessages, replyMessages } from './replies.ts';
import { openMentoringRepositories } from './repositories.ts';
import { Router } from './routing.ts';
import { mentoringJobs } from './schedule.ts';

// The mentor side, set up once: the router that brings answers to mentors, the digests, the mentor's
// views and follow-up actions, and the outbox. The bot and `digest run` on the command line use this
// same set-up, so a digest looks and is sent the same way from both.

/** The module's CLI commands. */
export { mentoringCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [mentoringFeature, conversationFeature];

export interface MentoringModule extends Mentoring, ModuleParts {
  router: Router;
  /** The mentors' side of the quality cycle's Check evidence. */
  followUpEvidence: ReturnType<typeof mentorFollowUpEvidence>;
}

export async function setup(
  platform: Platform,
  outbound: Outbound,
  needs: {
    nonResponders: NonResponders;
    /** Messages about students from other modules for the digest (the talent signals). */
    messages?: StudentMessages;
    /** The download links: the calendar file of an agreed conversation. */
    downloads: Downloads;
  },
): Promise<MentoringModule> {
  const { repos, flows, clock, log } = platform;
  const stored = await openMentoringRepositories(platform.store, repos);
  const compose = new MentorMessages({ clock, flows, calendarLink: (person) => calendarLink(needs.downloads, person) });
  const router = new Router({
    repos,
    delivery: outbound.delivery,
    message: (input) => compose.atOnce(input),
    sendPolicy: platform.sendPolicy,
    clock,
    log: log.child({ component: 'router' }),
  });
  const mentoring = createMentoring({
    repos,
    mentoring: stored,
    flows,
    clock,
    compose,
    delivery: outbound.delivery,
    log: log.child({ component: 'mentoring' }),
    sendPolicy: platform.sendPolicy,
    newId: platform.newId,
    nonResponders: needs.nonResponders,
    // The students' answers to notes are the mentoring module's own; other sources plug in.
    messages: allMessages([replyMessages(stored), ...(needs.messages ? [needs.messages] : [])]),
    purgeErased: () => platform.store.purgeErased(),
  });
  return {
    ...mentoring,
    router,
    followUpEvidence: mentorFollowUpEvidence(repos, stored),
    jobs: [
      { name: mentoringJobs.digest, schedule: '*/5 * * * *', run: (now) => mentoring.digests.runDue(now) },
      { name: mentoringJobs.outbox, schedule: '* * * * *', run: () => mentoring.outbox.sweep() },
    ],
  };
}
