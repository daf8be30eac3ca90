import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type RunningBot, startBot } from '../../src/app.ts';
import { runCli } from '../../src/cli/main.ts';
import { assignMentor } from '../../src/core/assignments.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { loadConfig } from '../../src/platform/config.ts';
import { createLogger } from '../../src/platform/log.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { InMemoryCampaignLedger, InMemoryFollowUp } from '../helpers/evidence-ledger.ts';
import { cardText, Playground } from '../helpers/playground.ts';
import { at, submittedReflection } from '../helpers/quality-cycle.ts';

// docs/quality-cycle.md's walk-through, automated in the Agents Playground: Alex Wilber is team leader of Klas 4H
// (set up with the CLI), links the team's channel, the reminder job posts the milestone due soon in the
// channel, Alex marks it done there with a note and the channel card updates in place; `pdca` shows the
// status and the Check evidence card shows the numbers, the campaign side from the in-memory ledger that
// stands in for the campaign engine until it is wired in.

let dir: string;
let bot: RunningBot;
let store: SqliteStore;
let pg: Playground;
const clock = new ManualClock(at('2026-09-16', 9));
const ledger = new InMemoryCampaignLedger();
const followUp = new InMemoryFollowUp();

/** The machine is shared: give the Playground (its own process) time. */
const wait = 30_000;

const env = () => ({ DEV_ALLOW_UNAUTHENTICATED: 'true', DATA_DIR: dir, PORT: '0', LOG_LEVEL: 'warn' });

async function until(what: string, check: () => Promise<unknown>): Promise<void> {
  const end = Date.now() + wait;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function cli(...args: string[]): Promise<string> {
  const out: string[] = [];
  const code = await runCli(args, { out: (l) => out.push(l), err: (l) => out.push(l) }, env());
  expect(code, out.join('\n')).toBe(0);
  return out.join('\n');
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-pdca-walk-'));
  store = SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  bot = await startBot({
    config: loadConfig(env()),
    log: createLogger(process.env['TEST_LOG_LEVEL'] ?? 'warn'),
    store,
    clock,
    scheduler: false,
    evidence: { campaigns: ledger, followUp, groups: ledger.groupsOf },
  });
  pg = await Playground.start('scripts/playground/student.yml', `${bot.url}/api/messages`);
});

