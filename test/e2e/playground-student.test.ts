import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app.ts';
import { runCli } from '../../src/cli/main.ts';
import type { Flow } from '../../src/core/flows/flows.ts';
import { answerQuestions, questionText } from '../../src/core/flows/flows.ts';
import { levelsOf, sectors } from '../../src/core/types.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { cardActions, cardText, Playground } from '../helpers/playground.ts';

// The student's side in the Agents Playground, as Alex Wilber would use it: every flow of the library
// started, answered and ending in a summary (the emotion branch visible), then `my reflections`,
// `pause` / `resume`, `taal`, `export` and the follow-up a few days later.

let dir: string;
let bot: RunningBot;
let store: SqliteStore;
let pg: Playground;
// Monday 9 March 2026, 10:00 in Amsterdam.
const clock = new ManualClock('2026-03-09T09:00:00.000Z');
// A script clicks far faster than a student: the per-user rate limit is raised for it.
const env = () => ({
  DEV_ALLOW_UNAUTHENTICATED: 'true',
  DATA_DIR: dir,
  PORT: '0',
  LOG_LEVEL: 'warn',
  RATE_LIMIT_PER_MINUTE: '1000',
  RATE_LIMIT_BURST: '1000',
});

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-student-'));
  store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  bot = await startBot({ config: loadConfig(env()), log: createLogger('warn'), store, clock, scheduler: false });
  pg = await Playground.start('scripts/playground/student.yml', `${bot.url}/api/messages`);
});

