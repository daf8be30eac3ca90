import type { AdaptiveCard } from '../../core/cards/cards.ts';
import type { Person } from '../../core/entities.ts';
import type { Mutate } from '../../core/ports.ts';
import type { CalendarRepository } from '../../core/send-policy/calendar.ts';
import type { Write } from '../../platform/store/document-store.ts';
import type {
  Activity,
  ActivityType,
  Campaign,
  CampaignState,
  Delivery,
  DeliveryState,
  Group,
  GroupMembership,
  Occurrence,
} from './campaigns.ts';

// The campaign engine's storage, written once over the document store (src/modules/campaigns/repositories.ts).
// Everything is partitioned per school. The PDCA Check evidence (issue 6) reads activities, groups and
// the delivery ledger through the documented methods here; docs/campaigns.md lists them.

export interface GroupRepository {
  get(schoolId: string, id: string): Promise<Group | undefined>;
  findByName(schoolId: string, name: string): Promise<Group | undefined>;
  list(schoolId: string): Promise<Group[]>;
  /** Creates the group (by its name's key) or returns the existing one. */
  ensure(group: Omit<Group, 'version'>): Promise<{ group: Group; created: boolean }>;
  update(schoolId: string, id: string, mutate: Mutate<Group>): Promise<Group>;
  /** Active memberships of a group. */
  members(schoolId: string, groupId: string): Promise<GroupMembership[]>;
  /** Active memberships of a person (the groups they are in). */
  groupsOf(schoolId: string, personId: string): Promise<GroupMembership[]>;
  /** Adds (or re-activates) a membership; `changed` is false when it was already active. */
  addMember(schoolId: string, groupId: string, personId: string, at: string): Promise<{ changed: boolean }>;
  /** Ends a membership; false when there was no active one. */
  endMember(schoolId: string, groupId: string, personId: string, at: string): Promise<boolean>;
}

export interface ActivityRepository {
  get(schoolId: string, id: string): Promise<Activity | undefined>;
  /** Creates the activity or, when one with this id exists, brings it up to date; reports what happened. */
  save(activity: Omit<Activity, 'version'>): Promise<{ activity: Activity; outcome: 'created' | 'updated' | 'unchanged' }>;
  listByType(schoolId: string, type: ActivityType): Promise<Activity[]>;
  /** Activities that end within [from, to) (ISO instants), optionally of one type or for one group. PDCA: activities held. */
  listEndingBetween(
    schoolId: string,
    from: string,
    to: string,
    filter?: { type?: ActivityType; groupId?: string },
  ): Promise<Activity[]>;
}

export interface CampaignRepository {
  get(schoolId: string, id: string): Promise<Campaign | undefined>;
  /** Idempotent: a second create with the same id (a double-tapped button) returns the first. */
  create(campaign: Omit<Campaign, 'version'>): Promise<{ campaign: Campaign; created: boolean }>;
  update(schoolId: string, id: string, mutate: Mutate<Campaign>): Promise<Campaign>;
  list(schoolId: string, states?: CampaignState[]): Promise<Campaign[]>;
  /** Campaigns in these states in every school (the planner's work list). */
  listAnywhere(states: CampaignState[]): Promise<Campaign[]>;
}

export interface OccurrenceRepository {
  get(schoolId: string, id: string): Promise<Occurrence | undefined>;
  ensure(occurrence: Omit<Occurrence, 'version'>): Promise<{ occurrence: Occurrence; created: boolean }>;
  update(schoolId: string, id: string, mutate: Mutate<Occurrence>): Promise<Occurrence>;
  listByCampaign(schoolId: string, campaignId: string): Promise<Occurrence[]>;
}

export interface DeliveryFilter {
  campaignId?: string;
  groupId?: string;
  studentId?: string;
  states?: DeliveryState[];
  /** Deliveries scheduled within [from, to) (ISO instants). */
  scheduledFrom?: string;
  scheduledTo?: string;
  /** Only deliveries that needed at least one reminder. */
  reminded?: boolean;
  /** Only deliveries that reached the student (they have a sentAt). */
  sent?: boolean;
  /** Deliveries sent within [sentFrom, sentTo) (ISO instants). */
  sentFrom?: string;
  sentTo?: string;
  /** Only deliveries parked while their campaign is paused. */
  parked?: boolean;
}

export interface DeliveryRepository {
  get(schoolId: string, id: string): Promise<Delivery | undefined>;
  /** Idempotent create: planning the same occurrence twice creates each delivery once. */
  ensure(delivery: Omit<Delivery, 'version'>): Promise<{ delivery: Delivery; created: boolean }>;
  update(schoolId: string, id: string, mutate: Mutate<Delivery>): Promise<Delivery>;
  /**
   * Compare-and-swap: writes `next` only if the stored version is still `next.version` (the one read).
   * Undefined when another writer (an instance, an answer) changed it first. This is how a sender claims.
   */
  replaceIfUnchanged(next: Delivery): Promise<Delivery | undefined>;
  /** The same compare-and-swap as one write of a writeAll (another write's call): skipped when the delivery moved. */
  replaceInWriteAll(next: Delivery): Write;
  /** Deliveries of a school whose dueAt has come, oldest first: the outbox. */
  due(schoolId: string, now: string, limit: number): Promise<Delivery[]>;
  /** The ledger, filtered. PDCA: prompts sent, answered, reminded, unreachable per group and period. */
  find(schoolId: string, filter: DeliveryFilter): Promise<Delivery[]>;
  count(schoolId: string, filter: DeliveryFilter): Promise<number>;
}

export interface CampaignRepositories {
  calendars: CalendarRepository;
  groups: GroupRepository;
  activities: ActivityRepository;
  campaigns: CampaignRepository;
  occurrences: OccurrenceRepository;
  deliveries: DeliveryRepository;
}

/** The piece of src/platform/scheduler/leases.ts the domain uses. */
export interface LeasePort {
  acquire(name: string, owner: string, ttlMs: number, now: Date): Promise<boolean>;
  /** As acquire; from another holder that gave it up, with until when that holder's sends still count. */
  take(name: string, owner: string, ttlMs: number, now: Date): Promise<{ handoverUntil?: string } | undefined>;
  release(name: string, owner: string, handoverUntil?: Date): Promise<void>;
}

/** A trialoog campaign's prompt for one student, as the sharing module makes it (campaigns.ts, `trialoog`). */
export interface TrialoogPrompt {
  card: AdaptiveCard;
  summary: string;
  /** The card asks the student to add their supervisor first (recorded as the delivery's reason). */
  withoutSupervisor: boolean;
}

export interface TrialoogPrompts {
  prompt(student: Person, timeZone: string): Promise<TrialoogPrompt>;
}
