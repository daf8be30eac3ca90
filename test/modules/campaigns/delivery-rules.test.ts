import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ids, newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import type { CampaignInput } from '../../../src/modules/campaigns/checks.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../helpers/activities.ts';
import { classWith, engineOf, personOf, promptsTo, tick } from '../../helpers/campaigns.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The rules a campaign prompt lives by: never in quiet hours, at weekends, in a holiday or a student's
// pause; missed moments caught up, never skipped silently; failures retried or reported with a reason;
// and never sent twice, also with two instances or one that dies mid-send.

const bots: TestBot[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function bot(clock: ManualClock, options: Parameters<typeof startTestBot>[0] = {}) {
  const t = await startTestBot({ clock, ...options });
  bots.push(t);
  return t;
}

/** A campaign for one activity of a group, made through the same service the Teams form and the CLI use. */
async function campaignFor(
  t: TestBot,
  groupId: string,
  activity: { startsAt: string; endsAt: string; type?: 'shadow-day' | 'internship' },
  input: Partial<CampaignInput> = {},
) {
  const engine = await engineOf(t);
  const now = t.bot.deps.clock.now().toISOString();
  const type = activity.type ?? 'shadow-day';
  const result = await engine.service.create(
    tenantId,
    {
      name: 'Test',
      flowId: 'free',
      activityType: type,
      groupIds: [groupId],
      schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
      reminders: { afterHours: 24, max: 0 },
      closeAfterDays: 7,
      ...input,
    },
    {
      activity: {
        id: ids.activity(tenantId, `${activity.startsAt}-${type}`),
        schoolId: tenantId,
        type,
        title: '',
        startsAt: activity.startsAt,
        endsAt: activity.endsAt,
        groupIds: [groupId],
        studentIds: [],
        createdAt: now,
        updatedAt: now,
      },
    },
  );
  if (!result.ok) throw new Error(JSON.stringify(result.refusals));
  return result.campaign;
}

describe('when prompts may go out', () => {
  it('holds prompts in quiet hours and at the weekend, and during a pause; sends them at the next allowed time', async () => {
    // Friday 27 November 2026, 20:10 in Amsterdam: after quiet hours began.
    const clock = new ManualClock('2026-11-27T19:10:00Z');
    const t = await bot(clock);
    const { users, groupId } = await classWith(t, '4H', 4);
    const [a, b, paused, away] = users as [(typeof users)[0], (typeof users)[0], (typeof users)[0], (typeof users)[0]];
    const set = async (u: typeof a, until: string) => {
      const p = await personOf(t, u);
      await t.bot.repos.people.update(tenantId, p.id, (x) => ({ ...x, pause: { since: '2026-11-20T00:00:00Z', until } }));
    };
    await set(paused, '2026-12-01T12:00:00Z'); // back on Tuesday at 13:00
    await set(away, '2026-12-31T00:00:00Z'); // away for longer than the answer window
    await campaignFor(t, groupId, { startsAt: '2026-11-27T08:00:00Z', endsAt: '2026-11-27T19:05:00Z' });

    for (const at of ['2026-11-27T19:10:00Z', '2026-11-28T11:00:00Z', '2026-11-29T15:00:00Z', '2026-11-30T06:59:00Z']) {
      clock.set(at);
      await tick(t);
      expect(
        users.flatMap((u) => promptsTo(t, u)),
        at,
      ).toHaveLength(0);
    }
    clock.set('2026-11-30T07:00:00Z'); // Monday 08:00
    await tick(t);
    expect([a, b, paused, away].map((u) => promptsTo(t, u).length)).toEqual([1, 1, 0, 0]);
    clock.set('2026-12-01T12:00:00Z');
    await tick(t);
    expect(promptsTo(t, paused)).toHaveLength(1);
    // Away past the window: not sent weeks late, but closed with the reason, for the coordinator to see.
    const ledger = await (await engineOf(t)).camp.deliveries.find(tenantId, { studentId: (await personOf(t, away)).id });
    expect(ledger).toMatchObject([{ state: 'closed', reason: 'paused' }]);
    expect(promptsTo(t, away)).toHaveLength(0);
  });

  it('skips school holidays of the school’s region and the days the school added', async () => {
    // Thursday 15 October 2026; the shadow day is on Friday 16 October, prompts the next day at 09:00.
    const clock = new ManualClock('2026-10-15T10:00:00Z');
    const t = await bot(clock);
    const { users, groupId } = await classWith(t, '4H', 1);
    const engine = await engineOf(t);
    await engine.camp.calendars.ensure(tenantId, clock.now().toISOString());
    await engine.camp.calendars.update(tenantId, (c) => ({
      ...c,
      region: 'zuid',
      addedHolidays: [
        {
          key: 'school:2026-10-26:studiedag',
          name: 'Studiedag',
          from: '2026-10-26',
          to: '2026-10-26',
          regions: ['noord', 'midden', 'zuid'],
        },
      ],
    }));
    await campaignFor(
      t,
      groupId,
      { startsAt: '2026-10-16T07:00:00Z', endsAt: '2026-10-16T13:00:00Z' },
      { schedule: { kind: 'after-end', offset: { kind: 'day', days: 1, time: '09:00' } } },
    );
    // Saturday 17 October is the autumn holiday (until Sunday 25), Monday 26 is the school's study day.
    for (const at of ['2026-10-17T07:00:00Z', '2026-10-19T08:00:00Z', '2026-10-26T09:00:00Z']) {
      clock.set(at);
      await tick(t);
      expect(promptsTo(t, users[0]!), at).toHaveLength(0);
    }
    clock.set('2026-10-27T07:00:00Z'); // Tuesday 27 October, 08:00
    await tick(t);
    expect(promptsTo(t, users[0]!)).toHaveLength(1);
  });
});

describe('downtime', () => {
  it('catches up a moment missed while the bot was down, and sends only the latest of several missed weekly prompts', async () => {
    const clock = new ManualClock('2026-11-02T09:00:00Z');
    const t = await bot(clock);
    const { users, groupId } = await classWith(t, '3B', 2);
    const campaign = await campaignFor(
      t,
      groupId,
      { startsAt: '2026-11-02T07:00:00Z', endsAt: '2026-12-18T15:00:00Z', type: 'internship' },
      { schedule: { kind: 'weekly', weekday: 5, time: '15:00' }, closeAfterDays: 3, reminders: { afterHours: 48, max: 1 } },
    );
    clock.set('2026-11-06T14:01:00Z'); // Friday 6 November, 15:01
    await tick(t);
    expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 1]);

    // The bot is down from Friday evening until Monday 23 November: two Fridays were missed.
    clock.set('2026-11-23T09:00:00Z');
    await tick(t);
    await tick(t);
    expect(users.map((u) => promptsTo(t, u).length)).toEqual([2, 2]);
    const engine = await engineOf(t);
    const occurrences = await engine.camp.occurrences.listByCampaign(tenantId, campaign.id);
    expect(occurrences.map((o) => [o.scheduledAt, o.state])).toEqual([
      ['2026-11-06T14:00:00.000Z', 'planned'],
      ['2026-11-13T14:00:00.000Z', 'superseded'],
      ['2026-11-20T14:00:00.000Z', 'planned'],
    ]);
    const status = await engine.service.status(campaign);
    expect(status).toMatchObject({ superseded: 1, sent: 4, total: 4 });
    expect(status.nextAt).toBe('2026-11-27T14:00:00.000Z');
  });
});

