import type { ConversationRef, Person, School } from '../../core/entities.ts';
import { DeliveryError } from '../../core/ports.ts';
import { isAllowed, type SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import { addDays, daysBetween, type LocalDate } from '../../core/time/zoned-time.ts';
import {
  type EducationTeam,
  type Milestone,
  maxPostedCards,
  type PostedCard,
  type QualityCycle,
  schoolCycleId,
} from './quality-cycle.ts';
import {
  ensureYear,
  type MilestoneState,
  ownersOf,
  type QualityCycleDeps,
  remindDays,
  type SchoolClock,
  schoolClock,
  stateOf,
} from './year-cycle.ts';

// Reminders for the quality cycle, worked out from the store and the clock on every run: a milestone is
// posted in its team's channel and sent to its owners N days before it is due, and escalated to the team
// leader (school level: the coordinators) once a week while it is overdue. What went out is recorded on
// the milestone (with the card's id, to update it in place), so a missed day is caught up by the next run
// and nothing is sent twice; a claim keeps two instances from sending the same milestone at once.

/** Everything a milestone card shows. */
export interface MilestoneView {
  cycle: QualityCycle;
  milestone: Milestone;
  team: EducationTeam | undefined;
  state: MilestoneState;
  timeZone: string;
  ownerNames: string[];
  doneByName?: string;
  purpose: PostedCard['kind'];
}

/** What the reminders ask of Teams. Throws DeliveryError when a person or channel cannot be reached. */
export interface CycleNotifier {
  postToChannel(ref: ConversationRef, view: MilestoneView, school: School | undefined): Promise<PostedCard>;
  sendToPerson(person: Person, view: MilestoneView): Promise<PostedCard>;
  update(card: PostedCard, view: MilestoneView): Promise<void>;
}

export interface ReminderDeps extends QualityCycleDeps {
  notifier: CycleNotifier;
  /** The school's quiet hours (./quiet-hours.ts): reminders wait for them; a later run catches up. */
  sendPolicy: SendPolicies;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; debug(obj: object, msg: string): void };
  /** How long one run may hold a milestone while it sends. */
  claimMs?: number;
}

/** A milestone overdue longer than this is no longer announced in the channel (it is escalated instead). */
export const channelGraceDays = 7;
export const escalateEveryDays = 7;

export interface ReminderRun {
  schools: number;
  reminded: number;
  escalated: number;
  cardsUpdated: number;
  failed: number;
}

export class QualityCycleReminders {
  private readonly deps: ReminderDeps;
  private readonly claimMs: number;
  constructor(deps: ReminderDeps) {
    this.deps = deps;
    this.claimMs = deps.claimMs ?? 120_000;
  }

  /** One run over every school that uses the cycle (has an education team or a school cycle). */
  async run(now: Date): Promise<ReminderRun> {
    const result: ReminderRun = { schools: 0, reminded: 0, escalated: 0, cardsUpdated: 0, failed: 0 };
    for (const school of await this.deps.repos.schools.list()) {
      const clock = await schoolClock(this.deps, school.id, now);
      const teams = await this.deps.cycles.teams.list(school.id);
      if (teams.length === 0 && !(await this.deps.cycles.cycles.listByYear(school.id, clock.year.id)).length) continue;
      result.schools++;
      const year = await ensureYear(this.deps, school.id, clock.year);
      const days = remindDays(year.school);
      const working = isAllowed(now, await this.deps.sendPolicy(school.id), 'quality-cycle-reminder');
      const all: { cycle: QualityCycle; team: EducationTeam | undefined }[] = [
        { cycle: year.school, team: undefined },
        ...year.teams,
      ];
      for (const { cycle, team } of all) {
        for (const m of cycle.milestones) {
          if (m.cardsStale) result.cardsUpdated += await this.syncCards(school.id, cycle.id, m.id);
          if (m.done || !working) continue;
          if (this.reminderDue(m, clock.today, days)) {
            const r = await this.remind(clock, cycle, m.id, team, now);
            result.reminded += r.sent;
            result.failed += r.failed;
          }
          if (this.escalationDue(m, clock.today)) {
            const r = await this.escalate(clock, cycle, m.id, team, now);
            result.escalated += r.sent;
            result.failed += r.failed;
          }
        }
      }
    }
    return result;
  }

  reminderDue(m: Milestone, today: LocalDate, days: number): boolean {
    return !m.done && !m.remindedOn && today >= addDays(m.due, -days) && today <= addDays(m.due, channelGraceDays);
  }

  escalationDue(m: Milestone, today: LocalDate): boolean {
    return !m.done && m.due < today && (!m.escalatedOn || daysBetween(m.escalatedOn, today) >= escalateEveryDays);
  }

