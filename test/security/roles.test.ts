import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../src/core/assignments.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { type TestUser, tenantId, testUser } from '../helpers/activities.ts';
import { startTestBot, type TestBot } from '../helpers/test-bot.ts';

// Roles from the store (imports, CLI) and from Entra groups (through a Graph stand-in on loopback), as the
// running bot applies them to commands, card actions and the router.

const studentGroup = '0f1e2d3c-4b5a-4968-8776-a5b4c3d2e1f0';

class GraphStandIn {
  members = new Set<string>();
  failWith: number | undefined;
  requests: { path: string; authorization: string | undefined; groupIds: string[] }[] = [];
  private server!: http.Server;
  url = '';
  static async start(): Promise<GraphStandIn> {
    const g = new GraphStandIn();
    g.server = http.createServer((req, res) => {
      let raw = '';
      req.on('data', (c) => {
        raw += c;
      });
      req.on('end', () => {
        const match = /^\/v1\.0\/users\/([^/]+)\/checkMemberGroups$/.exec(req.url ?? '');
        const groupIds = (JSON.parse(raw || '{}') as { groupIds?: string[] }).groupIds ?? [];
        g.requests.push({ path: req.url ?? '', authorization: req.headers.authorization, groupIds });
        res.setHeader('content-type', 'application/json');
        if (g.failWith) {
          res.statusCode = g.failWith;
          res.end('{"error":{"code":"injected"}}');
          return;
        }
        if (req.method !== 'POST' || !match) {
          res.statusCode = 404;
          res.end('{}');
          return;
        }
        const user = decodeURIComponent(match[1]!);
        res.end(JSON.stringify({ value: g.members.has(user) ? groupIds.filter((id) => id === studentGroup) : [] }));
      });
    });
    await new Promise<void>((r) => g.server.listen(0, '127.0.0.1', r));
    g.url = `http://127.0.0.1:${(g.server.address() as AddressInfo).port}`;
    return g;
  }
  async close() {
    this.server.closeAllConnections();
    await new Promise<void>((r) => this.server.close(() => r()));
  }
}

function cardTexts(t: TestBot, user: TestUser): string[] {
  return t.connector.cardsIn(user.conversationId).map((c) => JSON.stringify(c));
}

async function install(t: TestBot, user: TestUser) {
  t.join(user);
  expect((await t.send('personal-installation-add', user)).status).toBe(200);
}

/** A mentor who came in through an import (role mentor only) and then opened the app. */
async function importedMentor(t: TestBot) {
  const student = testUser('Sanne', 'sanne@school.nl');
  const mentor = testUser('Jansen', 'jansen@school.nl');
  await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
  await install(t, mentor);
  const jansen = await t.bot.repos.people.findByEmail(tenantId, mentor.email);
  expect(jansen?.roles).toEqual(['mentor']);
  return { student, mentor, jansen };
}

describe('role group settings', () => {
  it('take comma-separated Entra group ids per role and name a bad one', () => {
    const dev = { DEV_ALLOW_UNAUTHENTICATED: 'true' };
    const upper = studentGroup.toUpperCase();
    const c = loadConfig({ ...dev, ROLE_GROUPS_STUDENT: ` ${upper} , ${studentGroup}`, ROLE_GROUPS_TEAM_LEADER: '' });
    expect(c.roleGroups).toEqual({ student: [studentGroup, studentGroup] });
    expect(loadConfig(dev).roleGroups).toEqual({});
    expect(() => loadConfig({ ...dev, ROLE_GROUPS_ADMIN: 'admins' })).toThrow(/^Configuration error: ROLE_GROUPS_ADMIN .*GUIDs/);
  });
});