afterAll(async () => {
  await pg?.stop();
  await bot?.stop();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

type Card = Record<string, unknown>;
const executes = (card: unknown) => cardActions(card).filter((a) => a.type === 'Action.Execute');

/** The student types; resolves with the next card the bot posts. */
async function say(text: string, expectText: string): Promise<{ messageId: string; card: Card }> {
  const from = pg.messages.length;
  await pg.say(text);
  const m = await pg.waitForMessage(
    (x) => pg.messages.indexOf(x) >= from && x.action === 'createMessage' && cardText(x.card).includes(expectText),
  );
  return { messageId: m.messageId, card: m.card! };
}

async function press(messageId: string, verb: string, data: Record<string, unknown>): Promise<Card> {
  const res = await pg.execute(messageId, verb, data);
  expect(res.type).toBe('application/vnd.microsoft.card.adaptive');
  return res.value as Card;
}

/** Own words for every text question on the card's branch, and one starter where there are some. */
function answersFor(flow: Flow, emotion: 'great' | 'bad'): Record<string, string> {
  const values: Record<string, string> = { feeling: emotion };
  for (const q of answerQuestions(flow, emotion)) {
    // The kernwoord is one or two words (at most 40 characters).
    values[q.id] = q.role === 'kernwoord' ? 'teamwork' : `My answer to ${q.id} in ${flow.id}.`;
    if (q.options) values[`${q.id}.choices`] = q.options[0]!.id;
  }
  return values;
}

it('takes a student through every flow, the overview, pause, language, export and the follow-up', async () => {
  await pg.installPersonal();
  await pg.waitForMessage((m) => cardText(m.card).includes('Welcome to LOB Reflectie'));

  // Every flow in the library, sector by sector and level by level (a coordinator sets the school's
  // sector and level with the CLI; some flows are for one level only).
  const done = new Set<string>();
  let count = 0;
  for (const [sector, level] of sectors.flatMap((s) => levelsOf(s).map((l) => [s, l] as const))) {
    const io = { out: () => {}, err: (l: string) => console.error(l) };
    expect(await runCli(['sector', 'set', sector], io, env())).toBe(0);
    expect(await runCli(['level', 'set', level], io, env())).toBe(0);
    for (const flow of bot.deps.flows.forSector(sector, level)) {
      if (done.has(flow.id)) continue;
      done.add(flow.id);
      const picker = await say('reflect', 'What do you want to reflect on?');
      expect(cardText(picker.card)).toContain(flow.title.en);
      const first = await press(picker.messageId, 'reflection.start', { flowId: flow.id });
      // A question with variants shows the wording of the week the reflection starts in.
      const asked = (q: Flow['questions'][number]) => questionText(q, 'en', clock.now().toISOString());
      expect(cardText(first)).toContain(asked(flow.questions[0]!));
      const reflectionId = executes(first).find((a) => a.verb === 'reflection.feel')!.data['reflectionId'] as string;
      const emotion = count++ % 2 === 0 ? 'great' : 'bad';
      const step = await press(picker.messageId, 'reflection.feel', { reflectionId, emotion });
      // The branch shows: qualities after a positive moment, motives after a negative one.
      const reflect = answerQuestions(flow, emotion).find((q) => q.phase === 'reflect')!;
      expect(reflect.competencies).toContain(emotion === 'great' ? 'qualities' : 'motives');
      expect(cardText(step)).toContain(asked(reflect));
      const other = answerQuestions(flow, emotion === 'great' ? 'bad' : 'great').find((q) => q.phase === 'reflect')!;
      expect(cardText(step)).not.toContain(asked(other));
      const summary = await press(picker.messageId, 'reflection.submit', { reflectionId, ...answersFor(flow, emotion) });
      expect(cardText(summary), flow.id).toContain('Thank you, your reflection is saved!');
      expect(cardText(summary)).toContain(`My answer to happened in ${flow.id}.`);
    }
  }
  expect(done.size).toBe(bot.deps.flows.all().length);

  const overview = await say('my reflections', 'My reflections');
  expect(cardText(overview.card)).toContain('What you have worked on');
  // Students read the competencies in plain words.
  expect(cardText(overview.card)).toMatch(/who can help me[\s\S]*times, since/);
  const older = executes(overview.card).find((a) => a.verb === 'overview.show')!;
  expect(cardText(await press(overview.messageId, 'overview.show', older.data))).toContain('Page 2 of');

  const pause = await say('pause', 'Until which date (included)?');
  expect(cardText(await press(pause.messageId, 'pause.set', { days: 7, until: '2026-03-15' }))).toContain(
    'Paused until 15 March 2026',
  );
  expect(cardText((await say('resume', 'Welcome back')).card)).toContain('You will get questions again');

  const language = await say('taal', 'Which language shall I use?');
  expect(cardText(await press(language.messageId, 'language.set', { locale: 'nl' }))).toContain('Vanaf nu praat ik Nederlands');
  expect(cardText((await say('help', 'Dit kun je typen')).card)).toContain('mijn reflecties');
  await say('language english', 'From now on I will speak English');

  const exported = await say('export', 'Your dossier');
  const url = (JSON.stringify(exported.card).match(/"url":"([^"]+)"/) ?? [])[1]!;
  const res = await fetch(url);
  expect(res.status).toBe(200);
  const md = await res.text();
  expect(md).toContain('# My career guidance dossier');
  // An entry per flow, after the thread by kernwoord (every flow was answered with "teamwork").
  expect(md.match(/^## /gm)).toHaveLength(done.size + 1);
  expect(md).toContain(`## My common thread`);
  expect(md).toContain(`### teamwork (${done.size} times)`);
  expect(md).toContain('**What I discovered**');
  expect((await fetch(url)).status).toBe(410);

  // A week later, on a weekday at 10:00: a follow-up on one of the next steps.
  clock.set('2026-03-16T09:00:00.000Z');
  const from = pg.messages.length;
  const outcome = await bot.deps.jobs.runNow('reflection.follow-up');
  // One follow-up a day, not one per reflection at once.
  expect(outcome).toMatchObject({ status: 'ran', result: { sent: 1, waiting: done.size - 1 } });
  const followUp = await pg.waitForMessage(
    (m) => pg.messages.indexOf(m) >= from && cardText(m.card).includes('How did your step go?'),
  );
  const answer = executes(followUp.card).find((a) => a.data['outcome'] === 'done')!;
  const answered = await press(followUp.messageId, 'follow-up.answer', answer.data);
  expect(cardText(answered)).toContain('Well done!');
  expect(executes(answered).some((a) => a.verb === 'reflection.start')).toBe(true);
});