  /** Takes the milestone for this run when the step is still to do and nobody else holds it. */
  private async claim(
    schoolId: string,
    cycleId: string,
    milestoneId: string,
    now: Date,
    stillDue: (m: Milestone) => boolean,
  ): Promise<Milestone | undefined> {
    let claimed: Milestone | undefined;
    const until = new Date(now.getTime() + this.claimMs).toISOString();
    await this.deps.cycles.cycles.update(schoolId, cycleId, (c) => {
      claimed = undefined;
      const m = c.milestones.find((x) => x.id === milestoneId);
      if (!m || !stillDue(m) || (m.claimedUntil && m.claimedUntil > now.toISOString())) return undefined;
      claimed = { ...m, claimedUntil: until };
      return { ...c, milestones: c.milestones.map((x) => (x.id === milestoneId ? claimed! : x)) };
    });
    return claimed;
  }

  /** Records the outcome and gives the claim back. */
  private async release(
    schoolId: string,
    cycleId: string,
    milestoneId: string,
    patch: (m: Milestone) => Milestone,
  ): Promise<void> {
    await this.deps.cycles.cycles.update(schoolId, cycleId, (c) => ({
      ...c,
      milestones: c.milestones.map((x) => {
        if (x.id !== milestoneId) return x;
        const { claimedUntil: _released, ...rest } = patch(x);
        return rest;
      }),
    }));
  }

  async view(
    cycle: QualityCycle,
    milestone: Milestone,
    team: EducationTeam | undefined,
    purpose: PostedCard['kind'],
    clock: SchoolClock,
    schoolCycle?: QualityCycle,
  ): Promise<MilestoneView> {
    const owners = await ownersOf(this.deps, cycle.schoolId, milestone.owner, team);
    const doneBy = milestone.done ? await this.deps.repos.people.get(cycle.schoolId, milestone.done.byPersonId) : undefined;
    const days =
      cycle.level === 'school'
        ? remindDays(cycle)
        : remindDays(schoolCycle ?? (await this.deps.cycles.cycles.get(cycle.schoolId, schoolCycleId(cycle.schoolYear))));
    return {
      cycle,
      milestone,
      team,
      state: stateOf(milestone, clock.today, days),
      timeZone: clock.timeZone,
      ownerNames: owners.map((p) => p.name),
      ...(doneBy ? { doneByName: doneBy.name } : {}),
      purpose,
    };
  }

  private async channelOf(team: EducationTeam | undefined): Promise<ConversationRef | undefined> {
    if (!team?.teamsTeamId) return undefined;
    const ref = await this.deps.repos.conversations.team(team.schoolId, team.teamsTeamId);
    return ref?.installed ? ref : undefined;
  }

  /** The reminder N days before: the team's channel (when linked and the bot is in it) and each owner's chat. */
  private async remind(
    clock: SchoolClock,
    cycle: QualityCycle,
    milestoneId: string,
    team: EducationTeam | undefined,
    now: Date,
  ): Promise<{ sent: number; failed: number }> {
    const { log } = this.deps;
    const days = remindDays(
      cycle.level === 'school' ? cycle : await this.deps.cycles.cycles.get(cycle.schoolId, schoolCycleId(cycle.schoolYear)),
    );
    const m = await this.claim(cycle.schoolId, cycle.id, milestoneId, now, (x) => this.reminderDue(x, clock.today, days));
    if (!m) return { sent: 0, failed: 0 };
    const posted: PostedCard[] = [];
    let channelDone = true;
    let failed = 0;
    try {
      const ref = await this.channelOf(team);
      if (ref && !m.cards?.some((c) => c.kind === 'channel')) {
        try {
          posted.push(
            await this.deps.notifier.postToChannel(ref, await this.view(cycle, m, team, 'channel', clock), clock.school),
          );
        } catch (err) {
          failed++;
          channelDone = !(err instanceof DeliveryError && err.transient);
          if (err instanceof DeliveryError && !err.transient) await this.channelGone(ref);
          log.warn({ teamId: team?.id, milestoneId, reason: reasonOf(err) }, 'milestone reminder not posted in the channel');
        }
      } else if (team && !team.teamsTeamId) {
        log.debug({ teamId: team.id, milestoneId }, 'team not linked to a Teams team: no channel reminder');
      }
      const owners = await ownersOf(this.deps, cycle.schoolId, m.owner, team);
      failed += await this.sendEach(owners, m, 'owner', posted, () => this.view(cycle, m, team, 'owner', clock));
    } finally {
      await this.release(cycle.schoolId, cycle.id, milestoneId, (x) => ({
        ...x,
        cards: [...(x.cards ?? []), ...posted].slice(0, maxPostedCards),
        ...(channelDone ? { remindedOn: clock.today } : {}),
      }));
    }
    log.info({ cycleId: cycle.id, milestoneId, cards: posted.length, failed }, 'milestone reminder sent');
    return { sent: posted.length, failed };
  }