describe('roles', () => {
  let t: TestBot | undefined;
  let graph: GraphStandIn | undefined;
  afterEach(async () => {
    await t?.stop();
    await graph?.close();
    t = undefined;
    graph = undefined;
  });

  it('lets only students start a reflection: a mentor gets the help card and nothing is stored', async () => {
    t = await startTestBot();
    const { mentor, jansen } = await importedMentor(t);
    await t.send('personal-message', mentor, { text: 'reflecteer free' });
    expect(cardTexts(t, mentor).at(-1)).toContain('Dat begreep ik niet');
    const start = await t.send('card-action-execute', mentor, { verb: 'reflection.start', data: {}, replyToId: 'a' });
    expect(JSON.stringify(start.body)).toContain('ken ik niet');
    expect(await t.bot.repos.reflections.listByStudent(jansen!.id)).toHaveLength(0);
  });

  it("refuses a mentor who submits their student's reflection card, and sends no card to a mentor whose role was taken away", async () => {
    t = await startTestBot();
    const student = testUser('Sanne', 'sanne@school.nl');
    const mentor = testUser('Jansen', 'jansen@school.nl');
    await install(t, student);
    await install(t, mentor);
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    await t.send('personal-message', student, { text: 'reflecteer free' });
    const sanneFirst = await t.bot.repos.people.findByEmail(tenantId, student.email);
    const [opened] = await t.bot.repos.reflections.listByStudent(sanneFirst!.id);
    const reflectionId = opened!.id;
    const answer = {
      feeling: 'good',
      happened: 'Ik hielp een klant.',
      'good-at': 'Rustig blijven.',
      'next-step': 'Meer vragen stellen.',
    };

    // The mentor (also a student, since everyone who installs starts as one) submits the forwarded card.
    const forged = await t.send('card-action-execute', mentor, {
      verb: 'reflection.submit',
      data: { reflectionId, ...answer },
      replyToId: 'a',
    });
    expect(JSON.stringify(forged.body)).toContain('hoort bij iemand anders');
    const sanne = await t.bot.repos.people.findByEmail(tenantId, student.email);
    expect((await t.bot.repos.reflections.get(sanne!.id, reflectionId))?.status).toBe('open');

    // Jansen loses the mentor role (assignment still active): the answer is stored but not sent to him.
    const jansen = await t.bot.repos.people.findByEmail(tenantId, mentor.email);
    await t.bot.repos.people.update(tenantId, jansen!.id, (p) => ({ ...p, roles: p.roles.filter((r) => r !== 'mentor') }));
    const before = t.connector.cardsIn(mentor.conversationId).length;
    const saved = await t.send('card-action-execute', student, {
      verb: 'reflection.submit',
      data: { reflectionId, ...answer },
      replyToId: 'a',
    });
    expect(saved.status).toBe(200);
    expect((await t.bot.repos.reflections.get(sanne!.id, reflectionId))?.status).toBe('submitted');
    expect(t.connector.cardsIn(mentor.conversationId)).toHaveLength(before);
  });

  it('grants a role through an Entra group, checked with Graph, cached, and never granted when Graph fails', async () => {
    graph = await GraphStandIn.start();
    const clock = new ManualClock(new Date());
    t = await startTestBot({
      clock,
      env: { ROLE_GROUPS_STUDENT: studentGroup, GRAPH_BASE_URL: graph.url, ROLE_GROUP_CACHE_SECONDS: '300' },
      graphToken: async (tenant) => `graph-token-for-${tenant}`,
    });
    const { mentor, jansen } = await importedMentor(t);
    const reflections = async () => (await t!.bot.repos.reflections.listByStudent(jansen!.id)).length;

    // In the group: Jansen may reflect as a student too (e.g. a trainee teacher).
    graph.members.add(mentor.aadObjectId);
    clock.advance(301_000);
    await t.send('personal-message', mentor, { text: 'reflecteer free' });
    expect(await reflections()).toBe(1);
    const asked = graph.requests.at(-1)!;
    expect(asked.path).toBe(`/v1.0/users/${mentor.aadObjectId}/checkMemberGroups`);
    expect(asked.authorization).toBe(`Bearer graph-token-for-${tenantId}`);
    expect(asked.groupIds).toEqual([studentGroup]);
    // The group role is not written to the store.
    expect((await t.bot.repos.people.get(tenantId, jansen!.id))?.roles).toEqual(['mentor']);

    // Taken out of the group: still allowed within the cache period, refused after it.
    graph.members.delete(mentor.aadObjectId);
    const calls = graph.requests.length;
    await t.send('personal-message', mentor, { text: 'reflecteer free' });
    expect(await reflections()).toBe(2);
    expect(graph.requests.length).toBe(calls);
    clock.advance(301_000);
    await t.send('personal-message', mentor, { text: 'reflecteer free' });
    expect(await reflections()).toBe(2);

    // Graph failing grants nothing extra, and the bot keeps answering.
    graph.members.add(mentor.aadObjectId);
    graph.failWith = 503;
    clock.advance(301_000);
    const res = await t.send('personal-message', mentor, { text: 'reflecteer free' });
    expect(res.status).toBe(200);
    expect(await reflections()).toBe(2);
    expect(t.logLines.some((l) => l.includes('could not check group membership'))).toBe(true);
  });
});
