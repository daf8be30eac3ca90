import type { LocalDate } from '../../core/time/zoned-time.ts';
import type { StudentVoiceFigures } from '../quality-cycle/check-evidence.ts';
import type { Pulse } from './entities.ts';
import type { VoiceRepositories } from './repositories.ts';
import { pulseResults, type Viewer } from './results.ts';

// The student's voice as Check evidence of an education team: the pulses to the team and to the whole
// school that closed in the period, each with its own figures (hidden under 5 answers) and no remarks.

/** The pulses a viewer sees: the whole school's, and those of the teams in `teamIds` (all teams: undefined). */
export function pulsesFor(all: readonly Pulse[], teamIds: readonly string[] | undefined): Pulse[] {
  return all.filter((p) => p.audience.kind === 'school' || !teamIds || teamIds.includes(p.audience.teamId));
}

const scopeRank = (p: Pulse) => (p.audience.kind === 'school' ? 0 : 1);

export async function teamVoiceEvidence(
  voice: VoiceRepositories,
  input: { schoolId: string; teamId: string; from: LocalDate; to: LocalDate; today: LocalDate },
  viewer: Viewer = 'team',
): Promise<StudentVoiceFigures> {
  const all = pulsesFor(await voice.pulses.listBySchool(input.schoolId), [input.teamId]);
  // In a fixed order (by closing date, the whole school's before the team's), not the store's.
  const inPeriod = all
    .filter((p) => p.closesOn >= input.from && p.closesOn <= input.to && p.closesOn < input.today)
    .sort((a, b) => a.closesOn.localeCompare(b.closesOn) || scopeRank(a) - scopeRank(b));
  const results = await pulseResults(voice, inPeriod, input.today, viewer);
  return {
    pulses: results.map((r) => ({
      id: r.pulse.id,
      scope: r.pulse.audience.kind,
      opensOn: r.pulse.opensOn,
      closesOn: r.pulse.closesOn,
      invited: r.pulse.invited,
      figures:
        !r.figures || r.figures.hidden
          ? { hidden: true as const, reason: 'too-few-respondents' as const }
          : {
              hidden: false as const,
              respondents: r.figures.respondents,
              value: {
                respondents: r.figures.value.respondents,
                satisfied: {
                  guidance: r.figures.value.questions.guidance.satisfied,
                  choice: r.figures.value.questions.choice.satisfied,
                  internship: r.figures.value.questions.internship.satisfied,
                },
              },
            },
    })),
  };
}