afterAll(async () => {
  await pg?.stop();
  await bot?.stop();
  await store?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

it('reminds a team channel, takes the owner’s note, updates the card, and shows the status and the Check evidence', async () => {
  const team = pg.config.teams[0]!;
  const channel = team.id;
  await pg.installPersonal();
  await pg.waitForMessage((m) => cardText(m.card).includes('Welcome to LOB Reflectie'), wait);
  await pg.installInTeam();
  // The Playground answers the installation before the bot has handled it; in Teams a channel message
  // cannot overtake the app's installation, so wait until the bot knows the team.
  await until('the team installation', async () => (await bot.repos.conversations.team(pg.config.tenantId, channel))?.installed);

  // The coordinator sets up the team with the CLI (Alex leads it, Megan mentors in it).
  await cli('role', 'add', '--email', 'alexw@example.com', '--role', 'team-leader');
  await cli('role', 'add', '--email', 'meganb@example.com', '--role', 'mentor');
  await cli(
    'pdca',
    'team',
    'add',
    '--id',
    'klas-4h',
    '--name',
    'Klas 4H',
    '--leader',
    'alexw@example.com',
    '--mentors',
    'meganb@example.com',
  );

  // Alex links the team's channel from inside it.
  await pg.sayInChannel('pdca koppel klas-4h');
  await pg.waitForMessage(
    (m) => m.conversationId.startsWith(`${channel};messageid=`) && cardText(m.card).includes('Linked'),
    wait,
  );

  // 16 September, 09:00: the reminder job posts "every student has a fixed mentor" (due 30 September).
  const run = await bot.deps.jobs.runNow('quality-cycle.reminders');
  expect(run.status).toBe('ran');
  const post = await pg.waitForMessage(
    (m) => m.conversationId === channel && m.action === 'createMessage' && cardText(m.card).includes('vaste mentor'),
    wait,
  );
  expect(cardText(post.card)).toContain('Herinnering');
  expect(cardText(post.card)).toContain('30 september 2026');
  expect(cardText(post.card)).toContain('teamleider (Alex Wilber)');
  // Alex, the owner, also got it in his own chat (in his language).
  await pg.waitForMessage(
    (m) => m.conversationId === pg.config.personalChat.id && cardText(m.card).includes('You own this milestone'),
    wait,
  );

  // Alex marks it done on the channel card, with a note.
  const done = (post.card!['body'] as unknown[]).flatMap(function find(n: unknown): Record<string, unknown>[] {
    if (!n || typeof n !== 'object') return [];
    const o = n as Record<string, unknown>;
    if (o['verb'] === 'pdca.done') return [o['data'] as Record<string, unknown>];
    return Object.values(o).flatMap((v) => (Array.isArray(v) ? v.flatMap(find) : find(v)));
  })[0]!;
  const note = 'All students of Klas 4H have a fixed mentor (checked in the team meeting).';
  const response = await pg.execute(post.messageId, 'pdca.done', { ...done, note, link: '' }, channel);
  expect(cardText(response.value)).toContain('Done. The card in the channel has been updated.');
  const updated = await pg.waitForMessage((m) => m.action === 'updateMessage' && m.messageId === post.messageId, wait);
  expect(updated.conversationId).toBe(channel);
  expect(cardText(updated.card)).toContain('Afgerond door Alex Wilber op 16 september 2026.');
  expect(cardText(updated.card)).toContain(note);
  expect(cardText(updated.card)).not.toContain('Afronden');

  // Figures for the Check evidence: six students of class 4H (linked to this Teams team) with reflections
  // in the store, and the campaign ledger's deliveries for them.
  const students: string[] = [];
  for (let i = 0; i < 6; i++) {
    const r = await assignMentor(bot.deps.install, pg.config.tenantId, {
      studentEmail: `leerling${i}@example.com`,
      mentorEmail: 'meganb@example.com',
    });
    if (!r.ok) throw new Error('assign');
    students.push(r.student.id);
    await bot.repos.reflections.create(
      submittedReflection({
        id: `walk-r${i}`,
        schoolId: pg.config.tenantId,
        studentId: r.student.id,
        at: '2026-09-09T12:00:00Z',
        competencies: i < 3 ? ['qualities', 'work-exploration'] : ['work-exploration'],
        answer: 'private',
      }),
    );
  }
  ledger.groups = [{ id: 'klas-4h', name: '4H', teamsTeamId: channel, studentIds: students }];
  ledger.activities = [{ id: 'snuffelstage', type: 'internship', date: '2026-09-08', groupIds: ['klas-4h'] }];
  ledger.deliveries = students.flatMap((studentId, i) => [
    {
      id: `a${i}`,
      activityId: 'snuffelstage',
      studentId,
      state: 'answered' as const,
      sentAt: '2026-09-08T14:00:00Z',
      reminders: i < 2 ? 1 : 0,
      answeredAt: '2026-09-09T12:00:00Z',
    },
    {
      id: `b${i}`,
      activityId: 'snuffelstage',
      studentId,
      state: i < 3 ? ('answered' as const) : ('closed' as const),
      sentAt: '2026-09-10T14:00:00Z',
      reminders: i >= 3 ? 1 : 0,
    },
  ]);
  followUp.rows = students.map((studentId, i) => ({
    reflectionId: `walk-r${i}`,
    studentId,
    submittedAt: '2026-09-09T12:00:00Z',
    reachedMentor: true,
    discussed: i < 4,
  }));

  // `pdca` in his chat: the status at a glance.
  await pg.say('pdca');
  const status = await pg.waitForMessage((m) => cardText(m.card).includes('LOB quality cycle 2026–2027'), wait);
  const statusText = cardText(status.card);
  expect(statusText).toContain('Klas 4H');
  expect(statusText).toContain('Linked to the Teams team: ');
  // Do: the fixed mentor is done; the first-half activities and the agreements with the workplace
  // supervisors (31 October) come later.
  expect(statusText).toContain('1 done · 0 due soon · 0 overdue · 2 later');
  expect(statusText).toContain('0 done · 0 due soon · 1 overdue · 0 later'); // Plan: the work plan is overdue

  // The Check evidence card, from the status card's button.
  const evidence = await pg.execute(status.messageId, 'pdca.evidence', { teamId: 'klas-4h' });
  const text = cardText(evidence.value);
  expect(text).toContain('Students in the team: 6');
  expect(text).toContain('Internship'); // the activity type, named by its flow's title
  expect(text).toContain('12 sent · 9 answered (75%) · reminder needed for 5 (42%)');
  expect(text).toContain('6 reflections reached a mentor · 4 discussed (67%) · 0 with a note (0%)');
  expect(text).toContain('0 of 6 (0%)');
  expect(JSON.stringify(evidence.value)).toContain('"title":"reflecting on qualities","value":"50%"');
  expect(JSON.stringify(evidence.value)).toContain('"title":"work exploration","value":"100%"');
  expect(text).not.toContain('private');
}, 120_000);
