import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Person } from '../../src/core/entities.ts';
import { reasonText } from '../../src/modules/campaigns/cards.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../helpers/activities.ts';
import { classWith, engineOf, shadowDayCampaignFor, tick } from '../helpers/campaigns.ts';
import { cliOn } from '../helpers/cli.ts';
import { GraphStandIn } from '../helpers/graph-stand-in.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Students the school imported who never opened the app: the bot installs itself for them through
// Microsoft Graph (a local stand-in that answers as Graph does) and the campaign prompt reaches them in
// the installation's chat. Those Graph refuses are reported with the precise reason.

const teamsAppId = '7c2f1d4e-5a6b-4c8d-9e0f-1a2b3c4d5e6f';
const catalogId = 'a1b2c3d4-0000-4000-8000-00000000cafe';

const started: { t?: TestBot; graph?: GraphStandIn; dir?: string }[] = [];
afterEach(async () => {
  for (const s of started.splice(0)) {
    await s.t?.stop();
    await s.graph?.close();
    if (s.dir) fs.rmSync(s.dir, { recursive: true, force: true });
  }
});

const graphToken = async (tenant: string) => `graph-token-for-${tenant}`;

async function world(clock: ManualClock, dir?: string) {
  const graph = await GraphStandIn.start();
  graph.catalog.push({ id: catalogId, externalId: teamsAppId, displayName: 'LOB Reflectie' });
  const t = await startTestBot({
    clock,
    env: { TEAMS_APP_ID: teamsAppId, GRAPH_BASE_URL: graph.url, CAMPAIGN_CLAIM_SECONDS: '30' },
    graphToken,
    ...(dir ? { store: SqliteStore.open(path.join(dir, 'lob-reflectie.db')) } : {}),
  });
  started.push({ t, graph, ...(dir ? { dir } : {}) });
  return { t, graph };
}

/** A student as an import leaves them: a name, an e-mail and an Entra id, no Teams conversation. */
async function imported(t: TestBot, groupId: string, key: string, name: string, entraObjectId: string): Promise<Person> {
  const now = t.bot.deps.clock.now().toISOString();
  const person = await t.bot.repos.people.create({
    id: `imp-${key}`,
    schoolId: tenantId,
    name,
    email: `${key}@school.nl`,
    entraObjectId,
    locale: 'nl',
    localeSource: 'default',
    roles: ['student'],
    reachability: { state: 'reachable' },
    createdAt: now,
    updatedAt: now,
  });
  await (await engineOf(t)).camp.groups.addMember(tenantId, groupId, person.id, now);
  return person;
}

async function campaignFor(t: TestBot, groupId: string) {
  const engine = await engineOf(t);
  const now = t.bot.deps.clock.now().toISOString();
  const result = await shadowDayCampaignFor(engine, groupId, now, { activityKey: 'shadow-day-25-11' });
  if (!result.ok) throw new Error(JSON.stringify(result.refusals));
  return result.campaign;
}

const prompts = (t: TestBot, chatId: string) =>
  t.connector.cardsIn(chatId).filter((c) => JSON.stringify(c).includes('"reflection.feel"'));

