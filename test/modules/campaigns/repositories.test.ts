import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type Delivery, ids } from '../../../src/modules/campaigns/campaigns.ts';
import type { CampaignRepositories } from '../../../src/modules/campaigns/ports.ts';
import { openCampaignRepositories } from '../../../src/modules/campaigns/repositories.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { backends } from '../../helpers/backends.ts';
import { seeingQueries } from '../../helpers/seen-queries.ts';

// The campaign repositories on both backends: what the planner, the sender, the status card and the
// PDCA Check evidence rely on.

const school = 'school-1';
const at = '2026-11-25T13:00:00.000Z';

function delivery(n: number, patch: Partial<Delivery> = {}): Omit<Delivery, 'version'> {
  const id = ids.delivery('occ-1', `student-${n}`);
  return {
    id,
    schoolId: school,
    campaignId: 'cmp-1',
    occurrenceId: 'occ-1',
    activityId: 'act-1',
    studentId: `student-${n}`,
    groupId: n % 2 ? 'g-odd' : 'g-even',
    flowId: 'free',
    kind: 'prompt',
    scheduledAt: at,
    dueAt: `2026-11-25T13:${String(n).padStart(2, '0')}:00.000Z`,
    state: 'planned',
    attempts: 0,
    reflectionId: ids.reflection(id),
    reminders: 0,
    createdAt: at,
    updatedAt: at,
    ...patch,
  };
}

