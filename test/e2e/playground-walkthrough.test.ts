import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app.ts';
import { runCli } from '../../src/cli/main.ts';
import { isAllowed } from '../../src/core/send-policy/quiet-hours.ts';
import { addDays, localDate, zonedInstant } from '../../src/core/time/zoned-time.ts';
import type { Clock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { cardText, Playground, type PlaygroundMessage } from '../helpers/playground.ts';
import { schoolPolicy } from '../helpers/send-policy.ts';

// The README's walk-through, automated: a student in one Playground, their mentor in another, one bot,
// the mentor assigned with the CLI, the bot restarted in between, the digest triggered from the CLI.

/**
 * Real time, moved back to the last school day at 10:00 (Amsterdam) before now: the bot does not write to
 * students in the evening, at weekends or in school holidays, and this test must pass whenever it runs.
 */
class SchoolHoursClock implements Clock {
  private readonly offsetMs: number;
  constructor() {
    const now = Date.now();
    const tz = 'Europe/Amsterdam';
    const school = schoolPolicy();
    const today = localDate(new Date(now), tz);
    for (let back = 0; back < 60; back++) {
      const candidate = zonedInstant(addDays(today, -back), '10:00', tz);
      if (isAllowed(candidate, school, 'mentor-note') && candidate.getTime() < now - 3_600_000) {
        this.offsetMs = candidate.getTime() - now;
        return;
      }
    }
    throw new Error('no school day found');
  }
  now(): Date {
    return new Date(Date.now() + this.offsetMs);
  }
}

let dir: string;
let bot: RunningBot;
let store: SqliteStore;
let student: Playground;
let mentor: Playground;
const clock = new SchoolHoursClock();

const env = () => ({ DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn', ROUTER_SWEEP_SECONDS: '1' });

async function boot(port = '0') {
  store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const config = loadConfig({ ...env(), PORT: port });
  bot = await startBot({ config, log: createLogger('warn'), store, clock });
}

async function cli(...args: string[]): Promise<{ code: number; out: string }> {
  const out: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => out.push(l) }, env());
  return { code, out: out.join('\n') };
}

/**
 * Starts a reflection from a card button and answers it, as the card leads the student: the activity
 * (here the free flow), then the one-tap emotion, then the questions of that branch.
 */
async function reflect(pg: Playground, from: PlaygroundMessage, answers: Record<string, string>) {
  const first = await pg.execute(from.messageId, 'reflection.start', { flowId: 'free' });
  expect(cardText(first.value)).toContain('Think of one moment of what you experienced that stayed with you. How did it feel?');
  const reflectionId = JSON.stringify(first.value).match(/"reflectionId":"([^"]+)"/)?.[1];
  expect(reflectionId).toBeDefined();
  const questions = await pg.execute(from.messageId, 'reflection.feel', {
    reflectionId: reflectionId!,
    emotion: answers['feeling']!,
  });
  expect(cardText(questions.value)).toContain('What happened at that moment? Tell it in your own words.');
  return pg.execute(from.messageId, 'reflection.submit', { reflectionId: reflectionId!, ...answers });
}

function actions(card: unknown): { verb: string; data: Record<string, unknown> }[] {
  const out: { verb: string; data: Record<string, unknown> }[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o['type'] === 'Action.Execute') out.push({ verb: o['verb'] as string, data: o['data'] as Record<string, unknown> });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
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

  // The student reflects before having a mentor: the answer is kept.
  const first = await reflect(student, welcome, {
    feeling: 'great',
    happened: 'I explained the cash register to a new colleague.',
    'good-at': 'Explaining calmly.',
    'next-step': 'Ask if I can do the closing shift once.',
  });
  expect(first.type).toBe('application/vnd.microsoft.card.adaptive');
  expect(cardText(first.value)).toContain('Thank you, your reflection is saved!');
  expect(cardText(first.value)).toContain('do not have a mentor');

  // Restart the bot: the answer and the conversation references survive.
  const port = new URL(bot.url).port;
  await bot.stop();
  await store.close();
  await boot(port);

  // IT assigns the mentor with the CLI, on the same store; the mentor opens the app.
  const assigned = await cli('assign-mentor', '--student', 'alexw@example.com', '--mentor', 'meganb@example.com');
  expect(assigned.code).toBe(0);
  expect(assigned.out).toContain('meganb@example.com is now a mentor of alexw@example.com');
  await mentor.installPersonal();
  await mentor.waitForMessage((m) => cardText(m.card).includes('Welcome to LOB Reflectie'));

  // "I'd like to talk about this": the mentor gets it at once.
  const second = await reflect(student, welcome, {
    feeling: 'mixed',
    happened: 'A customer was angry and I did not know what to say.',
    'both-sides': 'I liked helping, but I did not know how to calm someone who is upset.',
    'next-step': 'Ask my supervisor how she handles that.',
    'wants-to-talk': 'true',
  });
  // ...and the student is told so, not only that the mentor will see it some time.
  expect(cardText(second.value)).toContain('Your mentor sees this right away, not only with the next overview.');
  const atOnce = await mentor.waitForMessage((m) => cardText(m.card).includes('New reflection from your student'), 15_000);
  expect(cardText(atOnce.card)).toContain('Alex Wilber');
  expect(cardText(atOnce.card)).toContain('A customer was angry and I did not know what to say.');
  expect(cardText(atOnce.card)).toContain('Asked to talk about this with you.');
  // The first answer did not come at once: it waits for the digest.
  expect(mentor.messages.some((m) => cardText(m.card).includes('cash register'))).toBe(false);

  // The digest, triggered from the CLI: both answers, Alex asked to talk.
  const run = await cli('digest', 'run', '--now');
  expect(run.code).toBe(0);
  expect(run.out).toContain('meganb@example.com: sent (1 student(s), 2 entries)');
  expect(run.out).not.toContain('cash register'); // the CLI never prints answers
  const digest = await mentor.waitForMessage((m) => cardText(m.card).includes('Your students: preparing'), 15_000);
  expect(cardText(digest.card)).toContain('I explained the cash register to a new colleague.');
  expect(cardText(digest.card)).toContain('Ask if I can do the closing shift once.');

  // The mentor marks it discussed...
  const discussed = actions(digest.card).find((a) => a.verb === 'mentor.discussed')!;
  const studentId = discussed.data['studentId'] as string;
  const today = localDate(clock.now(), 'Europe/Amsterdam');
  const afterDiscussed = await mentor.execute(digest.messageId, 'mentor.discussed', {
    ...discussed.data,
    [`date-${studentId}`]: today,
  });
  expect(cardText(afterDiscussed.value)).toContain('Recorded: you discussed this with Alex Wilber');

  // ...and sends a note, which the student receives in their chat.
  const note = actions(afterDiscussed.value).find((a) => a.verb === 'mentor.note')!;
  const afterNote = await mentor.execute(digest.messageId, 'mentor.note', {
    ...note.data,
    [`note-${studentId}`]: 'Well done explaining the register! Could you show the closing routine to someone too?',
  });
  expect(cardText(afterNote.value)).toContain('Your note was delivered to Alex Wilber.');
  const received = await student.waitForMessage((m) => cardText(m.card).includes('A note from your mentor'), 15_000);
  expect(cardText(received.card)).toContain('From Megan Bowen');
  expect(cardText(received.card)).toContain('Could you show the closing routine to someone too?');
});
