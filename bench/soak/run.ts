import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openRepositories } from '../../src/core/repositories.ts';
import { openCalendars } from '../../src/core/send-policy/calendar-repository.ts';
import { shippedHolidays } from '../../src/core/send-policy/load-holidays.ts';
import { sendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import { schoolYearOf } from '../../src/core/time/school-year.ts';
import { addDays, localDate, localTime, weekdayOf, zonedInstant } from '../../src/core/time/zoned-time.ts';
import { openCampaignRepositories } from '../../src/modules/campaigns/repositories.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import type { DocumentStore } from '../../src/platform/store/document-store.ts';
import { SqliteStore } from '../../src/platform/store/sqlite/sqlite-store.ts';
import { tenantId } from '../../test/helpers/activities.ts';
import { openEmulatedCosmosStore, startCosmosEmulator } from '../../test/helpers/cosmos-emulator.ts';
import { LoopbackConnector } from '../../test/helpers/loopback-connector.ts';
import { startTestBot, type TestBot } from '../../test/helpers/test-bot.ts';
import { answerPrompt } from './answer.ts';
import { Disk, FaultyStore } from './faulty-store.ts';
import { Observer } from './observer.ts';
import { rollOver, wrongMentors } from './rollover.ts';
import { type Figures, type PageRow, pageRows, type Rollover, verify } from './verify.ts';
import { importWorld, planWorld, soakCli } from './world.ts';

// A school year in a day (issue 16): the real bot over HTTP on an accelerated clock, a school of
// `students` students and `mentors` mentors through a whole school year, with kills, connector storms and
// a full disk on the way. See bench/README.md (SOAK) for what it asserts and what it measured.

export interface SoakOptions {
  backend: 'sqlite' | 'cosmos';
  students: number;
  mentors: number;
  campaigns: number;
  /** First and last day (local dates); the run ends at 12:00 on the day after `until` (the rollover). */
  from: string;
  until: string;
  /** Simulated minutes per step: every job runs once per step, the students answer after it. */
  stepMinutes: number;
  /** Teams' tenant limit the connector enforces (and the bot is told). */
  rps: number;
  progress?: (line: string) => void;
}

const zone = 'Europe/Amsterdam';

export async function runSoak(options: SoakOptions): Promise<Figures> {
  const say = options.progress ?? (() => {});
  const world = planWorld(options);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-soak-'));
  const clock = new ManualClock(zonedInstant(options.from, '00:00', zone));
  const emulator = options.backend === 'cosmos' ? await startCosmosEmulator() : undefined;
  const database = `soak${Date.now()}`;
  const shared: DocumentStore = emulator
    ? await openEmulatedCosmosStore(emulator.endpoint, database)
    : SqliteStore.open(path.join(dir, 'lob-reflectie.db'));
  const cliEnv: Record<string, string> = {
    DEV_ALLOW_UNAUTHENTICATED: 'true',
    DATA_DIR: dir,
    LOG_LEVEL: 'error',
    ...(emulator
      ? {
          COSMOS_ENDPOINT: emulator.endpoint,
          COSMOS_KEY: 'emulator-key',
          COSMOS_DATABASE: database,
          COSMOS_ALLOW_SELF_SIGNED: 'true',
        }
      : {}),
  };
  const cli = soakCli(cliEnv, clock);
  const connector = await LoopbackConnector.start({
    limits: { tenantPerSecond: options.rps, conversationPerSecond: 7, window: 'sliding' },
    keepActivities: false,
  });
  const observer = new Observer(world, clock);
  connector.onRecord = (r) => observer.record(r, (c) => connector.conversations.get(c));
  // Connector weather: a storm of 429s (with Retry-After) or a stretch of 5xx starts at a campaign's
  // moment and lasts until it has failed `stormLength` requests, whenever the bot next sends.
  const stormLength = 20;
  const weather = { rate429: 0, rate5xx: 0, left: 0, injected429: 0, injected5xx: 0 };
  const calm = () => {
    if (--weather.left <= 0) weather.rate429 = weather.rate5xx = 0;
  };
  connector.failWith = (req) => {
    if (req.method === 'GET') return undefined;
    if (weather.rate429 && Math.random() < weather.rate429) {
      weather.injected429++;
      calm();
      return { status: 429, retryAfterSeconds: 1, code: 'TooManyRequests' };
    }
    if (weather.rate5xx && Math.random() < weather.rate5xx) {
      weather.injected5xx++;
      calm();
      return { status: [500, 502, 503, 504][Math.floor(Math.random() * 4)]!, code: 'ServiceError' };
    }
    return undefined;
  };
  const disk = new Disk();
  const env = {
    LOG_LEVEL: 'info',
    TEAMS_TENANT_RPS: String(options.rps),
    TEAMS_CONVERSATION_RPS: '7',
    // The connector shares the bot's event loop, which ties a request's two legs together: count every
    // request until its answer (docs/delivery.md, the round-trip credit's assumption).
    TEAMS_SEND_CREDIT_MAX_MS: '0',
    RATE_LIMIT_PER_MINUTE: '100000',
    RATE_LIMIT_BURST: '100000',
    CAMPAIGN_SEND_CONCURRENCY: '16',
  };
  let faulty = new FaultyStore(shared, disk);
  let bot: TestBot = await startTestBot({ store: faulty, clock, connector, env });
  const logLines: string[][] = [bot.logLines];
  for (const u of [world.coordinator, ...world.mentors, ...world.students]) bot.join(u);

  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  // The coordinator opens the app first (the school comes with them), then IT imports the school.
  await install(bot, world.coordinator);
  await importWorld(world, cli, dir, tenantId);
  await mapInstall(bot, [...world.mentors, ...world.students]);
  say(
    `  set up ${world.students.length} students, ${world.mentors.length} mentors, ${world.campaigns.length} campaigns in ${((performance.now() - t0) / 1000).toFixed(1)} s`,
  );
  const calendar = await (await openCalendars(shared)).get(tenantId);
  observer.policy = sendPolicy(calendar, zone, shippedHolidays());

  const repos = await openRepositories(shared);
  const camp = await openCampaignRepositories(shared);
  const personIds = new Map<string, string>();
  const personId = async (email: string) => {
    let id = personIds.get(email);
    if (!id) {
      id = (await repos.people.findByEmail(tenantId, email))?.id;
      if (id) personIds.set(email, id);
    }
    return id;
  };

  // The faults and the school's own events, by local date and hour.
  const events = schedule(world, options);
  let pending = events
    .map((e) => ({ ...e, at: zonedInstant(e.date, `${String(e.hour).padStart(2, '0')}:00`, zone).getTime() }))
    .sort((a, b) => a.at - b.at);
  const figures: Figures['faults'] = { kills: [], diskFullRefusals: 0, injected429: 0, injected5xx: 0 };
  const answered = new Map<string, { campaign: number | undefined; user: string }>();
  const mentorOf = new Map<string, { mentor: string; since: Date }[]>();
  for (const k of world.classes)
    for (const s of k.students) mentorOf.set(s.email, [{ mentor: k.mentor.email, since: clock.now() }]);
  const leavers: { email: string; left: string }[] = [];
  const erasures: { email: string; due: string; done?: Date }[] = [];
  const submittedAt: { student: string; at: Date }[] = [];
  const attempts = new Map<string, number>();
  const refusedAnswers: string[] = [];

  const restart = async (why: string) => {
    const inFlightBefore = observer.messages;
    faulty.kill();
    // The killed instance gets no clean stop: its HTTP server closes, its in-flight work fails on the store.
    await Promise.race([bot.stop().catch(() => {}), new Promise((r) => setTimeout(r, 5000))]);
    const sending = await camp.deliveries.count(tenantId, { states: ['sending'] });
    faulty = new FaultyStore(shared, disk);
    bot = await startTestBot({ store: faulty, clock, connector, env });
    logLines.push(bot.logLines);
    figures.kills.push({ at: clock.now().toISOString(), why, inFlight: sending, messagesBefore: inFlightBefore });
  };

  const end = zonedInstant(addDays(options.until, 1), '12:00', zone).getTime();
  // The page of the school year the run began in, on its last day (31 July, or `until` if that is
  // earlier): a run that goes on past 1 August would otherwise read the new school year's page.
  const yearEnd = [schoolYearOf(options.from).end, options.until].sort()[0]!;
  const pageAt = zonedInstant(yearEnd, '12:00', zone).getTime();
  let page: PageRow[] | undefined;
  let lastYear = '';
  let lastDay = '';
  const jobMs = new Map<string, number>();
  while (clock.now().getTime() < end) {
    const now = clock.now();
    const local = localTime(now, zone);
    const day = localDate(now, zone);
    if (day !== lastDay && (day.endsWith('-01') || process.env['SOAK_DEBUG']))
      say(
        `  ${day} (${((performance.now() - t0) / 1000).toFixed(0)} s, ${observer.prompts.length} prompts) ${[...jobMs].map(([k, v]) => `${k} ${(v / 1000).toFixed(1)}`).join(', ')}`,
      );
    lastDay = day;
    // Nothing goes to students or staff at night or, for students, at weekends: the steps where nothing
    // can happen are skipped (jobs work out what is due up to now, so the next step catches up on them),
    // except 03:00 every night (the nightly retention run) and noon at weekends.
    const h = Math.floor(local.minutes / 60);
    const weekend = local.weekday >= 6;
    if (!(h === 3 || (weekend ? h === 12 : h >= 8 && h <= 20))) {
      clock.advance(options.stepMinutes * 60_000);
      continue;
    }
    // An event fires in the first step at or after its moment: with two-hour steps a kill at 14:00 comes
    // in the 15:00 step once winter time has moved the steps to odd hours (with the prompts due at 14:00
    // being sent), and a disk freed on a Saturday at 09:00 is freed at the weekend's noon step. (Events
    // used to fire only in a step on their very hour: those kills and storms never came, and a disk full
    // on a Friday stayed full for the rest of the run.)
    const due = pending.filter((x) => x.at <= now.getTime());
    pending = pending.filter((x) => x.at > now.getTime());
    for (const e of due) {
      switch (e.kind) {
        case 'kill': {
          // Kill while the instance sends: start the send job and pull the plug once Teams got a prompt.
          const before = observer.prompts.length;
          const run = bot.bot.deps.jobs.runNow('campaigns.send');
          for (let i = 0; i < 200 && observer.prompts.length === before; i++) await new Promise((r) => setTimeout(r, 10));
          const k0 = performance.now();
          await restart(e.note);
          await run.catch(() => {});
          jobMs.set('kills', (jobMs.get('kills') ?? 0) + performance.now() - k0);
          break;
        }
        case 'disk-full':
          disk.full = true;
          break;
        case 'disk-freed':
          disk.full = false;
          break;
        case 'storm-429':
          weather.rate429 = 0.6;
          weather.left = stormLength;
          break;
        case 'storm-5xx':
          weather.rate5xx = 0.5;
          weather.left = stormLength;
          break;
        case 'change-mentor': {
          const [student, mentor] = e.note.split(' ');
          const r = await cli('change-mentor', '--student', student!, '--mentor', mentor!, '--school', tenantId);
          if (r.code !== 0) throw new Error(`change-mentor: ${r.out}`);
          mentorOf.get(student!)!.push({ mentor: mentor!, since: now });
          break;
        }
        case 'retention': {
          const r = await cli('privacy', 'retention', 'set', e.note, '--school', tenantId);
          if (r.code !== 0) throw new Error(`retention: ${r.out}`);
          break;
        }
        case 'leave': {
          const r = await cli('privacy', 'left', '--email', e.note, '--on', day, '--school', tenantId);
          if (r.code !== 0) throw new Error(`left: ${r.out}`);
          leavers.push({ email: e.note, left: day });
          erasures.push({ email: e.note, due: e.due! });
          break;
        }
      }
    }
    for (const name of bot.bot.deps.jobs.names()) {
      if (name === 'coordinator-page.warm') continue;
      const j0 = performance.now();
      await bot.bot.deps.jobs.runNow(name);
      jobMs.set(name, (jobMs.get(name) ?? 0) + performance.now() - j0);
    }
    await bot.bot.router.idle();
    // Students read what came in this step; most answer, some only after the reminder, some never.
    const inbox = observer.inbox;
    observer.inbox = [];
    for (const p of inbox) {
      const key = p.reflectionId;
      if (answered.has(key)) continue;
      if (!decides(p)) continue;
      const id = await personId(p.user.email);
      if (!id) continue;
      const a0 = performance.now();
      const ok = await answerPrompt(bot, p).catch(() => false);
      jobMs.set('answers', (jobMs.get('answers') ?? 0) + performance.now() - a0);
      const stored = ok && (await repos.reflections.get(id, p.reflectionId))?.status === 'submitted';
      if (stored) {
        answered.set(key, { campaign: p.campaign, user: p.user.email });
        submittedAt.push({ student: p.user.email, at: now });
      } else {
        // Tries again next step (the disk was full, the instance died), but not for ever.
        const tries = (attempts.get(key) ?? 0) + 1;
        attempts.set(key, tries);
        if (tries < 24) observer.inbox.push(p);
        else refusedAnswers.push(`${p.user.email} could not answer ${key} in ${tries} tries`);
      }
    }
    for (const e of erasures) {
      if (e.done) continue;
      const id = personIds.get(e.email) ?? (await repos.people.findByEmail(tenantId, e.email))?.id;
      const person = id ? await repos.people.get(tenantId, id) : undefined;
      if (!person || person.erasedAt) {
        e.done = now;
        observer.erasedAt.set(e.email, now);
      }
    }
    // The last day of the school year: the coordinator opens the page.
    if (!page && now.getTime() >= pageAt) ({ rows: page, schoolYear: lastYear } = await pageRows(bot, world.coordinator.email));
    figures.diskFullRefusals = disk.refusedWrites;
    clock.advance(options.stepMinutes * 60_000);
  }
  // 1 August (when the run crossed it): IT rolls the school over to the new year, the jobs run once
  // more, and the new school year's page starts from the new classes without last year's campaigns.
  let rollover: Rollover | undefined;
  const startYear = Number(schoolYearOf(localDate(clock.now(), zone)).start.slice(0, 4));
  if (schoolYearOf(localDate(clock.now(), zone)).id !== schoolYearOf(options.from).id) {
    const leaving = new Set(leavers.map((l) => l.email));
    const classes = await rollOver({ world, cli, dir, bot, leavers: leaving, startYear });
    for (const name of bot.bot.deps.jobs.names()) if (name !== 'coordinator-page.warm') await bot.bot.deps.jobs.runNow(name);
    await bot.bot.router.idle();
    const next = await pageRows(bot, world.coordinator.email);
    rollover = {
      schoolYear: next.schoolYear,
      campaigns: next.rows.length,
      promptsSent: next.promptsSent,
      classes,
      groups: next.groups,
      wrongMentors: await wrongMentors(repos, classes),
    };
  }
  if (process.env['SOAK_DEBUG']) say(`  page (${lastYear}): ${JSON.stringify(page)}\n  rollover: ${JSON.stringify(rollover)}`);
  figures.injected429 = weather.injected429;
  figures.injected5xx = weather.injected5xx;
  const cpu = process.cpuUsage(cpu0);
  const result = await verify({
    world,
    observer,
    bot,
    shared,
    camp,
    repos,
    answered,
    mentorOf,
    submittedAt,
    erasures,
    leavers,
    faults: figures,
    refusedAnswers,
    logLines: logLines.flat(),
    options,
    page,
    pageYear: lastYear,
    // Only when the run crossed 1 August (a short run ends in the year it began).
    rollover,
    wallSeconds: (performance.now() - t0) / 1000,
    cpuSeconds: (cpu.user + cpu.system) / 1e6,
  });
  await bot.stop().catch(() => {});
  await connector.close();
  await shared.close();
  await emulator?.close();
  fs.rmSync(dir, { recursive: true, force: true });
  return result;
}

async function install(bot: TestBot, user: { userId: string }) {
  const res = await bot.send('personal-installation-add', user as never);
  if (res.status !== 200) throw new Error(`installation refused: ${res.status}`);
}

async function mapInstall(bot: TestBot, users: { userId: string }[]) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      while (next < users.length) await install(bot, users[next++]!);
    }),
  );
}