describe('reaching students who never opened the app', () => {
  it('a campaign to a class with two students who never opened the app reaches them through the installation', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const { t, graph } = await world(clock);
    // One student opened the app (so the school and the bot are known); two never did.
    const { groupId } = await classWith(t, '3B', 1);
    const anna = await imported(t, groupId, 'anna', 'Anna de Vries', '11111111-aaaa-4aaa-8aaa-000000000001');
    const bram = await imported(t, groupId, 'bram', 'Bram Bakker', '11111111-aaaa-4aaa-8aaa-000000000002');
    graph.addUser({ id: anna.entraObjectId!, userPrincipalName: anna.email! });
    graph.addUser({ id: bram.entraObjectId!, userPrincipalName: bram.email! });
    // Graph throttles the first installation (Retry-After 1 s), and a fresh installation's chat takes a moment.
    graph.inject.push({
      match: (method, path) => method === 'POST' && path.includes('/teamwork/installedApps'),
      status: 429,
      retryAfterSeconds: 1,
    });
    graph.chatDelay = 1;

    await campaignFor(t, groupId);
    await tick(t);

    const chatOf = (p: Person) => graph.installations.get(p.entraObjectId!)?.chatId;
    expect(chatOf(anna)).toBeDefined();
    expect(chatOf(bram)).toBeDefined();
    expect(prompts(t, chatOf(anna)!)).toHaveLength(1);
    expect(prompts(t, chatOf(bram)!)).toHaveLength(1);
    // Every Graph call carried the app's token for the school's tenant.
    expect(new Set(graph.requests.map((r) => r.authorization))).toEqual(new Set([`Bearer graph-token-for-${tenantId}`]));
    // The throttled installation was tried again after Retry-After, not before.
    const posts = graph.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(3);
    const [throttled, retried] = posts.filter((r) => r.path === posts[0]!.path);
    expect(retried!.at - throttled!.at).toBeGreaterThanOrEqual(990);
    // The catalog id is looked up once per tenant.
    expect(graph.count('GET', '/appCatalogs/teamsApps')).toBe(1);

    // The ledger says the school installed the app for them; their conversations are kept.
    const engine = await engineOf(t);
    for (const p of [anna, bram]) {
      const [d] = await engine.camp.deliveries.find(tenantId, { studentId: p.id });
      expect(d).toMatchObject({ state: 'sent', installedBySchool: true, message: { conversationId: chatOf(p) } });
      expect(await t.bot.repos.conversations.personal(tenantId, p.id)).toMatchObject({
        conversationId: chatOf(p),
        installed: true,
        installedBy: 'school',
      });
    }
    const [opened] = (await engine.camp.deliveries.find(tenantId, {})).filter(
      (d) => d.studentId !== anna.id && d.studentId !== bram.id,
    );
    expect(opened).toMatchObject({ state: 'sent' });
    expect(opened?.installedBySchool).toBeUndefined();

    // The next run installs nothing again.
    const installs = graph.count('POST', '/teamwork/installedApps');
    clock.advance(3_600_000);
    await tick(t);
    expect(graph.count('POST', '/teamwork/installedApps')).toBe(installs);
  });

  it('reports students without a Teams licence or blocked by the app policy precisely, and leaves those who removed the app alone', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const { t, graph } = await world(clock);
    const { groupId } = await classWith(t, '3C', 1);
    const noLicence = await imported(t, groupId, 'sem', 'Sem Jansen', '22222222-bbbb-4bbb-8bbb-000000000001');
    const blocked = await imported(t, groupId, 'lotte', 'Lotte Visser', '22222222-bbbb-4bbb-8bbb-000000000002');
    const unknown = await imported(t, groupId, 'finn', 'Finn Smit', '22222222-bbbb-4bbb-8bbb-000000000003');
    const already = await imported(t, groupId, 'noor', 'Noor de Boer', '22222222-bbbb-4bbb-8bbb-000000000004');
    const removed = await imported(t, groupId, 'daan', 'Daan Mulder', '22222222-bbbb-4bbb-8bbb-000000000005');
    graph.addUser({ id: noLicence.entraObjectId!, userPrincipalName: noLicence.email!, licensed: false });
    graph.addUser({ id: blocked.entraObjectId!, userPrincipalName: blocked.email!, blocked: true });
    graph.addUser({ id: already.entraObjectId!, userPrincipalName: already.email! });
    graph.addUser({ id: removed.entraObjectId!, userPrincipalName: removed.email! });
    // An administrator installed the app for Noor earlier: Graph answers 409 and the bot uses that installation.
    graph.installations.set(already.entraObjectId!, {
      id: 'inst-admin',
      catalogId,
      chatId: `19:${already.entraObjectId}_admin@unq.gbl.spaces`,
      chatPendingFor: 0,
    });
    // Daan removed the app himself: his old conversation is kept as uninstalled.
    const now = clock.now().toISOString();
    await t.bot.repos.conversations.save({
      schoolId: tenantId,
      kind: 'personal',
      tenantId,
      conversationId: 'a:daan-old',
      serviceUrl: t.connector.url,
      botId: 'bot',
      personId: removed.id,
      installed: false,
      uninstalledAt: now,
      updatedAt: now,
    });

    await campaignFor(t, groupId);
    await tick(t);

    const engine = await engineOf(t);
    const stateOf = async (p: Person) => (await engine.camp.deliveries.find(tenantId, { studentId: p.id }))[0];
    expect(await stateOf(noLicence)).toMatchObject({ state: 'unreachable', reason: 'no-licence' });
    expect(await stateOf(blocked)).toMatchObject({ state: 'unreachable', reason: 'app-blocked' });
    expect(await stateOf(unknown)).toMatchObject({ state: 'unreachable', reason: 'no-licence' });
    expect(await stateOf(already)).toMatchObject({
      state: 'sent',
      message: { conversationId: `19:${already.entraObjectId}_admin@unq.gbl.spaces` },
    });
    expect((await stateOf(already))?.installedBySchool).toBeUndefined();
    expect(await stateOf(removed)).toMatchObject({ state: 'unreachable', reason: 'no-conversation' });
    expect(graph.requests.some((r) => r.path.includes(removed.entraObjectId!))).toBe(false);

    // The coordinator reads the reasons in both languages.
    const campaign = (await engine.camp.campaigns.list(tenantId))[0]!;
    const reasons = new Map((await engine.service.status(campaign)).unreachableStudents.map((u) => [u.name, u.reason]));
    expect(reasons.get('Sem Jansen')).toBe('no-licence');
    expect(reasons.get('Lotte Visser')).toBe('app-blocked');
    expect(reasonText('nl', 'no-licence')).toMatch(/Teams-licentie/);
    expect(reasonText('en', 'app-blocked')).toMatch(/policy/);
  });

  it('install --group installs the app for the class ahead of a campaign, and says who cannot get it', async () => {
    const clock = new ManualClock('2026-11-25T13:00:00Z');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-install-cli-'));
    const { t, graph } = await world(clock, dir);
    const { groupId } = await classWith(t, '4A', 1);
    const eva = await imported(t, groupId, 'eva', 'Eva Peters', '33333333-cccc-4ccc-8ccc-000000000001');
    const tim = await imported(t, groupId, 'tim', 'Tim Hendriks', '33333333-cccc-4ccc-8ccc-000000000002');
    graph.addUser({ id: eva.entraObjectId!, userPrincipalName: eva.email! });
    graph.addUser({ id: tim.entraObjectId!, userPrincipalName: tim.email!, blocked: true });

    const cli = cliOn(dir, { clock, graphToken, env: { TEAMS_APP_ID: teamsAppId, GRAPH_BASE_URL: graph.url } });
    expect(await cli.run('install', '--group', '4A')).toBe(2);
    expect(cli.out).toContain('Tim Hendriks <tim@school.nl>: app-blocked');
    expect(cli.out.at(-1)).toMatch(/^4A: 1 installed now, 1 could be reached already, 1 cannot get the app/);
    // Without TEAMS_APP_ID the command says what is missing.
    const plain = cliOn(dir, { clock });
    expect(await plain.run('install', '--group', '4A')).toBe(1);
    expect(plain.err.join('\n')).toMatch(/TEAMS_APP_ID/);
    expect(graph.installations.has(eva.entraObjectId!)).toBe(true);
    expect(await t.bot.repos.conversations.personal(tenantId, eva.id)).toMatchObject({ installed: true, installedBy: 'school' });
    // Nothing was sent to anyone.
    expect(t.connector.cardsIn(graph.installations.get(eva.entraObjectId!)!.chatId)).toHaveLength(0);
  });
});
