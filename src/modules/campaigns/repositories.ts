import type { Mutate } from '../../core/ports.ts';
import type { CalendarRepository } from '../../core/send-policy/calendar.ts';
import { openCalendars } from '../../core/send-policy/calendar-repository.ts';
import {
  type Collection,
  type Condition,
  createOrGet,
  type Doc,
  type DocumentStore,
  replaceIfUnchanged,
  type Stored,
  stored,
  update,
  type Write,
} from '../../platform/store/document-store.ts';
import { groupCommits } from '../../platform/store/group-commit.ts';
import {
  type Activity,
  type ActivityType,
  type Campaign,
  type CampaignState,
  type Delivery,
  type Group,
  type GroupMembership,
  groupKey,
  ids,
  type Occurrence,
} from './campaigns.ts';
import type {
  ActivityRepository,
  CampaignRepositories,
  CampaignRepository,
  DeliveryFilter,
  DeliveryRepository,
  GroupRepository,
  OccurrenceRepository,
} from './ports.ts';

// The campaign engine's repositories over the DocumentStore contract. Everything is partitioned per
// school: a school's outbox query (deliveries due now) and a campaign's status counts stay in one
// partition on Cosmos DB.

function withPk<T extends { id: string; schoolId: string }>(entity: T): Stored<T> {
  return { ...entity, pk: entity.schoolId } as Stored<T>;
}

