import type { AnyCliCommand } from '../cli/registry.ts';
import type { Platform } from '../core/platform.ts';
import type { Job } from '../platform/scheduler/jobs.ts';
import type { Outbound } from '../teams/outbound.ts';
import type { Feature } from '../teams/turn.ts';
import * as campaigns from './campaigns/setup.ts';
import * as coordinatorPage from './coordinator-page/setup.ts';
import * as downloads from './downloads/setup.ts';
import * as mentoring from './mentoring/setup.ts';
import * as people from './people/setup.ts';
import * as privacy from './privacy/setup.ts';
import * as qualityCycle from './quality-cycle/setup.ts';
import * as reflection from './reflection/setup.ts';
import * as sharing from './sharing/setup.ts';
import * as studentVoice from './student-voice/setup.ts';
import * as talent from './talent/setup.ts';

// The product: every feature module, set up once from the platform. The bot (src/app.ts) and the CLI
// (src/cli/main.ts) both build it here, so they cannot drift apart: the same flows, the same rules, the
// same services on the same store.

/** Every module, in the order the bot dispatches to their Teams side and the CLI lists their commands. */
const modules = [
  reflection,
  mentoring,
  people,
  qualityCycle,
  campaigns,
  coordinatorPage,
  downloads,
  privacy,
  talent,
  sharing,
  studentVoice,
];

/** Every module's Teams side: text commands, card verbs, routes (src/teams/command-dispatch.ts dispatches to them). */
export const features: Feature[] = modules.flatMap((m) => m.teams);

/** Every module's CLI commands; they run on the set-up product (CliContext.product). */
export const cliCommands: AnyCliCommand[] = modules.flatMap((m) => m.cli);

export interface Product {
  mentoring: mentoring.MentoringModule;
  reflection: reflection.ReflectionModule;
  campaigns: campaigns.Campaigns;
  qualityCycle: qualityCycle.QualityCycleModule;
  privacy: privacy.PrivacyModule;
  downloads: downloads.DownloadsModule;
  coordinatorPage: coordinatorPage.CoordinatorPage;
  talent: talent.TalentModule;
  sharing: sharing.SharingModule;
  studentVoice: studentVoice.StudentVoiceModule;
  /** Every module's scheduled jobs. */
  jobs: Job[];
}

export interface ProductOptions {
  /** Replaces parts of the quality cycle's Check evidence (tests). */
  evidence?: qualityCycle.EvidenceParts | undefined;
}

export async function setupModules(platform: Platform, outbound: Outbound, options: ProductOptions = {}): Promise<Product> {
  // The digest lists students who did not answer a campaign prompt; the campaign ledger is set up after
  // the mentor side (its sender starts reflections, which go to the mentors' router), and the digest
  // only asks once the product runs.
  // The same for the talent signals in the digest: the talent module needs the campaign engine's groups.
  // And the trialoog: supervisors' answers the student agreed to share (the sharing module).
  // The student pulse asks the quality cycle for an education team's students, once the product runs.
  const late: {
    campaigns?: campaigns.Campaigns;
    talent?: talent.TalentModule;
    sharing?: sharing.SharingModule;
    cycle?: qualityCycle.QualityCycleModule;
  } = {};
  const links = await downloads.setup(platform);
  const mentor = await mentoring.setup(platform, outbound, {
    nonResponders: { list: (input) => late.campaigns!.nonResponders.list(input) },
    messages: {
      list: async (input) => [...(await late.talent!.messages.list(input)), ...(await late.sharing!.messages.list(input))],
    },
    downloads: links.downloads,
  });
  // A student's level reads the levels of their classes, which are the campaign engine's groups.
  const student = reflection.setup(platform, outbound, {
    router: mentor.router,
    classLevels: { levelsOf: (schoolId, personId) => late.campaigns!.classLevels.levelsOf(schoolId, personId) },
  });
  // A trialoog campaign's prompt is the sharing module's card; making the supervisor link answers it.
  const campaign = await campaigns.setup(platform, outbound, {
    reflections: student.reflections,
    trialoog: { prompt: (person, timeZone) => late.sharing!.trialoog.prompt(person, timeZone) },
  });
  late.campaigns = campaign;
  const signals = await talent.setup(platform, outbound, { groups: campaign.camp.groups });
  late.talent = signals;
  // The link is made whatever the ledger does: a failed update only leaves the prompt open (and reminded).
  const shares = await sharing.setup(platform, outbound, {
    onSupervisorAsked: (student) =>
      campaign.onSupervisorAsked(student).catch((err: unknown) => {
        platform.log.warn({ personId: student.id, err: String(err) }, 'trialoog prompt not marked answered');
      }),
  });
  late.sharing = shares;
  const voice = await studentVoice.setup(platform, outbound, {
    teamStudents: async (schoolId, teamId) => {
      const team = await late.cycle!.cycles.teams.get(schoolId, teamId);
      if (!team) return undefined;
      const groups = await late.cycle!.evidence.groups(team);
      return { name: team.name, studentIds: [...new Set(groups.flatMap((g) => g.studentIds))] };
    },
  });
  const cycle = await qualityCycle.setup(platform, outbound, {
    evidence: {
      campaigns: campaign.ledger,
      followUp: mentor.followUpEvidence,
      groups: (team) => campaign.ledger.groupsOf(team),
      studentVoice: voice.evidence,
      ...options.evidence,
    },
  });
  late.cycle = cycle;
  const personalData = await privacy.setup(platform);
  const page = coordinatorPage.setup(platform, { campaigns: campaign, qualityCycle: cycle, studentVoice: voice });
  const all = [student, mentor, cycle, campaign, page, links, personalData, signals, shares, voice];
  return {
    mentoring: mentor,
    reflection: student,
    campaigns: campaign,
    qualityCycle: cycle,
    privacy: personalData,
    downloads: links,
    coordinatorPage: page,
    talent: signals,
    sharing: shares,
    studentVoice: voice,
    jobs: all.flatMap((m) => m.jobs),
  };
}
