import type { Competency, Emotion, Level, Locale, Role, Sector } from './types.ts';

/** Every entity carries the store's optimistic-concurrency version. */
export interface Versioned {
  id: string;
  version: number;
}

/** A school is a Microsoft 365 tenant: its id is the tenant id. */
export interface School extends Versioned {
  name: string;
  sector: Sector;
  /** The level most of its students have (a vmbo school); a class's or a student's own level wins (src/core/levels.ts). */
  level?: Level;
  timeZone: string;
  defaultLocale: Locale;
  /** The service URL Teams last used for this tenant; new 1:1 chats are opened there. */
  serviceUrl?: string;
  /** The bot id Teams addressed us with in this tenant. */
  botId?: string;
  createdAt: string;
}

export type Reachability =
  | { state: 'reachable' }
  | { state: 'unreachable'; since: string; reason: 'uninstalled' | 'blocked' | 'not-found' | 'unknown' };

export interface Person extends Versioned {
  schoolId: string;
  name: string;
  /** Lower-cased. Unique within a school; the key that imports and the CLI use. */
  email?: string;
  /** Entra ID object id (aadObjectId in Teams activities). */
  entraObjectId?: string;
  /** The Teams user id ("29:..."), needed to open a 1:1 chat proactively. */
  teamsUserId?: string;
  locale: Locale;
  /** 'chosen' when the person picked a language themselves; Teams' locale then no longer overrides it. */
  localeSource: 'teams' | 'chosen' | 'default';
  roles: Role[];
  reachability: Reachability;
  /** Prompts are paused (holiday, illness) until this moment; set by the student (`pauze` / `hervat`). */
  pause?: { since: string; until: string };
  /** The student's sector when it differs from the school's (combined schools). */
  sector?: Sector;
  /** The student's own level when it differs from their class's or school's (src/core/levels.ts). */
  level?: Level;
  /** The student left the school on this day (set by the school; retention counts from it). See docs/privacy.md. */
  leftAt?: string;
  /**
   * Set only on the anonymous stand-in that remains after a student's data was erased: no name, no ids, no
   * roles; it keeps the figures of the groups the student was in right. See docs/privacy.md.
   */
  erasedAt?: string;
  createdAt: string;
  updatedAt: string;
}

export interface MentorAssignment extends Versioned {
  schoolId: string;
  studentId: string;
  mentorId: string;
  active: boolean;
  since: string;
  endedAt?: string;
}

/** Where and how to reach a person (1:1 chat) or a team, captured when the app is installed. */
export interface ConversationRef extends Versioned {
  schoolId: string;
  kind: 'personal' | 'team';
  tenantId: string;
  conversationId: string;
  serviceUrl: string;
  botId: string;
  personId?: string;
  teamsUserId?: string;
  entraObjectId?: string;
  teamId?: string;
  teamName?: string;
  installed: boolean;
  /** 'school': the school installed the app for the person through Microsoft Graph (they never opened it). */
  installedBy?: 'school';
  updatedAt: string;
  uninstalledAt?: string;
}

export type ReflectionAnswers = Record<string, string>;

/** Soft signals, detected from chosen options and the emotion (never guessed from free text). */
export const signalKinds = ['very-negative', 'doubt-about-fit', 'wants-to-switch'] as const;
export type Signal = (typeof signalKinds)[number];

/** Why a reflection exists: the student started it, or a campaign prompted it. */
export type ReflectionSource =
  | { kind: 'student' }
  | { kind: 'campaign'; campaignId: string; deliveryId: string }
  /** Started from a teacher's talent signal (src/modules/talent). */
  | { kind: 'talent'; signalId: string };

export interface Reflection extends Versioned {
  schoolId: string;
  studentId: string;
  flowId: string;
  /** The activity type of the flow (internship, open-day, ..., free). */
  activityType?: string;
  source?: ReflectionSource;
  locale: Locale;
  status: 'open' | 'submitted';
  createdAt: string;
  submittedAt?: string;
  emotion?: Emotion;
  /** The student's own word for the feeling, typed beside the emotion buttons, as typed. */
  emotionWord?: string;
  answers: ReflectionAnswers;
  /** The student's key word for this reflection (the kernwoord question's answer), as typed. */
  kernwoord?: string;
  /** Options the student chose, per question id (option ids): words named with help, or who could help. */
  choices?: Record<string, string[]>;
  competencies: Competency[];
  /** The version of the tagging rule `competencies` was computed with (src/core/flows/tagging.ts). */
  taggingRule?: number;
  /** The answer to the flow's preparation prompt, given before the activity. */
  preparation?: { answer: string; answeredAt: string };
  /** What the reflection is about when it did not start from an activity: a teacher's talent signal. */
  context?: { kind: 'talent'; from: string; text: string };
  /** The student asked to talk about this with their mentor ("I'd like to talk about this"). */
  wantsToTalk?: boolean;
  signals?: Signal[];
  /** Answered after the campaign's window closed: still stored and routed. */
  late?: boolean;
  /** Where the card lives, so it can be replaced in place. */
  card?: { conversationId: string; activityId: string };
  /**
   * Routing to the mentor(s): 'pending' until every active mentor has an item; 'awaiting-mentor' while
   * the student has none (delivered once one is assigned).
   */
  routing: 'none' | 'pending' | 'awaiting-mentor' | 'routed';
  studentToldNoMentor?: boolean;
  /** The follow-up on the student's next step ("did it happen?"). */
  followUp?: FollowUp;
  /** Set while a follow-up waits to be sent (top level, so the due ones can be queried); removed once sent. */
  followUpDueAt?: string;
}

export const followUpOutcomes = ['done', 'not-yet', 'changed-mind'] as const;
export type FollowUpOutcome = (typeof followUpOutcomes)[number];

export interface FollowUp {
  state: 'scheduled' | 'sent' | 'answered' | 'skipped';
  /** How many times the question was sent (a "not yet" asks once more). */
  rounds: number;
  claimedUntil?: string;
  sentAt?: string;
  outcome?: FollowUpOutcome;
  answeredAt?: string;
  /** Why it was not sent: the student could not be reached. */
  skippedReason?: string;
  card?: { conversationId: string; activityId: string };
}

/** One reflection as it reaches one mentor: the mentor's inbox, partitioned per mentor. */
export interface MentorItem extends Versioned {
  schoolId: string;
  mentorId: string;
  studentId: string;
  reflectionId: string;
  createdAt: string;
  /** 'now' goes out as its own card; 'digest' waits for the mentor's digest. */
  mode: 'now' | 'digest';
  /** How this answer ranks the student in a digest (asked to talk, a signal, or neither), set when routed. */
  priority?: 'talk' | 'signal' | 'other';
  /** When the student submitted the answer. */
  submittedAt?: string;
  state: 'pending' | 'sent';
  attempts: number;
  /** A sender holds the item until then; after that another run may take it over. */
  claimedUntil?: string;
  lastError?: string;
  sentAt?: string;
  message?: { conversationId: string; activityId: string };
}
