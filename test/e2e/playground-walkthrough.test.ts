import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app.ts';
import { runCli } from '../../src/cli/main.ts';
import { loadConfig } from '../../src/config.ts';
import { createLogger } from '../../src/log.ts';
import { SqliteStore } from '../../src/store/sqlite/sqlite-store.ts';
import { cardText, Playground } from '../helpers/playground.ts';

// The README's walk-through, automated: a student in one Playground, their mentor in another, one bot,
// the mentor assigned with the CLI, and the bot restarted in between.

let dir: string;
let bot: RunningBot;
let store: SqliteStore;
let student: Playground;
let mentor: Playground;

const env = () => ({ DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', ROUTER_SWEEP_SECONDS: '1' });

async function boot(port = '0') {
  store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const config = loadConfig({ ...env(), PORT: port });
  bot = await startBot({ config, log: createLogger('warn'), store });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-walk-'));
  await boot();
  const endpoint = `${bot.url}/api/messages`;
  [student, mentor] = await Promise.all([
    Playground.start('scripts/playground/student.yml', endpoint),
    Playground.start('scripts/playground/mentor.yml', endpoint),
  ]);
});

afterAll(async () => {
  await Promise.all([student?.stop(), mentor?.stop()]);
  await bot?.stop();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('walks a student and a mentor through the loop in the Playground', async () => {
  await student.installPersonal();
  const welcome = await student.waitForMessage((m) => cardText(m.card).includes('Welcome to LOB Reflectie'));
  expect(welcome.conversationId).toBe(student.config.personalChat.id);

  // The student starts a reflection from the welcome card's button: the card asks what to reflect on,
  // then how it felt (one tap), then the questions of that branch, all in the same card.
  const picker = await student.execute(welcome.messageId, 'reflection.start', {});
  expect(cardText(picker.value)).toContain('What do you want to reflect on?');
  const first = await student.execute(welcome.messageId, 'reflection.start', { flowId: 'free' });
  expect(cardText(first.value)).toContain('How did it feel?');
  const feel = JSON.stringify(first.value).match(/"reflectionId":"([^"]+)","emotion":"great"/);
  const reflectionId = feel?.[1];
  expect(reflectionId).toBeDefined();
  const questions = await student.execute(welcome.messageId, 'reflection.feel', { reflectionId, emotion: 'great' });
  expect(cardText(questions.value)).toContain('What did you do well at that moment?');
  const response = await student.execute(welcome.messageId, 'reflection.submit', {
    reflectionId,
    feeling: 'great',
    happened: 'I explained the cash register to a new colleague.',
    'good-at': 'Explaining calmly.',
    'next-step': 'Ask if I can do the closing shift once.',
  });
  expect(response.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(cardText(response.value)).toContain('Thank you, your reflection is saved!');
  expect(cardText(response.value)).toContain('do not have a mentor');

  // Restart the bot: the answer and the conversation references survive.
  const port = new URL(bot.url).port;
  await bot.stop();
  await store.close();
  await boot(port);

  // IT assigns the mentor with the CLI, on the same store.
  const out: string[] = [];
  const code = await runCli(
    ['assign-mentor', '--student', 'alexw@example.com', '--mentor', 'meganb@example.com'],
    { out: (l) => out.push(l), err: (l) => out.push(l) },
    env(),
  );
  expect(code).toBe(0);
  expect(out.join('\n')).toContain('meganb@example.com is now a mentor of alexw@example.com');

  // The mentor opens their own Playground (installs the app) and receives the student's card.
  await mentor.installPersonal();
  const card = await mentor.waitForMessage((m) => cardText(m.card).includes('New reflection from your student'), 15_000);
  expect(cardText(card.card)).toContain('Alex Wilber');
  expect(cardText(card.card)).toContain('I explained the cash register to a new colleague.');
  expect(cardText(card.card)).toContain('Career competencies:');
});