class Groups implements GroupRepository {
  private readonly c: Collection<Stored<Group>>;
  private readonly m: Collection<Stored<GroupMembership>>;
  constructor(c: Collection<Stored<Group>>, m: Collection<Stored<GroupMembership>>) {
    this.c = c;
    this.m = m;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  findByName(schoolId: string, name: string) {
    return this.c.get(schoolId, ids.group(schoolId, groupKey(name)));
  }
  async list(schoolId: string) {
    return (await this.c.find({ pk: schoolId })).sort((a, b) => a.name.localeCompare(b.name, 'nl', { numeric: true }));
  }
  async ensure(group: Omit<Group, 'version'>) {
    const { doc, created } = await createOrGet(this.c, withPk(group));
    return { group: doc, created };
  }
  update(schoolId: string, id: string, mutate: Mutate<Group>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
  members(schoolId: string, groupId: string) {
    return this.m.find({ pk: schoolId, where: { groupId, active: true } });
  }
  groupsOf(schoolId: string, personId: string) {
    return this.m.find({ pk: schoolId, where: { personId, active: true } });
  }
  async addMember(schoolId: string, groupId: string, personId: string, at: string) {
    const id = ids.membership(groupId, personId);
    const { doc, created } = await createOrGet(this.m, {
      id,
      pk: schoolId,
      schoolId,
      groupId,
      personId,
      active: true,
      since: at,
    });
    if (created) return { changed: true };
    if (doc.active) return { changed: false };
    await update(this.m, schoolId, id, (m) => (m.active ? undefined : { ...m, active: true, since: at, endedAt: undefined }));
    return { changed: true };
  }
  async endMember(schoolId: string, groupId: string, personId: string, at: string) {
    const id = ids.membership(groupId, personId);
    const current = await this.m.get(schoolId, id);
    if (!current?.active) return false;
    await update(this.m, schoolId, id, (m) => (m.active ? { ...m, active: false, endedAt: at } : undefined));
    return true;
  }
}

/** The fields that make an activity what it is; a re-import with the same values changes nothing. */
function sameActivity(a: Activity, b: Omit<Activity, 'version'>): boolean {
  return (
    a.type === b.type &&
    a.title === b.title &&
    a.startsAt === b.startsAt &&
    a.endsAt === b.endsAt &&
    [...a.groupIds].sort().join() === [...b.groupIds].sort().join() &&
    [...a.studentIds].sort().join() === [...b.studentIds].sort().join()
  );
}

class Activities implements ActivityRepository {
  private readonly c: Collection<Stored<Activity>>;
  constructor(c: Collection<Stored<Activity>>) {
    this.c = c;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  async save(activity: Omit<Activity, 'version'>) {
    const { doc, created } = await createOrGet(this.c, withPk(activity));
    if (created) return { activity: doc, outcome: 'created' as const };
    if (sameActivity(doc, activity)) return { activity: doc, outcome: 'unchanged' as const };
    const next = await update(this.c, activity.schoolId, activity.id, (a) =>
      sameActivity(a, activity)
        ? undefined
        : {
            ...a,
            type: activity.type,
            title: activity.title,
            startsAt: activity.startsAt,
            endsAt: activity.endsAt,
            groupIds: activity.groupIds,
            studentIds: activity.studentIds,
            updatedAt: activity.updatedAt,
          },
    );
    return { activity: next, outcome: 'updated' as const };
  }
  listByType(schoolId: string, type: ActivityType) {
    return this.c.find({ pk: schoolId, where: { type } });
  }
  async listEndingBetween(schoolId: string, from: string, to: string, filter: { type?: ActivityType; groupId?: string } = {}) {
    const where: Record<string, Condition> = { endsAt: { gte: from, lt: to } };
    if (filter.type) where['type'] = filter.type;
    const found = await this.c.find({ pk: schoolId, where, orderBy: { field: 'endsAt' } });
    return filter.groupId ? found.filter((a) => a.groupIds.includes(filter.groupId!)) : found;
  }
}

class Campaigns implements CampaignRepository {
  private readonly c: Collection<Stored<Campaign>>;
  constructor(c: Collection<Stored<Campaign>>) {
    this.c = c;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  async create(campaign: Omit<Campaign, 'version'>) {
    const { doc, created } = await createOrGet(this.c, withPk(campaign));
    return { campaign: doc, created };
  }
  update(schoolId: string, id: string, mutate: Mutate<Campaign>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
  list(schoolId: string, states?: CampaignState[]) {
    return this.c.find({
      pk: schoolId,
      ...(states ? { where: { state: { in: states } } } : {}),
      orderBy: { field: 'createdAt', direction: 'desc' },
    });
  }
  listAnywhere(states: CampaignState[]) {
    return this.c.find({ where: { state: { in: states } } });
  }
}

class Occurrences implements OccurrenceRepository {
  private readonly c: Collection<Stored<Occurrence>>;
  constructor(c: Collection<Stored<Occurrence>>) {
    this.c = c;
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  async ensure(occurrence: Omit<Occurrence, 'version'>) {
    const { doc, created } = await createOrGet(this.c, withPk(occurrence));
    return { occurrence: doc, created };
  }
  update(schoolId: string, id: string, mutate: Mutate<Occurrence>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
  listByCampaign(schoolId: string, campaignId: string) {
    return this.c.find({ pk: schoolId, where: { campaignId }, orderBy: { field: 'scheduledAt' } });
  }
}

function deliveryWhere(filter: DeliveryFilter): Record<string, Condition> {
  const where: Record<string, Condition> = {};
  if (filter.campaignId) where['campaignId'] = filter.campaignId;
  if (filter.groupId) where['groupId'] = filter.groupId;
  if (filter.studentId) where['studentId'] = filter.studentId;
  if (filter.states) where['state'] = { in: filter.states };
  if (filter.scheduledFrom || filter.scheduledTo)
    where['scheduledAt'] = {
      ...(filter.scheduledFrom ? { gte: filter.scheduledFrom } : {}),
      ...(filter.scheduledTo ? { lt: filter.scheduledTo } : {}),
    };
  if (filter.reminded) where['reminders'] = { gt: 0 };
  if (filter.sent || filter.sentFrom || filter.sentTo)
    where['sentAt'] = { gte: filter.sentFrom ?? '', ...(filter.sentTo ? { lt: filter.sentTo } : {}) };
  if (filter.parked) where['parked'] = true;
  return where;
}

class Deliveries implements DeliveryRepository {
  /** The store's own collection: a write call names it (the store checks it is one of its own). */
  private readonly own: Collection<Stored<Delivery>>;
  /** The same with the claims and outcomes in flight sharing commits (group-commit.ts). */
  private readonly c: Collection<Stored<Delivery>>;
  constructor(store: DocumentStore, c: Collection<Stored<Delivery>>) {
    this.own = c;
    this.c = groupCommits(store, c);
  }
  get(schoolId: string, id: string) {
    return this.c.get(schoolId, id);
  }
  async ensure(delivery: Omit<Delivery, 'version'>) {
    const { doc, created } = await createOrGet(this.c, withPk(delivery));
    return { delivery: doc, created };
  }
  update(schoolId: string, id: string, mutate: Mutate<Delivery>) {
    return update(this.c, schoolId, id, stored(mutate));
  }
  replaceIfUnchanged(next: Delivery) {
    return replaceIfUnchanged(this.c, withPk(next));
  }
  replaceInWriteAll(next: Delivery): Write {
    return { kind: 'replace', collection: this.own as unknown as Collection<Doc>, doc: withPk(next), ifUnchanged: true };
  }
  due(schoolId: string, now: string, limit: number) {
    // Thousands of a campaign's deliveries fall due at once, in many schools; each batch must read only its
    // own school's rows, in order: the (school, dueAt) index on SQLite, the partition on Cosmos DB.
    return this.c.find({ pk: schoolId, where: { dueAt: { lte: now } }, orderBy: { field: 'dueAt' }, limit });
  }
  find(schoolId: string, filter: DeliveryFilter) {
    return this.c.find({ pk: schoolId, where: deliveryWhere(filter) });
  }
  count(schoolId: string, filter: DeliveryFilter) {
    return this.c.count({ pk: schoolId, where: deliveryWhere(filter) });
  }
}

/** The campaign repositories of a store; the school calendars are the platform's when it has them open. */
export async function openCampaignRepositories(
  store: DocumentStore,
  calendars?: CalendarRepository,
): Promise<CampaignRepositories> {
  const [opened, groups, members, activities, campaigns, occurrences, deliveries] = await Promise.all([
    calendars ?? openCalendars(store),
    store.collection<Stored<Group>>({ name: 'groups', indexes: [] }),
    store.collection<Stored<GroupMembership>>({ name: 'group_members', indexes: ['groupId', 'personId'] }),
    store.collection<Stored<Activity>>({ name: 'activities', indexes: ['type', 'endsAt'] }),
    store.collection<Stored<Campaign>>({ name: 'campaigns', indexes: ['state', 'createdAt'] }),
    store.collection<Stored<Occurrence>>({ name: 'occurrences', indexes: ['campaignId'] }),
    // Few indexes: every index is rewritten on each of the two writes a prompt takes (claim, outcome).
    store.collection<Stored<Delivery>>({ name: 'deliveries', indexes: ['campaignId'], partitionIndexes: ['dueAt'] }),
  ]);
  return {
    calendars: opened,
    groups: new Groups(groups, members),
    activities: new Activities(activities),
    campaigns: new Campaigns(campaigns),
    occurrences: new Occurrences(occurrences),
    deliveries: new Deliveries(store, deliveries),
  };
}