  /** Overdue: the team's leaders (school level: the coordinators) hear about it, once a week until it is done. */
  private async escalate(
    clock: SchoolClock,
    cycle: QualityCycle,
    milestoneId: string,
    team: EducationTeam | undefined,
    now: Date,
  ): Promise<{ sent: number; failed: number }> {
    const m = await this.claim(cycle.schoolId, cycle.id, milestoneId, now, (x) => this.escalationDue(x, clock.today));
    if (!m) return { sent: 0, failed: 0 };
    const posted: PostedCard[] = [];
    let failed = 0;
    try {
      const leaders = await ownersOf(
        this.deps,
        cycle.schoolId,
        { kind: 'role', role: team ? 'team-leader' : 'coordinator' },
        team,
      );
      failed = await this.sendEach(leaders, m, 'escalation', posted, () => this.view(cycle, m, team, 'escalation', clock), true);
    } finally {
      await this.release(cycle.schoolId, cycle.id, milestoneId, (x) => ({
        ...x,
        // Earlier escalation cards make way for the new ones; the channel and owner cards stay.
        cards: [...(x.cards ?? []).filter((c) => c.kind !== 'escalation'), ...posted].slice(0, maxPostedCards),
        escalatedOn: clock.today,
        // The channel and owner cards now show it is overdue.
        ...((x.cards ?? []).length ? { cardsStale: true } : {}),
      }));
    }
    this.deps.log.info({ cycleId: cycle.id, milestoneId, cards: posted.length, failed }, 'overdue milestone escalated');
    await this.syncCards(cycle.schoolId, cycle.id, milestoneId);
    return { sent: posted.length, failed };
  }

  private async sendEach(
    people: Person[],
    m: Milestone,
    kind: 'owner' | 'escalation',
    posted: PostedCard[],
    view: () => Promise<MilestoneView>,
    again = false,
  ): Promise<number> {
    let failed = 0;
    let built: MilestoneView | undefined;
    for (const person of people) {
      if (person.reachability.state === 'unreachable') continue;
      if (!again && m.cards?.some((c) => c.kind === kind && c.personId === person.id)) continue;
      try {
        built ??= await view();
        posted.push(await this.deps.notifier.sendToPerson(person, built));
      } catch (err) {
        failed++;
        const level = err instanceof DeliveryError && err.reason === 'no-conversation' ? 'debug' : 'warn';
        this.deps.log[level]({ personId: person.id, milestoneId: m.id, kind, reason: reasonOf(err) }, 'milestone card not sent');
      }
    }
    return failed;
  }

  private async channelGone(ref: ConversationRef): Promise<void> {
    const now = this.deps.clock.now().toISOString();
    await this.deps.repos.conversations.update(ref.schoolId, ref.id, (r) =>
      r.installed ? { ...r, installed: false, uninstalledAt: now, updatedAt: now } : undefined,
    );
  }

  /**
   * Brings every card of a milestone up to date (done, overdue, edited). Cards that no longer exist are
   * forgotten; a card that fails for now stays marked stale and the next run tries again. Returns how many
   * were updated.
   */
  async syncCards(schoolId: string, cycleId: string, milestoneId: string): Promise<number> {
    const cycle = await this.deps.cycles.cycles.get(schoolId, cycleId);
    const m = cycle?.milestones.find((x) => x.id === milestoneId);
    if (!cycle || !m?.cards?.length) return 0;
    const clock = await schoolClock(this.deps, schoolId);
    const team = cycle.teamId ? await this.deps.cycles.teams.get(schoolId, cycle.teamId) : undefined;
    const gone = new Set<string>();
    let updated = 0;
    let stale = false;
    for (const card of m.cards) {
      try {
        await this.deps.notifier.update(card, await this.view(cycle, m, team, card.kind, clock));
        updated++;
      } catch (err) {
        if (err instanceof DeliveryError && !err.transient) gone.add(card.activityId);
        else stale = true;
        this.deps.log.warn({ milestoneId, kind: card.kind, reason: reasonOf(err) }, 'milestone card not updated');
      }
    }
    const seen = new Set(m.cards.map((c) => c.activityId));
    await this.deps.cycles.cycles.update(schoolId, cycleId, (c) => ({
      ...c,
      milestones: c.milestones.map((x) => {
        if (x.id !== milestoneId) return x;
        const cards = (x.cards ?? []).filter((card) => !gone.has(card.activityId));
        // Cards added or a state changed meanwhile stay stale for the next run.
        const changedMeanwhile = cards.some((card) => !seen.has(card.activityId)) || shown(x) !== shown(m);
        return { ...x, cards, cardsStale: stale || changedMeanwhile };
      }),
    }));
    return updated;
  }
}

/** What a card shows of a milestone: when it changes, the cards must be drawn again. */
function shown(m: Milestone): string {
  return JSON.stringify([m.phase, m.title, m.description, m.due, m.owner, m.done, m.escalatedOn]);
}

function reasonOf(err: unknown): string {
  return err instanceof DeliveryError ? err.reason : String(err).slice(0, 200);
}