/** Whether a student answers this prompt: three in five at the first, one in two of the rest at the reminder. */
function decides(p: { reflectionId: string; reminder: boolean }): boolean {
  let h = 0;
  for (const ch of p.reflectionId) h = (h * 31 + ch.charCodeAt(0)) >>> 0;
  return p.reminder ? h % 4 !== 0 : h % 5 < 3;
}

export interface SoakEvent {
  date: string;
  hour: number;
  kind: 'kill' | 'disk-full' | 'disk-freed' | 'storm-429' | 'storm-5xx' | 'change-mentor' | 'retention' | 'leave';
  note: string;
  due?: string;
}

/** The year's faults and events: a kill at every third campaign's prompt moment, storms at others, a full disk once. */
export function schedule(world: ReturnType<typeof planWorld>, options: Pick<SoakOptions, 'from' | 'until'>): SoakEvent[] {
  const events: SoakEvent[] = [];
  world.campaigns.forEach((c, i) => {
    const h = Number(c.end.slice(0, 2));
    if (i % 3 === 1) events.push({ date: c.date, hour: h, kind: 'kill', note: `campaign ${i + 1}` });
    if (i % 4 === 2) events.push({ date: c.date, hour: h, kind: i % 8 === 2 ? 'storm-429' : 'storm-5xx', note: '' });
  });
  const diskCampaign = world.campaigns[Math.min(5, world.campaigns.length - 1)];
  if (diskCampaign) {
    events.push({ date: diskCampaign.date, hour: 11, kind: 'disk-full', note: '' });
    events.push({ date: addDays(diskCampaign.date, 1), hour: 9, kind: 'disk-freed', note: '' });
  }
  const year = Number(options.from.slice(0, 4));
  const inRange = (d: string) => d >= options.from && d <= options.until;
  // Mid-year: the first student of every fifth class gets the next class's mentor.
  const change = `${year + 1}-01-12`;
  if (inRange(change))
    world.classes.forEach((k, i) => {
      if (i % 5 !== 0) return;
      const next = world.classes[(i + 1) % world.classes.length]!;
      if (k.students[0] && next !== k)
        events.push({ date: change, hour: 10, kind: 'change-mentor', note: `${k.students[0].email} ${next.mentor.email}` });
    });
  // Leavers: the last student of every tenth class leaves; with three months' retention, erased three months on.
  let leave = inRange(`${year + 1}-02-01`) ? `${year + 1}-02-01` : addDays(options.from, 14);
  while (weekdayOf(leave) >= 6) leave = addDays(leave, 1);
  const due = addDays(leave, inRange(`${year + 1}-02-01`) ? 89 : 30);
  events.push({ date: leave, hour: 9, kind: 'retention', note: inRange(`${year + 1}-02-01`) ? '3' : '1' });
  world.classes.forEach((k, i) => {
    if (i % 10 === 0 && k.students.length > 1)
      events.push({ date: leave, hour: 9, kind: 'leave', note: k.students.at(-1)!.email, due });
  });
  return events;
}
