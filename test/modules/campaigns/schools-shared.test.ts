import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { type TestUser, testUser } from '../../helpers/activities.ts';
import { promptsTo, shadowDayCampaignFor } from '../../helpers/campaigns.ts';
import { LoopbackConnector } from '../../helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';
import { busiestWindow } from '../../helpers/windows.ts';

// Two instances on one store share the schools with due work out between them without an operator
// setting CAMPAIGN_SCHOOLS_AT_ONCE (issue 14). The first instance to look takes every school's sending
// lease; when the second one wants work, the first hands over what it holds beyond its half between two
// prompts, and the second takes it up. Sends are paced (two a second per tenant, one in flight per
// school) so that the first instance is still busy when the second comes.

const bots: TestBot[] = [];
const dirs: string[] = [];
afterEach(async () => {
  for (const b of bots.splice(0)) await b.stop();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const schoolCount = 6;
const studentsPerSchool = 6;
const tenantOf = (i: number) => `5c0a1e00-0000-4000-8000-0000000000${String(i + 1).padStart(2, '0')}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function schoolWithCampaign(t: TestBot, i: number, size: number): Promise<TestUser[]> {
  const schoolId = tenantOf(i);
  const engine = t.bot.deps.modules.campaigns;
  const now = t.bot.deps.clock.now().toISOString();
  const { group } = await engine.camp.groups.ensure(newGroup(schoolId, '3A', now));
  const users: TestUser[] = [];
  for (let n = 0; n < size; n++) {
    const user = testUser(`Leerling ${i}-${n}`, `l${n}@school-${i}.nl`);
    t.join(user);
    expect((await t.send('personal-installation-add', user, { tenantId: schoolId })).status).toBe(200);
    const person = await t.bot.repos.people.findByEmail(schoolId, user.email);
    await engine.camp.groups.addMember(schoolId, group.id, person!.id, now);
    users.push(user);
  }
  const created = await shadowDayCampaignFor(engine, group.id, now, { activityKey: `shared-${i}`, schoolId });
  expect(created.ok && created.planned.deliveries).toBe(size);
  return users;
}

/** Two bots (two instances) on one SQLite file and one connector, paced slowly so that both send at once. */
async function twoBotsOnOneFile() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-shared-'));
  dirs.push(dir);
  const file = path.join(dir, 'store.db');
  const clock = new ManualClock('2026-11-25T13:00:00Z');
  const connector = await LoopbackConnector.start();
  const env = { TEAMS_TENANT_RPS: '2', CAMPAIGN_SEND_CONCURRENCY: '1', CAMPAIGN_LEASE_SECONDS: '2' };
  const a = await startTestBot({ clock, store: SqliteStore.open(file), connector, env });
  const b = await startTestBot({ clock, store: SqliteStore.open(file), connector, env });
  bots.push(a, b);
  return { connector, a, b };
}

describe('two sender instances on one store', () => {
  it('each end up sending for about half of the schools, with no setting', async () => {
    const { connector, a, b } = await twoBotsOnOneFile();
    const students: TestUser[][] = [];
    for (let i = 0; i < schoolCount; i++) students.push(await schoolWithCampaign(a, i, studentsPerSchool));
    const [senderA, senderB] = [a, b].map((t) => t.bot.deps.modules.campaigns.sender) as [
      typeof a.bot.deps.modules.campaigns.sender,
      typeof b.bot.deps.modules.campaigns.sender,
    ];
    const ownerA = a.bot.deps.jobs.owner;
    const ownerB = b.bot.deps.jobs.owner;
    const holders = () => Promise.all(students.map((_, i) => a.bot.deps.leases.holder(`campaign-sender:${tenantOf(i)}`)));

    // The first instance looks first and takes every school.
    let aDone = false;
    const runA = senderA.run().finally(() => {
      aDone = true;
    });
    for (let i = 0; i < 500 && (await holders()).some((h) => h?.owner !== ownerA); i++) await sleep(5);
    expect((await holders()).map((h) => h?.owner)).toEqual(students.map(() => ownerA));

    // The second ticks as the job does (here every 100 ms) until nothing is left to send.
    let sentB = 0;
    const open = async () => {
      let n = 0;
      for (let i = 0; i < schoolCount; i++)
        n += await b.bot.deps.modules.campaigns.camp.deliveries.count(tenantOf(i), { states: ['planned', 'sending'] });
      return n;
    };
    for (let i = 0; i < 300 && (!aDone || (await open()) > 0); i++) {
      sentB += (await senderB.run()).sent;
      await sleep(100);
    }
    const sentA = (await runA).sent;

    // Every student got the prompt once, and each instance ended up working about half of the schools.
    for (const users of students) for (const u of users) expect(promptsTo(a, u)).toHaveLength(1);
    expect(sentA + sentB).toBe(schoolCount * studentsPerSchool);
    const last = (await holders()).map((h) => h?.owner);
    const byA = last.filter((o) => o === ownerA).length;
    const byB = last.filter((o) => o === ownerB).length;
    expect(byA + byB).toBe(schoolCount);
    expect(byB).toBeGreaterThanOrEqual(schoolCount / 2 - 1);
    expect(byA).toBeGreaterThanOrEqual(schoolCount / 2 - 1);
    expect(sentB).toBeGreaterThan(0);
    await connector.close();
  }, 60_000);
  it('share what is left when the second comes after the first emptied some schools', async () => {
    const { connector, a, b } = await twoBotsOnOneFile();
    // Two schools of one student, emptied at once, and two of eight, paced at two a second.
    const sizes = [1, 8, 1, 8];
    const students: TestUser[][] = [];
    for (const [i, n] of sizes.entries()) students.push(await schoolWithCampaign(a, i, n));
    const senderA = a.bot.deps.modules.campaigns.sender;
    const senderB = b.bot.deps.modules.campaigns.sender;
    const ownerB = b.bot.deps.jobs.owner;
    const holder = (i: number) => a.bot.deps.leases.holder(`campaign-sender:${tenantOf(i)}`);

    let aDone = false;
    const runA = senderA.run().finally(() => {
      aDone = true;
    });
    // The second instance comes once the first has emptied the two small schools.
    for (let i = 0; i < 500 && !(promptsTo(a, students[0]![0]!).length && promptsTo(a, students[2]![0]!).length); i++)
      await sleep(5);
    let sentB = 0;
    const tookOver = new Set<number>();
    for (let i = 0; i < 300 && !aDone; i++) {
      sentB += (await senderB.run()).sent;
      for (const s of [1, 3]) if ((await holder(s))?.owner === ownerB) tookOver.add(s);
      await sleep(100);
    }
    const sentA = (await runA).sent;
    sentB += (await senderB.run()).sent;

    // Of the two large schools left, the second instance took one: two schools left, two instances.
    expect(tookOver.size).toBe(1);
    expect(sentB).toBeGreaterThan(0);
    expect(sentA + sentB).toBe(18);
    for (const users of students) for (const u of users) expect(promptsTo(a, u)).toHaveLength(1);
    await connector.close();
  }, 60_000);
  it("keeps a school handed over inside its tenant window: the second waits until the first one's requests stop counting", async () => {
    const { connector, a, b } = await twoBotsOnOneFile();
    // Two schools, both taken by the first instance; the second takes one over while it sends.
    const students: TestUser[][] = [];
    for (let i = 0; i < 2; i++) students.push(await schoolWithCampaign(a, i, 8));
    const senderA = a.bot.deps.modules.campaigns.sender;
    const senderB = b.bot.deps.modules.campaigns.sender;
    let aDone = false;
    const runA = senderA.run().finally(() => {
      aDone = true;
    });
    // The second comes once the first has sent a few prompts in each school.
    for (let i = 0; i < 500 && !students.every((users) => users.filter((u) => promptsTo(a, u).length).length >= 3); i++)
      await sleep(5);
    let sentB = 0;
    for (let i = 0; i < 300 && !aDone; i++) {
      sentB += (await senderB.run()).sent;
      await sleep(20);
    }
    const sentA = (await runA).sent;
    sentB += (await senderB.run()).sent;
    expect(sentB).toBeGreaterThan(0);
    expect(sentA + sentB).toBe(16);

    // Per tenant, never more than its 2 a second at the connector, across both instances.
    for (const users of students) {
      const conversations = new Set(users.map((u) => u.conversationId));
      const times = connector.recorded
        .filter((r) => conversations.has(r.conversationId) && JSON.stringify(r.activity).includes('"reflection.feel"'))
        .map((r) => r.at);
      expect(times).toHaveLength(8);
      expect(busiestWindow(times)).toBeLessThanOrEqual(2);
    }
    await connector.close();
  }, 60_000);
});
