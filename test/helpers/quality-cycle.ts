import { expect } from 'vitest';
import { ensurePersonByEmail } from '../../src/core/assignments.ts';
import type { Reflection } from '../../src/core/entities.ts';
import { type LocalDate, startOfDay } from '../../src/core/time/zoned-time.ts';
import type { Competency, Role } from '../../src/core/types.ts';
import { createTeam } from '../../src/modules/quality-cycle/education-teams.ts';
import { ManualClock } from '../../src/platform/clock.ts';
import { type TestUser, tenantId, testUser } from './activities.ts';
import { cardText as playgroundCardText } from './playground.ts';
import { snapshot, tempStore } from './store-snapshot.ts';
import { startTestBot, type TestBot } from './test-bot.ts';

// A school with one education team in Teams, for the quality-cycle tests: a team leader, a coordinator and
// a mentor who opened the app, the bot added to the team's Teams team, and a clock that only moves when told.

/** All text a card shows, with fact values and input values. */
export function cardText(card: unknown): string {
  return playgroundCardText(card, { values: true });
}

/** A reflection as the reflection service leaves it once submitted, for the evidence's figures. */
export function submittedReflection(input: {
  id: string;
  schoolId: string;
  studentId: string;
  at: string;
  competencies: Competency[];
  answer?: string;
}): Omit<Reflection, 'version'> {
  return {
    id: input.id,
    schoolId: input.schoolId,
    studentId: input.studentId,
    flowId: 'free',
    activityType: 'free',
    locale: 'nl',
    status: 'submitted',
    createdAt: input.at,
    submittedAt: input.at,
    answers: { happened: input.answer ?? 'Een antwoord dat nooit in de Check-gegevens staat.' },
    competencies: input.competencies,
    routing: 'routed',
  };
}

export const teamsTeamId = '19:4f1c2a9be0d34b7e8a21c5d6e7f80912@thread.tacv2';
export const timeZone = 'Europe/Amsterdam';

/** 09:00 (or another hour) on a day in Amsterdam. */
export function at(day: LocalDate, hour = 9): Date {
  return new Date(startOfDay(day, timeZone).getTime() + hour * 3_600_000);
}

export interface PdcaSchool {
  t: TestBot;
  clock: ManualClock;
  leader: TestUser;
  coordinator: TestUser;
  mentor: TestUser;
  /** Cards the bot posted in the team's channel (creates only), oldest first. */
  channelPosts(): { activityId: string; text: string }[];
  /** Updates of a channel or chat message, oldest first. */
  updatesOf(activityId: string): string[];
  /** Cards in a person's 1:1 chat, as text. */
  chat(user: TestUser): string[];
  runReminders(): Promise<unknown>;
  /** Every stored document (to prove a refusal stored nothing). */
  snapshot(): Record<string, string[]>;
  /** The folder of the store file: DATA_DIR for the command line on the same store. */
  dataDir: string;
  stop(): Promise<void>;
}

export async function personWith(t: TestBot, user: TestUser, role: Role) {
  return (await ensurePersonByEmail(t.bot.deps.install, tenantId, user.email, role, user.name)).person;
}

export async function startPdcaSchool(start: LocalDate, options: { teamId?: string; link?: boolean } = {}): Promise<PdcaSchool> {
  const clock = new ManualClock(at(start));
  const file = tempStore();
  const t = await startTestBot({ clock, store: file.store, env: { RATE_LIMIT_PER_MINUTE: '100000', RATE_LIMIT_BURST: '10000' } });
  const leader = testUser('Lisa de Teamleider', 'lisa@school.nl');
  const coordinator = testUser('Cor Decaan', 'cor@school.nl');
  const mentor = testUser('Piet Jansen', 'p.jansen@school.nl');
  for (const u of [leader, coordinator, mentor]) {
    t.join(u);
    expect((await t.send('personal-installation-add', u)).status).toBe(200);
  }
  await personWith(t, leader, 'team-leader');
  await personWith(t, coordinator, 'coordinator');
  await personWith(t, mentor, 'mentor');
  t.connector.teams.set(teamsTeamId, [leader.userId, coordinator.userId, mentor.userId]);
  expect((await t.send('team-installation-add', leader, { teamId: teamsTeamId, teamName: 'Team Havo 4' })).status).toBe(200);
  const id = options.teamId ?? 'havo-4';
  await createTeam(t.bot.deps.modules.qualityCycle.cycle, tenantId, {
    id,
    name: 'Havo 4',
    leaders: [leader.email],
    mentors: [mentor.email],
  });
  if (options.link ?? true) {
    expect((await t.send('channel-message', leader, { text: `pdca koppel ${id}`, teamId: teamsTeamId })).status).toBe(200);
  }
  const creates = () => t.connector.recorded.filter((r) => r.op === 'create' && r.conversationId === teamsTeamId);
  const text = (activity: Record<string, unknown>) =>
    cardText((activity['attachments'] as { content: unknown }[] | undefined)?.[0]?.content);
  return {
    t,
    clock,
    leader,
    coordinator,
    mentor,
    channelPosts: () => creates().map((r) => ({ activityId: r.activityId, text: text(r.activity) })),
    updatesOf: (activityId) =>
      t.connector.recorded.filter((r) => r.op === 'update' && r.activityId === activityId).map((r) => text(r.activity)),
    chat: (user) => t.connector.cardsIn(user.conversationId).map((c) => cardText(c)),
    runReminders: async () => {
      const outcome = await t.bot.deps.jobs.runNow('quality-cycle.reminders');
      expect(outcome.status).toBe('ran');
      return outcome.status === 'ran' ? outcome.result : undefined;
    },
    snapshot: () => snapshot(file.file),
    dataDir: file.dir,
    stop: async () => {
      await t.stop();
      await file.store.close();
      file.remove();
    },
  };
}
