import { type Aggregate, minRespondents, suppressFigures } from '../../core/aggregates.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';
import { type Pulse, type PulseQuestion, type PulseTally, pulseQuestions, type ScaleCounts } from './entities.ts';
import { jobMonitor2014, type ReferenceFigure } from './reference.ts';
import type { VoiceRepositories } from './repositories.ts';

// What a pulse shows, to whom. Figures only once the pulse has closed (while it is open, two looks a day
// apart would give away the answer given in between) and only about 5 or more students, through the
// product's one small-group rule (suppressFigures; the pulses of a view share no sums, each answer counts
// in one pulse only). Open remarks only to the school's coordinators, only when at least 5 students wrote
// one, in an order that says nothing: a team leader knows a small group's voices too well.

export interface QuestionFigures {
  satisfied: number;
  dissatisfied: number;
  /** Mean on the 1–5 scale. */
  mean: number;
  reference: ReferenceFigure;
}

export interface PulseFigures {
  respondents: number;
  invited: number;
  response: number;
  questions: Record<PulseQuestion, QuestionFigures>;
}

export interface PulseResult {
  pulse: Pulse;
  state: 'upcoming' | 'open' | 'closed';
  /** Undefined while the pulse is not closed. */
  figures?: Aggregate<PulseFigures>;
  /** Only for a school-level viewer, only with enough remarks; otherwise undefined. */
  remarks?: string[];
}

export type Viewer = 'school' | 'team';

function questionFigures(counts: ScaleCounts, respondents: number, reference: ReferenceFigure): QuestionFigures {
  const share = (n: number) => (respondents > 0 ? n / respondents : 0);
  const sum = counts.reduce((s, c, i) => s + c * (i + 1), 0);
  return {
    satisfied: share(counts[3] + counts[4]),
    dissatisfied: share(counts[0] + counts[1]),
    mean: share(sum),
    reference,
  };
}

export function figuresOf(pulse: Pulse, tally: PulseTally | undefined): PulseFigures {
  const respondents = tally?.respondents ?? 0;
  const questions = {} as Record<PulseQuestion, QuestionFigures>;
  for (const q of pulseQuestions) {
    questions[q] = questionFigures(tally?.counts[q] ?? [0, 0, 0, 0, 0], respondents, jobMonitor2014[q]);
  }
  return { respondents, invited: pulse.invited, response: pulse.invited ? respondents / pulse.invited : 0, questions };
}

export function stateOf(pulse: Pulse, today: LocalDate): PulseResult['state'] {
  return today < pulse.opensOn ? 'upcoming' : today <= pulse.closesOn ? 'open' : 'closed';
}

/** The results of some pulses shown together, as one viewer may see them. */
export async function pulseResults(
  voice: VoiceRepositories,
  pulses: readonly Pulse[],
  today: LocalDate,
  viewer: Viewer,
): Promise<PulseResult[]> {
  const rows = await Promise.all(
    pulses.map(async (pulse) => {
      const state = stateOf(pulse, today);
      const tally = state === 'closed' ? await voice.tallies.get(pulse.schoolId, pulse.id) : undefined;
      return { pulse, state, tally };
    }),
  );
  const closed = rows.filter((r) => r.state === 'closed');
  const hidden = suppressFigures(
    closed.map((r) => ({ key: r.pulse.id, respondents: r.tally?.respondents ?? 0 })),
    [],
  );
  return rows.map(({ pulse, state, tally }) => {
    if (state !== 'closed') return { pulse, state };
    const respondents = tally?.respondents ?? 0;
    // Nobody answered: nothing to hide, and nothing to show but that.
    const show = !hidden.has(pulse.id) && respondents >= minRespondents;
    const figures: Aggregate<PulseFigures> = show
      ? { hidden: false, respondents, value: figuresOf(pulse, tally) }
      : { hidden: true, reason: 'too-few-respondents' };
    const remarks =
      show && viewer === 'school' && tally && tally.remarks.length >= minRespondents ? [...tally.remarks] : undefined;
    return { pulse, state, figures, ...(remarks ? { remarks } : {}) };
  });
}
