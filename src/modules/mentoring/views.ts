import type { Signal } from '../../core/entities.ts';
import type { Competency, Emotion, Locale } from '../../core/types.ts';

// What a mentor is shown about their students, independent of Teams: the digest, the at-once card,
// `mijn studenten`, the plan reminder and the handover all present students as these sections.

/** Whether the student did the next step they set (reported by the student's follow-up, issue 3). */
export const stepStatuses = ['open', 'done', 'not-yet', 'changed-mind'] as const;
export type StepStatus = (typeof stepStatuses)[number];

export interface EntryView {
  reflectionId: string;
  flowTitle: string;
  /** When it was submitted. */
  at: string;
  emotion?: Emotion;
  /** The student's own emotion word, as typed. */
  emotionWord?: string;
  /** The student's own words about what happened (full text; cards shorten it). */
  words?: string;
  nextStep?: { text: string; status: StepStatus };
  /** Every text answer with its question, when the whole reflection is shown (the at-once card). */
  answers?: { question: string; answer: string; chosen?: string; chosenLabel?: string }[];
  competencies: Competency[];
  wantsToTalk: boolean;
  signals: Signal[];
  late: boolean;
  /** The date it was discussed, when the mentor recorded that. */
  discussedOn?: string;
}

export interface OpenStep {
  reflectionId: string;
  text: string;
  status: StepStatus;
  at: string;
}

export interface NonResponseView {
  flowTitle: string;
  sentAt: string;
}

/**
 * A suggested follow-up question: a key into the mentors locale (`mentors.questions.<kind>.<n>`); a
 * question about the thread (a kernwoord or emotion word that keeps coming back) names the word.
 */
export interface QuestionView {
  kind: 'deepen' | 'broaden' | 'thread';
  key: string;
  params?: { word: string; count: number };
}

/**
 * Something written to or by the student since the last digest that is not a reflection: a teacher's
 * talent signal, the student's reply to the mentor's note, a supervisor's answer the student agreed to share. `from` is the writer's name.
 */
export interface MessageView {
  kind: 'talent' | 'reply' | 'trialoog';
  from: string;
  text: string;
  at: string;
}

export type Priority = 'talk' | 'signal' | 'other';

export interface StudentSection {
  student: { id: string; name: string };
  priority: Priority;
  /** The signals of the entries shown, once each. */
  signals: Signal[];
  /** Newest first. */
  entries: EntryView[];
  /** Entries of the period that are not shown on the card (kept short). */
  moreEntries: number;
  /** Earlier next steps that are not done yet, newest first. */
  openSteps: OpenStep[];
  nonResponses: NonResponseView[];
  /**
   * The student's kernwoorden that recur across all their reflections, most often first, each with the
   * reflections that named it (oldest first): the student's entries grouped by kernwoord.
   */
  recurring: { word: string; count: number; where: { flowTitle: string; at: string }[] }[];
  /** The emotion words the student typed more than once, most often first. */
  recurringEmotions: { word: string; count: number }[];
  /** Talent signals and replies in the digest's period (digest cards only). */
  messages?: MessageView[];
  questions: QuestionView[];
  followUp: { lastDiscussedOn?: string; plannedAt?: string; remindAt?: string; notesSent: number };
}

export interface DigestView {
  digestId: string;
  locale: Locale;
  timeZone: string;
  from?: string;
  to: string;
  /** The card's place among the digest's cards (0 is the one sent). */
  page: number;
  /** Sections to draw, in order of importance (a card may fit only the first ones). */
  sections: StudentSection[];
  /** How many students come before these, and in the whole digest. */
  offset: number;
  total: number;
  entryCount: number;
}

export interface StudentOverview {
  student: { id: string; name: string };
  lastEntry?: { flowTitle: string; at: string };
  entryCount: number;
  /** How often each competency was touched so far. */
  coverage: Record<Competency, number>;
  openSteps: OpenStep[];
  /** The student's entries grouped by the kernwoorden that come back (as in the digest), most often first. */
  recurring: StudentSection['recurring'];
  wantsToTalk: boolean;
  followUp: { lastDiscussedOn?: string; plannedAt?: string };
}

export interface HandoverView {
  section: StudentSection;
  previousMentors: string[];
  /** When a previous mentor last recorded a conversation. */
  previousDiscussedOn?: string;
  entryCount: number;
  firstEntryAt?: string;
  coverage: Record<Competency, number>;
}