describe('failures', () => {
  it('retries throttling and passing faults, honours Retry-After, and reports who cannot be reached and why', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const t = await bot(clock, { env: { CAMPAIGN_CLAIM_SECONDS: '8' } });
    const { users, groupId } = await classWith(t, '4H', 5);
    const [flaky, throttled, gone, down, fine] = users as [
      (typeof users)[0],
      (typeof users)[0],
      (typeof users)[0],
      (typeof users)[0],
      (typeof users)[0],
    ];
    // Someone the school imported but who never opened the app and is in no team with the bot.
    const engine = await engineOf(t);
    const now = clock.now().toISOString();
    const ghost = await t.bot.repos.people.create({
      id: 'ghost',
      schoolId: tenantId,
      name: 'Noah Onbekend',
      email: 'noah@school.nl',
      locale: 'nl',
      localeSource: 'default',
      roles: ['student'],
      reachability: { state: 'reachable' },
      createdAt: now,
      updatedAt: now,
    });
    await engine.camp.groups.addMember(tenantId, groupId, ghost.id, now);

    const calls = new Map<string, number[]>();
    let teamsDown = true;
    t.connector.failWith = ({ method, conversationId }) => {
      if (method !== 'POST' || !conversationId) return undefined;
      const seen = calls.get(conversationId) ?? [];
      seen.push(Date.now());
      calls.set(conversationId, seen);
      if (conversationId === flaky.conversationId && seen.length <= 2) return { status: 503 };
      if (conversationId === throttled.conversationId && seen.length === 1) return { status: 429, retryAfterSeconds: 1 };
      if (conversationId === gone.conversationId) return { status: 404, code: 'ConversationNotFound' };
      if (conversationId === down.conversationId && teamsDown) return { status: 502 };
      return undefined;
    };
    await campaignFor(t, groupId, { startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T12:55:00Z' });
    await tick(t);
    expect([flaky, throttled, fine].map((u) => promptsTo(t, u).length)).toEqual([1, 1, 1]);
    const [first, second] = calls.get(throttled.conversationId)!;
    expect(second! - first!).toBeGreaterThanOrEqual(990);
    expect(promptsTo(t, gone)).toHaveLength(0);
    expect(promptsTo(t, down)).toHaveLength(0);

    const state = async (u: { email: string }) =>
      (
        await engine.camp.deliveries.find(tenantId, { studentId: (await t.bot.repos.people.findByEmail(tenantId, u.email))!.id })
      )[0];
    expect(await state(gone)).toMatchObject({ state: 'unreachable', reason: 'not-found' });
    expect(await state({ email: 'noah@school.nl' })).toMatchObject({ state: 'unreachable', reason: 'no-conversation' });
    // Still failing after the request budget: back in the outbox with the error, tried again later.
    const waiting = await state(down);
    expect(waiting).toMatchObject({ state: 'planned', attempts: 1 });
    expect(waiting?.lastError).toMatch(/502/);
    expect(waiting!.dueAt! > clock.now().toISOString()).toBe(true);

    teamsDown = false;
    clock.set(waiting!.dueAt!);
    await tick(t);
    expect(promptsTo(t, down)).toHaveLength(1);
    expect(await state(down)).toMatchObject({ state: 'sent', attempts: 2 });
    const status = await engine.service.status((await engine.camp.campaigns.list(tenantId))[0]!);
    expect(status.unreachableStudents.map((u) => [u.name, u.reason])).toEqual([
      [gone.name, 'not-found'],
      ['Noah Onbekend', 'no-conversation'],
    ]);
  });
});

describe('several instances', () => {
  it('never sends a prompt twice with two instances on one store, and takes over the claims of one that died', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-two-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.db');
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const connector = await LoopbackConnector.start({ latencyMs: 5 });
    const a = await bot(clock, { store: SqliteStore.open(file), connector });
    const b = await bot(clock, { store: SqliteStore.open(file), connector });
    const { users, groupId } = await classWith(a, '4H', 20);
    await campaignFor(a, groupId, { startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T12:55:00Z' });

    // An instance that died mid-send left five prompts claimed.
    const engineA = a.bot.deps.modules.campaigns;
    const engineB = b.bot.deps.modules.campaigns;
    const planned = await engineA.camp.deliveries.find(tenantId, { states: ['planned'] });
    expect(planned).toHaveLength(20);
    for (const d of planned.slice(0, 5)) {
      await engineA.camp.deliveries.update(tenantId, d.id, (x) => ({
        ...x,
        state: 'sending',
        op: 'send',
        claimedBy: 'instance-that-died',
        dueAt: new Date(clock.now().getTime() + 120_000).toISOString(),
      }));
    }
    // Both live instances send at the same time, without the school's lease: the claims keep them apart.
    const [ra, rb] = await Promise.all([engineA.sender.sendDue(tenantId), engineB.sender.sendDue(tenantId)]);
    expect(ra.sent + rb.sent).toBe(15);
    expect(ra.lost + rb.lost, 'the two instances competed for the same prompts').toBeGreaterThan(0);

    // The dead instance's claims expire: the prompts it held are sent by a live one.
    clock.advance(121_000);
    await engineB.sender.run();
    const perStudent = users.map(
      (u) => connector.cardsIn(u.conversationId).filter((c) => JSON.stringify(c).includes('"reflection.feel"')).length,
    );
    expect(perStudent).toEqual(users.map(() => 1));
    await connector.close();
  });

  it('lets one instance at a time send for a school, and another take over when its lease lapses', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-lease-'));
    dirs.push(dir);
    const file = path.join(dir, 'store.db');
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const connector = await LoopbackConnector.start({ latencyMs: 2 });
    const a = await bot(clock, { store: SqliteStore.open(file), connector });
    const b = await bot(clock, { store: SqliteStore.open(file), connector });
    const { users, groupId } = await classWith(a, '4H', 10);
    await campaignFor(a, groupId, { startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T12:55:00Z' });
    const engineA = a.bot.deps.modules.campaigns;
    const engineB = b.bot.deps.modules.campaigns;
    // An instance that died while sending for the school still holds its lease.
    expect(await a.bot.deps.leases.acquire(`campaign-sender:${tenantId}`, 'instance-that-died', 30_000, clock.now())).toBe(true);
    const [ra, rb] = await Promise.all([engineA.sender.run(), engineB.sender.run()]);
    expect(ra.sent + rb.sent).toBe(0);
    clock.advance(31_000);
    const [rc, rd] = await Promise.all([engineA.sender.run(), engineB.sender.run()]);
    expect([rc.sent, rd.sent].sort((x, y) => x - y)).toEqual([0, 10]);
    expect(users.map((u) => promptsTo(a, u).length)).toEqual(users.map(() => 1));
    await connector.close();
  });
});

describe('who is reached', () => {
  it('prompts the students of the activity’s groups only, once each, also when they are in two of its groups', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const t = await bot(clock);
    const { users, groupId } = await classWith(t, '4H', 2);
    const { users: others } = await classWith(t, '4V', 2);
    const engine = await engineOf(t);
    const now = clock.now().toISOString();
    const { group: extra } = await engine.camp.groups.ensure(newGroup(tenantId, 'LOB', now));
    await engine.camp.groups.addMember(tenantId, extra.id, (await personOf(t, users[0]!)).id, now);
    await campaignFor(
      t,
      groupId,
      { startsAt: '2026-11-25T08:00:00Z', endsAt: '2026-11-25T12:55:00Z' },
      { groupIds: [groupId, extra.id] },
    );
    await tick(t);
    expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 1]);
    expect(others.map((u) => promptsTo(t, u).length)).toEqual([0, 0]);
  });
});
