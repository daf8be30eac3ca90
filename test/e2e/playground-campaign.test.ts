import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app.ts';
import { runCli } from '../../src/cli/main.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { keepAliveTransport, type Transport } from '../../src/teams/connector.ts';
import { LoopbackConnector } from '../helpers/loopback-connector.ts';
import { cardText, Playground, type PlaygroundMessage } from '../helpers/playground.ts';

// The campaign "done when", automated in two real Playgrounds: a coordinator (Patti) creates a campaign
// for a shadow day that ended a minute ago and watches the status card fill; a student (Alex) gets the
// prompt and answers; non-responders get one reminder; the unreachable list shows who blocked the bot.
// The school was set up with the CLI and CSV imports. The bot reaches the Playgrounds' connectors
// through loopback connectors that forward everything, except that Isaiah has blocked the bot (403).

let dir: string;
let bot: RunningBot;
let store: SqliteStore;
let coordinator: Playground;
let student: Playground;
const loops = new Map<string, LoopbackConnector>();
// Wednesday 25 November 2026, 14:00 in Amsterdam.
const clock = new ManualClock('2026-11-25T13:00:00Z');

const env = () => ({ DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', ROUTER_SWEEP_SECONDS: '1' });

async function cli(...args: string[]) {
  const lines: string[] = [];
  const code = await runCli(args, { out: (l) => lines.push(l), err: (l) => lines.push(l) }, env(), { clock });
  return { code, text: lines.join('\n') };
}

/** Calls to a Playground's connector go through its loopback connector (which may fail them). */
const http = keepAliveTransport();
const routed: Transport = (request) => {
  const m = /^http:\/\/(?:127\.0\.0\.1|localhost):(\d+)\/_connector(\/.*)$/.exec(request.url.href);
  const loop = m ? loops.get(m[1]!) : undefined;
  return http(loop ? { ...request, url: new URL(`${loop.url}${m![2]}`) } : request);
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-campaign-pg-'));
  const file = (name: string, text: string) => {
    fs.writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };
  // IT sets the school up from the SIS exports.
  expect(
    (
      await cli(
        'role',
        'add',
        '--email',
        'pattif@example.com',
        '--role',
        'coordinator',
        '--name',
        'Patti Fernandez',
        '--school',
        '00000000-0000-0000-0000-0000000000001',
        '--create',
      )
    ).code,
  ).toBe(0);
  const students = file(
    'leerlingen.csv',
    'Roepnaam;Achternaam;E-mailadres;Klas\nAlex;Wilber;alexw@example.com;4H\nAdele;Vance;adelev@example.com;4H\nIsaiah;Langer;isaiahl@example.com;4H\nLynne;Robbins;lynner@example.com;4H\nNoah;de Boer;noah@example.com;4H\n',
  );
  expect((await cli('import', 'students', students)).text).toContain('5 students imported');
  expect(
    (await cli('import', 'mentors', file('mentoren.csv', 'Naam;E-mail;Klas\nMegan Bowen;meganb@example.com;4H\n'))).code,
  ).toBe(0);

  store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  bot = await startBot({ config: loadConfig(env()), log: createLogger('warn'), store, clock, transport: routed });
  const endpoint = `${bot.url}/api/messages`;
  [coordinator, student] = await Promise.all([
    Playground.start('scripts/playground/coordinator.yml', endpoint),
    Playground.start('scripts/playground/student.yml', endpoint),
  ]);
  for (const pg of [coordinator, student]) {
    const loop = await LoopbackConnector.start({ forwardTo: `${pg.base}/_connector` });
    loop.failWith = ({ userId }) => (userId === 'user-id-3' ? { status: 403, code: 'ConversationBlockedByUser' } : undefined);
    loops.set(String(pg.port), loop);
  }
});

afterAll(async () => {
  await Promise.all([coordinator?.stop(), student?.stop()]);
  await bot?.stop();
  await store?.close();
  for (const loop of loops.values()) await loop.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

/** What a status card currently says: the latest version of that message. */
function latest(pg: Playground, messageId: string): PlaygroundMessage | undefined {
  return pg.messages.filter((m) => m.messageId === messageId && m.card).at(-1);
}

async function until<T>(what: string, find: () => T | undefined | false, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const found = find();
    if (found) return found;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const prompts = () =>
  [...loops.values()]
    .flatMap((l) => l.recorded)
    .filter((r) => r.op === 'create' && JSON.stringify(r.activity).includes('"reflection.feel"'));

it('a coordinator runs a shadow-day campaign in the Playground: the status card fills, prompts arrive, one reminder, and who blocked the bot', async () => {
  // Everyone opens Teams; the coordinator adds the app to the class team, so the bot learns the students.
  await coordinator.installPersonal();
  await coordinator.waitForMessage((m) => cardText(m.card).includes('Welcome to LOB Reflectie'));
  await coordinator.installInTeam();
  await student.installPersonal();
  await student.waitForMessage((m) => cardText(m.card).includes('Welcome to LOB Reflectie'));
  // The Playground answers the installation before the bot has read the roster; wait until the bot knows
  // Isaiah's Teams account (he is the one the campaign must find blocked).
  const tenantId = coordinator.config.tenantId;
  for (const end = Date.now() + 30_000; ; ) {
    const isaiah = await bot.repos.people.findByEmail(tenantId, 'isaiahl@example.com');
    if (isaiah?.teamsUserId === 'user-id-3') break;
    if (Date.now() > end) throw new Error('timed out waiting for the team roster');
    await new Promise((r) => setTimeout(r, 50));
  }

  // "campaign" opens the templates; the shadow-day template opens the form.
  await coordinator.say('campaign');
  const templates = await coordinator.waitForMessage((m) => cardText(m.card).includes('After a shadow day'));
  const form = await coordinator.execute(templates.messageId, 'campaign.template', { template: 'shadow-day' });
  expect(cardText(form.value)).toContain('4H (5 students)');
  const create = ((form.value!['actions'] as { verb: string; data: Record<string, string> }[]) ?? []).find(
    (a) => a.verb === 'campaign.create',
  )!;
  const groupId = ((form.value!['body'] as { id?: string; choices?: { value: string }[] }[]).find((e) => e.id === 'groupId')
    ?.choices ?? [])[0]!.value;

  // The shadow day ended a minute ago (13:59); prompts right after the end, one reminder after 4 hours.
  const status = await coordinator.execute(templates.messageId, 'campaign.create', {
    ...create.data,
    name: 'Meeloopdag 4H',
    groupId,
    activityType: 'shadow-day',
    activityTitle: 'Meeloopdag hbo Verpleegkunde',
    date: '2026-11-25',
    startTime: '09:00',
    endTime: '13:59',
    offset: '0',
    flowId: 'free',
    reminder: '4x1',
    closeAfterDays: '7',
  });
  expect(cardText(status.value)).toContain('Meeloopdag 4H');
  expect(cardText(status.value)).toContain('Planned');

  // The status card updates in place while the campaign sends.
  const filled = await until('the status card to show every prompt processed', () => {
    const m = latest(coordinator, templates.messageId);
    return m?.action === 'updateMessage' && cardText(m.card).includes('100% processed') && m;
  });
  const text = cardText(filled.card);
  expect(text).toMatch(/3\nSent/);
  expect(text).toMatch(/2\nUnreachable/);
  expect(text).toContain('Not reached (2)');
  expect(text).toMatch(/Isaiah Langer\n — blocked the app/);
  expect(text).toMatch(/Noah de Boer\n — never opened the app/);

  // Alex's prompt arrives in his chat; he answers it.
  const prompt = await student.waitForMessage((m) => cardText(m.card).includes('Meeloopdag hbo Verpleegkunde'));
  expect(cardText(prompt.card)).toContain('How did it feel?');
  // One tap on a face, then the questions of that branch, in the same card.
  const reflectionId = JSON.stringify(prompt.card).match(/"reflectionId":"([^"]+)"/)?.[1];
  expect(reflectionId).toBeDefined();
  await student.execute(prompt.messageId, 'reflection.feel', { reflectionId: reflectionId!, emotion: 'good' });
  const summary = await student.execute(prompt.messageId, 'reflection.submit', {
    reflectionId: reflectionId!,
    feeling: 'good',
    happened: 'I followed a nurse in the emergency room.',
    'good-at': 'Staying calm and asking questions.',
    'next-step': 'Sign up for the open day.',
  });
  expect(cardText(summary.value)).toContain('Thank you, your reflection is saved!');
  expect(
    prompts()
      .map((p) => p.conversationId)
      .sort(),
  ).toHaveLength(3);

  // Four hours later: one reminder for the two who did not answer, none for Alex, none for the blocked.
  clock.advance(4 * 3_600_000 + 60_000);
  const reminded = await until('the status card to show the reminders', () => {
    const m = latest(coordinator, templates.messageId);
    return m && /2\nReminded/.test(cardText(m.card)) && m;
  });
  expect(cardText(reminded.card)).toMatch(/1\nAnswered/);
  await new Promise((r) => setTimeout(r, 2500)); // a few more scheduler ticks: nothing more goes out
  const all = prompts();
  expect(all).toHaveLength(5);
  // Adele and Lynne never opened the app, so they get the school's language (Dutch).
  expect(all.filter((p) => cardText(p.activity).includes('Herinnering'))).toHaveLength(2);
  const alexChat = student.config.personalChat.id;
  expect(all.filter((p) => p.conversationId === alexChat)).toHaveLength(1);
  expect(student.messages.filter((m) => cardText(m.card).includes('Reminder'))).toHaveLength(0);
}, 90_000);
