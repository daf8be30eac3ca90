import type { Versioned } from '../../core/entities.ts';
import type { LocalDate } from '../../core/time/zoned-time.ts';

// The student's voice in the quality cycle: a short, anonymous pulse about the career guidance, twice a
// school year. Three kinds of document, kept apart on purpose (docs/security.md, processing register):
// - the pulse (partition: the school): when it is open and to whom it went, no answers;
// - the mark (partition: the student): this student was invited to this pulse and has answered, with no
//   time and nothing of the answer; it exists only to send the card once and refuse a second answer, and
//   is deleted when the pulse closes;
// - the tally (partition: the school): the counts per scale point and the open remarks of a pulse, with
//   no student, no conversation and no time per answer. Nothing joins a mark to a tally entry.

/** The three scales, in the order the card asks them. */
export const pulseQuestions = ['guidance', 'choice', 'internship'] as const;
export type PulseQuestion = (typeof pulseQuestions)[number];

/** A five-point scale: 1 very dissatisfied … 5 very satisfied. */
export const scalePoints = [1, 2, 3, 4, 5] as const;
export type ScalePoint = (typeof scalePoints)[number];

export const remarkMaxLength = 500;
/** How long a pulse stays open when nothing else is said. */
export const defaultOpenDays = 14;
export const maxOpenDays = 42;

export type PulseAudience = { kind: 'school' } | { kind: 'team'; teamId: string; teamName: string };

export interface Pulse extends Versioned {
  schoolId: string;
  /** The school year the pulse falls in ('2026-2027'). */
  schoolYear: string;
  audience: PulseAudience;
  /** First and last day it can be answered, in the school's time zone. */
  opensOn: LocalDate;
  closesOn: LocalDate;
  /** Students it was sent to (fixed when it was scheduled). */
  invited: number;
  /** 'planned' (the school's yearly dates) or 'cli'. */
  origin: 'planned' | 'cli';
  createdAt: string;
  /** Set once every mark of the pulse is deleted (after it closed). */
  marksClearedAt?: string;
}

export type MarkState = 'due' | 'sent' | 'answered' | 'skipped';

/** One student's invitation to one pulse (id: the pulse's id). It carries no time of answering. */
export interface PulseMark extends Versioned {
  schoolId: string;
  studentId: string;
  pulseId: string;
  state: MarkState;
  /** When the card may go out; top level and only while it is due, so the send job can query it. */
  dueAt?: string;
  claimedUntil?: string;
  /** The card in the student's chat, so it can be replaced by the thanks. */
  card?: { conversationId: string; activityId: string };
  skippedReason?: string;
}

/** Counts per scale point, index 0 for point 1. */
export type ScaleCounts = [number, number, number, number, number];

/** The anonymous answers to one pulse (id: the pulse's id). */
export interface PulseTally extends Versioned {
  schoolId: string;
  pulseId: string;
  respondents: number;
  counts: Record<PulseQuestion, ScaleCounts>;
  /** Open remarks, each put at a random place so their order says nothing about who answered when. */
  remarks: string[];
}

/** The yearly dates a school's pulses open on ('MM-DD'), and for how many days (partition: the school). */
export interface PulseSchedule extends Versioned {
  schoolId: string;
  dates: string[];
  days: number;
  updatedAt: string;
}

/**
 * The default: mid-November (the first weeks of guidance and, in mbo, the first internship are behind the
 * students) and mid-April (before the choices for next year close). Two weeks each.
 */
export const defaultSchedule: Pick<PulseSchedule, 'dates' | 'days'> = { dates: ['11-15', '04-15'], days: defaultOpenDays };

export const emptyCounts = (): Record<PulseQuestion, ScaleCounts> => ({
  guidance: [0, 0, 0, 0, 0],
  choice: [0, 0, 0, 0, 0],
  internship: [0, 0, 0, 0, 0],
});