describe.each(backends)('campaign repositories: $name', (backend) => {
  let store: DocumentStore;
  let camp: CampaignRepositories;
  beforeEach(async () => {
    store = await backend.open();
    camp = await openCampaignRepositories(store);
  });
  afterEach(async () => {
    await store.close();
  });

  it('works the outbox: due deliveries oldest first, claimed by compare-and-swap, final ones out of it', async () => {
    for (let n = 1; n <= 6; n++) await camp.deliveries.ensure(delivery(n));
    expect((await camp.deliveries.ensure(delivery(1))).created).toBe(false);
    const due = await camp.deliveries.due(school, '2026-11-25T13:04:00.000Z', 10);
    expect(due.map((d) => d.studentId)).toEqual(['student-1', 'student-2', 'student-3', 'student-4']);
    expect(await camp.deliveries.due(school, '2026-11-25T13:04:00.000Z', 2)).toHaveLength(2);

    const [first] = due;
    const claimed = await camp.deliveries.replaceIfUnchanged({
      ...first!,
      state: 'sending',
      claimedBy: 'a',
      dueAt: '2026-11-25T13:30:00.000Z',
    });
    expect(claimed?.state).toBe('sending');
    // The second instance read the same version: its claim fails.
    expect(await camp.deliveries.replaceIfUnchanged({ ...first!, state: 'sending', claimedBy: 'b' })).toBeUndefined();
    expect((await camp.deliveries.get(school, first!.id))?.claimedBy).toBe('a');
    // A claimed delivery is out of the outbox until its claim ends; a final one for good.
    await camp.deliveries.update(school, due[1]!.id, (d) => ({ ...d, state: 'answered', dueAt: undefined }));
    expect((await camp.deliveries.due(school, '2026-11-25T13:04:00.000Z', 10)).map((d) => d.studentId)).toEqual([
      'student-3',
      'student-4',
    ]);
    expect((await camp.deliveries.due(school, '2026-11-25T13:31:00.000Z', 10)).map((d) => d.studentId)).toContain('student-1');
  });

  it("reads one school's due deliveries only, oldest first, with many schools due at once", async () => {
    // Three schools whose deliveries fall due interleaved, as when their campaigns start together.
    for (let n = 1; n <= 9; n++) {
      const other = `school-${(n % 3) + 1}`;
      await camp.deliveries.ensure({ ...delivery(n), id: `${other}-${n}`, schoolId: other });
    }
    const due = await camp.deliveries.due('school-2', '2026-11-25T13:30:00.000Z', 10);
    expect(due.map((d) => d.id)).toEqual(['school-2-1', 'school-2-4', 'school-2-7']);
    expect((await camp.deliveries.due('school-3', '2026-11-25T13:30:00.000Z', 2)).map((d) => d.id)).toEqual([
      'school-3-2',
      'school-3-5',
    ]);
  });

  it('counts and filters the ledger by campaign, group, state, period, sent, reminded and parked', async () => {
    await camp.deliveries.ensure(delivery(1, { state: 'answered', sentAt: at, reminders: 1, dueAt: undefined }));
    await camp.deliveries.ensure(delivery(2, { state: 'reminded', sentAt: at, reminders: 1 }));
    await camp.deliveries.ensure(delivery(3, { state: 'unreachable', reason: 'blocked', dueAt: undefined }));
    await camp.deliveries.ensure(delivery(4, { state: 'sent', sentAt: at, parked: true, dueAt: undefined }));
    await camp.deliveries.ensure(delivery(5, { campaignId: 'cmp-2', scheduledAt: '2027-01-10T10:00:00.000Z' }));
    const n = (f: Parameters<CampaignRepositories['deliveries']['count']>[1]) => camp.deliveries.count(school, f);
    expect(await n({ campaignId: 'cmp-1' })).toBe(4);
    expect(await n({ campaignId: 'cmp-1', sent: true })).toBe(3);
    expect(await n({ campaignId: 'cmp-1', reminded: true })).toBe(2);
    expect(await n({ states: ['unreachable'] })).toBe(1);
    expect(await n({ groupId: 'g-odd' })).toBe(3);
    expect(await n({ parked: true })).toBe(1);
    expect(await n({ scheduledFrom: '2026-12-01T00:00:00.000Z', scheduledTo: '2027-02-01T00:00:00.000Z' })).toBe(1);
    expect((await camp.deliveries.find(school, { studentId: 'student-3' }))[0]?.reason).toBe('blocked');
  });

  it('keeps groups, memberships, activities and campaigns idempotent', async () => {
    const g = { id: ids.group(school, '4h'), schoolId: school, name: '4H', key: '4h', createdAt: at, updatedAt: at };
    expect((await camp.groups.ensure(g)).created).toBe(true);
    expect((await camp.groups.ensure(g)).created).toBe(false);
    expect((await camp.groups.findByName(school, ' 4h '.trim()))?.name).toBe('4H');
    expect(await camp.groups.addMember(school, g.id, 'p1', at)).toEqual({ changed: true });
    expect(await camp.groups.addMember(school, g.id, 'p1', at)).toEqual({ changed: false });
    await camp.groups.addMember(school, g.id, 'p2', at);
    expect(await camp.groups.endMember(school, g.id, 'p2', at)).toBe(true);
    expect((await camp.groups.members(school, g.id)).map((m) => m.personId)).toEqual(['p1']);
    expect((await camp.groups.groupsOf(school, 'p1')).map((m) => m.groupId)).toEqual([g.id]);
    expect(await camp.groups.addMember(school, g.id, 'p2', at)).toEqual({ changed: true });

    const activity = {
      id: 'act-1',
      schoolId: school,
      type: 'shadow-day' as const,
      title: 'Meeloopdag',
      startsAt: '2026-11-25T08:00:00.000Z',
      endsAt: '2026-11-25T13:00:00.000Z',
      groupIds: [g.id],
      studentIds: [],
      createdAt: at,
      updatedAt: at,
    };
    expect((await camp.activities.save(activity)).outcome).toBe('created');
    expect((await camp.activities.save({ ...activity, updatedAt: 'later' })).outcome).toBe('unchanged');
    expect((await camp.activities.save({ ...activity, title: 'Meeloopdag hbo' })).outcome).toBe('updated');
    expect(await camp.activities.listEndingBetween(school, '2026-11-01', '2026-12-01', { groupId: g.id })).toHaveLength(1);
    expect(await camp.activities.listEndingBetween(school, '2026-11-01', '2026-12-01', { type: 'open-day' })).toHaveLength(0);

    const campaign = {
      id: 'cmp-1',
      schoolId: school,
      name: 'x',
      flowId: 'free',
      activityType: 'shadow-day' as const,
      groupIds: [g.id],
      schedule: { kind: 'after-end' as const, offset: { kind: 'after' as const, minutes: 0 } },
      reminders: { afterHours: 4, max: 1 },
      closeAfterDays: 7,
      state: 'active' as const,
      notBefore: at,
      createdAt: at,
      updatedAt: at,
      statusCards: [],
    };
    expect((await camp.campaigns.create(campaign)).created).toBe(true);
    expect((await camp.campaigns.create({ ...campaign, name: 'double tap' })).campaign.name).toBe('x');
    expect(await camp.campaigns.listAnywhere(['active'])).toHaveLength(1);
    expect(await camp.campaigns.list(school, ['paused'])).toHaveLength(0);

    const cal = await camp.calendars.ensure(school, at);
    expect(cal.quietHours).toEqual({ before: '08:00', after: '20:00', weekends: true });
    await camp.calendars.update(school, (c) => ({ ...c, region: 'zuid' }));
    expect((await camp.calendars.ensure(school, at)).region).toBe('zuid');
  });
});

describe('the outbox query on SQLite', () => {
  it("walks one school's due deliveries in the (school, dueAt) index and sorts nothing", async () => {
    const store = SqliteStore.open(':memory:');
    try {
      const seeing = seeingQueries(store);
      // The query is the repository's own, read as it reaches the store.
      await (await openCampaignRepositories(seeing.store)).deliveries.due(school, at, 64);
      expect(seeing.queries).toHaveLength(1);
      const plan = store.queryPlan('deliveries', seeing.queries[0]!.query).join('\n');
      // An index on dueAt alone walks every school's due rows and sorts the ones it keeps: thousands per
      // batch when twenty schools' campaigns start at once.
      expect(plan).toContain('USING INDEX ix_deliveries_pk_dueAt (pk=? AND');
      expect(plan).not.toContain('TEMP B-TREE');
    } finally {
      await store.close();
    }
  });
});
