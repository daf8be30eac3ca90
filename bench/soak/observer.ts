import { t } from '../../src/core/i18n.ts';
import { isAllowed, type SendPolicy } from '../../src/core/send-policy/quiet-hours.ts';
import { localDate, weekdayOf } from '../../src/core/time/zoned-time.ts';
import type { Clock } from '../../src/platform/clock.ts';
import type { TestUser } from '../../test/helpers/activities.ts';
import type { Recorded } from '../../test/helpers/loopback-connector.ts';
import type { SoakWorld } from './world.ts';

// What Teams saw, recounted independently of the bot's own ledger: every message the connector accepted,
// at the simulated moment it accepted it, sorted into prompts (per reflection, first or reminder), digests
// and quality-cycle reminders. The soak's assertions compare this against the world's plan and against
// the figures the product shows.

export interface Prompt {
  user: TestUser;
  reflectionId: string;
  campaign: number | undefined;
  reminder: boolean;
  card: Record<string, unknown>;
  at: Date;
}

const reminderLines = [t('nl', 'campaigns.prompt.reminder'), t('en', 'campaigns.prompt.reminder')];
const digestTitles = [t('nl', 'mentors.digest.title'), t('en', 'mentors.digest.title')];

/** Monday of the local week an instant falls in, as yyyy-mm-dd. */
export function weekOf(at: Date, timeZone: string): string {
  const date = localDate(at, timeZone);
  const back = weekdayOf(date) - 1;
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() - back);
  return d.toISOString().slice(0, 10);
}

export class Observer {
  readonly byConversation = new Map<string, TestUser>();
  readonly students = new Set<string>();
  readonly mentors = new Set<string>();
  /** Prompt key (reflection id, first or reminder) → how many times Teams got it. */
  readonly promptCount = new Map<string, number>();
  readonly prompts: Prompt[] = [];
  /** New prompts the students have not looked at yet. */
  inbox: Prompt[] = [];
  /** Student messages at a moment the school's calendar does not allow. */
  readonly quietViolations: string[] = [];
  /** mentor e-mail → week → digests. */
  readonly digests = new Map<string, Map<string, number>>();
  /** milestone title → first moment its owner was reminded. */
  readonly milestoneReminders = new Map<string, Date>();
  /** Messages to a student after their erasure. */
  readonly afterErasure: string[] = [];
  readonly erasedAt = new Map<string, Date>();
  messages = 0;
  private readonly world: SoakWorld;
  private readonly clock: Clock;
  policy: SendPolicy | undefined;

  constructor(world: SoakWorld, clock: Clock) {
    this.world = world;
    this.clock = clock;
    for (const u of [world.coordinator, ...world.mentors, ...world.students]) this.byConversation.set(u.conversationId, u);
    for (const u of world.students) this.students.add(u.email);
    for (const u of world.mentors) this.mentors.add(u.email);
  }

  record(r: Recorded, userOf: (conversationId: string) => string | undefined): void {
    if (r.op !== 'create') return;
    this.messages++;
    const now = this.clock.now();
    const user = this.byConversation.get(r.conversationId) ?? this.byUserId(userOf(r.conversationId));
    if (!user) return;
    const json = JSON.stringify(r.activity);
    if (this.students.has(user.email)) {
      if (this.policy && !isAllowed(now, this.policy, 'campaign-prompt'))
        this.quietViolations.push(`${now.toISOString()} to ${user.email}: ${json.slice(0, 120)}`);
      const erased = this.erasedAt.get(user.email);
      if (erased && now > erased) this.afterErasure.push(`${now.toISOString()} to ${user.email}`);
      const id = /"reflectionId":"([^"]+)"/.exec(json)?.[1];
      if (id && json.includes('"reflection.feel"')) {
        const reminder = reminderLines.some((l) => json.includes(l));
        const key = `${id}${reminder ? ':reminder' : ''}`;
        const seen = this.promptCount.get(key) ?? 0;
        this.promptCount.set(key, seen + 1);
        const campaign = this.world.campaigns.find((c) => json.includes(c.title))?.index;
        const card = ((r.activity['attachments'] as { content: Record<string, unknown> }[] | undefined) ?? [])[0]?.content ?? {};
        const prompt = { user, reflectionId: id, campaign, reminder, card, at: now };
        if (seen === 0) this.prompts.push(prompt);
        this.inbox.push(prompt);
      }
    }
    if (this.mentors.has(user.email) && digestTitles.some((title) => json.includes(title))) {
      const week = weekOf(now, this.policy?.timeZone ?? 'Europe/Amsterdam');
      const weeks = this.digests.get(user.email) ?? new Map<string, number>();
      weeks.set(week, (weeks.get(week) ?? 0) + 1);
      this.digests.set(user.email, weeks);
    }
    for (const m of this.world.milestones) {
      if (user.email === m.owner.email && json.includes(m.title) && !this.milestoneReminders.has(m.title))
        this.milestoneReminders.set(m.title, now);
    }
  }

  private byUserId(userId: string | undefined): TestUser | undefined {
    if (!userId) return undefined;
    for (const u of this.byConversation.values()) if (u.userId === userId) return u;
    return undefined;
  }

  /** Messages Teams got more than once (a prompt, or a reminder, of the same reflection). */
  duplicates(): number {
    let n = 0;
    for (const c of this.promptCount.values()) n += c - 1;
    return n;
  }
}
