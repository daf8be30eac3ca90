import { randomInt } from 'node:crypto';
import type { ModuleParts } from '../../core/module.ts';
import type { Platform } from '../../core/platform.ts';
import type { Outbound } from '../../teams/outbound.ts';
import type { Feature } from '../../teams/turn.ts';
import type { EvidenceQuery, StudentVoiceFigures } from '../quality-cycle/check-evidence.ts';
import { sendDuePulses } from './delivery.ts';
import { teamVoiceEvidence } from './evidence.ts';
import { studentVoiceFeature } from './feature.ts';
import { openPlannedPulses } from './planner.ts';
import { StudentVoice, type TeamStudents } from './pulses.ts';
import { openVoiceRepositories, type VoiceRepositories } from './repositories.ts';

// The student's voice, set up once: the pulses and their anonymous tallies, the job that opens the
// school's yearly pulses and clears the marks of closed ones, the job that sends the cards through the
// delivery engine, and the figures for the coordinator page and the team's Check evidence.

/** The module's CLI commands. */
export { studentVoiceCommands as cli } from './cli.ts';

/** The module's Teams side. */
export const teams: Feature[] = [studentVoiceFeature];

export interface StudentVoiceModule extends ModuleParts {
  repos: VoiceRepositories;
  pulses: StudentVoice;
  /** The team's Check evidence: the pulses that closed in the period. */
  evidence(query: EvidenceQuery): Promise<StudentVoiceFigures>;
}

export async function setup(
  platform: Platform,
  outbound: Outbound,
  needs: { teamStudents: TeamStudents },
): Promise<StudentVoiceModule> {
  const { repos, clock, config, log } = platform;
  const voice = await openVoiceRepositories(platform.store);
  const voiceLog = log.child({ component: 'student-voice' });
  const pulses = new StudentVoice({
    repos,
    voice,
    clock,
    newId: platform.newId,
    randomIndex: (max) => randomInt(max + 1),
    teamStudents: needs.teamStudents,
    defaultTimeZone: config.DEFAULT_TIME_ZONE,
    purgeErased: () => platform.store.purgeErased(),
    log: voiceLog,
  });
  const sending = { repos, voice, pulses, delivery: outbound.delivery, log: voiceLog };
  return {
    repos: voice,
    pulses,
    evidence: async (query) =>
      teamVoiceEvidence(voice, {
        schoolId: query.schoolId,
        teamId: query.team.id,
        from: query.period.from,
        to: query.period.to,
        today: await pulses.today(query.schoolId),
      }),
    jobs: [
      {
        name: 'student-voice.plan',
        // Hourly: a school's pulse opens on its first day even when the bot was down at midnight.
        schedule: '7 * * * *',
        run: async () => ({
          opened: await openPlannedPulses({ repos, voice, pulses, log: sending.log }),
          cleared: await pulses.clearClosed(),
        }),
      },
      { name: 'student-voice.send', schedule: '*/10 * * * *', run: (now) => sendDuePulses(sending, now) },
    ],
  };
}
