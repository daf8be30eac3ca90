import { expect } from 'vitest';
import { assignMentor, ensurePersonByEmail } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import type { Role } from '../../../src/core/types.ts';
import { createMentoring, type Mentoring, type MentoringDeps } from '../../../src/modules/mentoring/mentoring.ts';
import { MentorMessages } from '../../../src/modules/mentoring/messages.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { cardText } from '../../helpers/playground.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// A school with students and mentors around the real bot (HTTP, SDK, store, loopback connector), on a
// manual clock. November 2026: Monday the 2nd is a school day; Amsterdam is UTC+1 then.

export type Card = { body: Record<string, unknown>[]; actions?: Record<string, unknown>[] };

/** Local Amsterdam time in November 2026 (UTC+1) as an ISO instant: day of the month, "HH:MM". */
export function nov(day: number, time: string): string {
  const [h, m] = time.split(':').map(Number) as [number, number];
  return new Date(Date.UTC(2026, 10, day, h - 1, m)).toISOString();
}

/** Walks a card and collects what `pick` returns for each node. */
function collect<T>(card: unknown, pick: (node: Record<string, unknown>) => T | undefined): T[] {
  const out: T[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      const found = pick(o);
      if (found !== undefined) out.push(found);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

export { cardText };

/** Every Action.Execute in a card, also inside ShowCards. */
export function executes(card: unknown): { verb: string; data: Record<string, unknown>; title: string }[] {
  return collect(card, (o) =>
    o['type'] === 'Action.Execute'
      ? { verb: o['verb'] as string, data: (o['data'] ?? {}) as Record<string, unknown>, title: o['title'] as string }
      : undefined,
  );
}

/** Every TextRun text of a card (where student and school text must be). */
export function textRuns(card: unknown): string[] {
  return collect(card, (o) => (o['type'] === 'TextRun' && typeof o['text'] === 'string' ? o['text'] : undefined));
}

/** TextBlock texts (read as Markdown by Teams): no student text may end up here. */
export function textBlocks(card: unknown): string[] {
  return collect(card, (o) => (o['type'] === 'TextBlock' && typeof o['text'] === 'string' ? o['text'] : undefined));
}

export const plain = {
  feeling: 'good',
  happened: 'Ik mocht een klant helpen bij de kassa.',
  'next-step': 'Vragen of ik vaker mag meedraaien.',
};

export class World {
  readonly t: TestBot;
  readonly clock: ManualClock;
  readonly mentoring: Mentoring;
  private constructor(t: TestBot, clock: ManualClock, mentoring: Mentoring) {
    this.t = t;
    this.clock = clock;
    this.mentoring = mentoring;
  }

  static async start(
    options: {
      at?: string;
      store?: DocumentStore;
      env?: Record<string, string>;
      graphToken?: (tenantId: string) => Promise<string | undefined>;
    } = {},
  ): Promise<World> {
    const clock = new ManualClock(options.at ?? nov(2, '10:00'));
    // Mentors press many buttons in these tests; the per-user rate limit has tests of its own.
    const env = { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '10000', ...options.env };
    const t = await startTestBot({
      clock,
      env,
      ...(options.store ? { store: options.store } : {}),
      ...(options.graphToken ? { graphToken: options.graphToken } : {}),
    });
    return new World(t, clock, t.bot.deps.modules.mentoring);
  }

  get repos() {
    return this.t.bot.repos;
  }

  /** The mentor side wired like the bot's, with some parts swapped (ports, or the store's repositories). */
  variant(parts: Partial<Pick<MentoringDeps, 'mentoring' | 'nonResponders'>>): Mentoring {
    const deps = this.t.bot.deps;
    return createMentoring({
      repos: deps.repos,
      mentoring: this.mentoring.repos,
      flows: deps.flows,
      clock: this.clock,
      compose: new MentorMessages({ clock: this.clock, flows: deps.flows }),
      delivery: deps.delivery,
      log: deps.log,
      sendPolicy: deps.sendPolicy,
      newId: deps.install.newId,
      ...parts,
    });
  }

  async stop(): Promise<void> {
    await this.t.stop();
  }

  /** A person who opened the app in Teams, with a role. */
  async person(
    name: string,
    email: string,
    role: Role = 'student',
    locale = 'nl-NL',
  ): Promise<{ user: TestUser; person: Person }> {
    const user = testUser(name, email, locale);
    this.t.join(user);
    expect((await this.t.send('personal-installation-add', user)).status).toBe(200);
    if (role !== 'student') await ensurePersonByEmail(this.t.bot.deps.install, tenantId, email, role);
    return { user, person: (await this.find(email))! };
  }

  async find(email: string): Promise<Person | undefined> {
    return this.repos.people.findByEmail(tenantId, email);
  }

  async assign(student: TestUser, mentor: TestUser): Promise<void> {
    const r = await assignMentor(this.t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    expect(r.ok).toBe(true);
  }

  /**
   * The student reflects in Teams on the free flow (text command, then the card's submit); returns the
   * reflection id. The branch question (qualities after a positive feeling, motives otherwise) is answered
   * too unless the test gives it.
   */
  async reflect(student: TestUser, answers: Record<string, string> = plain): Promise<string> {
    expect((await this.t.send('personal-message', student, { text: 'reflecteer free' })).status).toBe(200);
    const person = await this.find(student.email);
    const open = (await this.repos.reflections.listByStudent(person!.id)).find((r) => r.status === 'open');
    expect(open).toBeDefined();
    const reflectionId = open!.id;
    const feeling = answers['feeling'];
    const branch = feeling === 'great' || feeling === 'good' ? 'good-at' : feeling === 'mixed' ? 'both-sides' : 'important';
    const res = await this.t.send('card-action-execute', student, {
      verb: 'reflection.submit',
      data: { reflectionId, [branch]: 'Rustig blijven en goed luisteren.', ...answers },
      replyToId: 'act-1',
    });
    expect(res.status).toBe(200);
    expect(cardText((res.body as { value: unknown }).value)).toContain('Dank je wel');
    return reflectionId;
  }

  /** Cards in someone's 1:1 chat (whatever conversation the bot used), oldest first. */
  cards(user: TestUser): Record<string, unknown>[] {
    const ids = new Set([user.conversationId, this.t.connector.personalConversationOf(user.userId)].filter(Boolean) as string[]);
    return [...ids].flatMap((id) => this.t.connector.cardsIn(id));
  }

  /** Presses a button: the card Teams shows instead of the one the button was on. */
  async act(user: TestUser, verb: string, data: Record<string, unknown>): Promise<Card> {
    const res = await this.t.send('card-action-execute', user, { verb, data, replyToId: 'act-1' });
    expect(res.status).toBe(200);
    const body = res.body as { type: string; value: Card };
    expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
    return body.value;
  }

  async say(user: TestUser, text: string): Promise<Record<string, unknown>> {
    const before = this.cards(user).length;
    expect((await this.t.send('personal-message', user, { text })).status).toBe(200);
    return this.t.connector.waitFor(() => this.cards(user)[before]);
  }

  /** The digest job, as the scheduler runs it. */
  async runDigest() {
    const outcome = await this.t.bot.deps.jobs.runNow('mentoring.digest');
    expect(outcome.status).toBe('ran');
    return (outcome as { result: Awaited<ReturnType<Mentoring['digests']['runDue']>> }).result;
  }

  async runOutbox() {
    const outcome = await this.t.bot.deps.jobs.runNow('mentoring.outbox');
    expect(outcome.status).toBe('ran');
    return (outcome as { result: Record<string, number> }).result;
  }
}

export function digestsIn(cards: Record<string, unknown>[]): Record<string, unknown>[] {
  return cards.filter((c) => cardText(c).includes('Je leerlingen: ter voorbereiding'));
}
