import type { PulseQuestion } from './entities.ts';

// The reference line beside a school's own figures: the JOB-monitor 2014, the national survey of mbo
// students, as the final report of the mbo LOB programme 2010–2015 (Stimuleringsproject LOB in het mbo,
// MBO Diensten, 2015, section "JOB Monitor 2014") lists it. Shares of students satisfied and, where the
// report gives it, dissatisfied. The report gives no dissatisfied share for the guidance as a whole.
// Our scale is not the monitor's: the line is a point of reference, not a like-for-like comparison.

export interface ReferenceFigure {
  satisfied: number;
  dissatisfied?: number;
}

export const jobMonitor2014: Record<PulseQuestion, ReferenceFigure> = {
  /** (Studie)loopbaanbegeleiding as a whole. */
  guidance: { satisfied: 0.46 },
  /** Guidance in choosing an occupation or further study. */
  choice: { satisfied: 0.41, dissatisfied: 0.21 },
  /** The school's preparation for the internship (BPV). */
  internship: { satisfied: 0.49, dissatisfied: 0.18 },
};
