import type { ConversationRef, Person } from '../../core/entities.ts';
import { isConversation } from '../../delivery/delivery-kind.ts';
import type { DeliveryEngine } from '../../delivery/engine.ts';
import type { MilestoneCards } from './milestone-cards.ts';
import {
  type ChannelTarget,
  changeMilestone,
  channelTarget,
  type MilestoneSend,
  milestoneSends,
  type SendOutcome,
} from './milestone-sends.ts';
import type { EducationTeam, Milestone, QualityCycle } from './quality-cycle.ts';
import { escalationDue, ofThisRound, type ReminderStep, reached, reminderDue } from './reminder-schedule.ts';
import { ensureYear, ownersOf, type QualityCycleDeps, remindDays, schoolClock } from './year-cycle.ts';

// Reminders for the quality cycle, worked out from the store and the clock on every run: a milestone is
// posted in its team's channel and sent to its owners N days before it is due, and escalated to the team
// leader (school level: the coordinators) once a week while it is overdue. Each card is one scheduled
// message for the delivery engine (./milestone-sends.ts), so the send policy, the claim and the retries
// are the engine's. A step (the reminder, one escalation round) is recorded on the milestone once the
// run has settled every card of it; a missed day is caught up by the next run and nothing is sent twice.

export interface ReminderDeps extends QualityCycleDeps {
  delivery: Pick<DeliveryEngine, 'deliver'>;
  cards: MilestoneCards;
  log: { info(obj: object, msg: string): void; debug(obj: object, msg: string): void };
}

export interface ReminderRun {
  schools: number;
  reminded: number;
  escalated: number;
  cardsUpdated: number;
  failed: number;
}

/** One step of one milestone in this run, and the cards it is made of. */
interface OpenStep {
  step: ReminderStep;
  cycle: QualityCycle;
  milestoneId: string;
  today: string;
  sends: MilestoneSend[];
}

export class QualityCycleReminders {
  private readonly deps: ReminderDeps;
  constructor(deps: ReminderDeps) {
    this.deps = deps;
  }

  /** One run over every school that uses the cycle (has an education team or a school cycle). */
  async run(now: Date): Promise<ReminderRun> {
    const result: ReminderRun = { schools: 0, reminded: 0, escalated: 0, cardsUpdated: 0, failed: 0 };
    const steps: OpenStep[] = [];
    for (const school of await this.deps.repos.schools.list()) {
      const clock = await schoolClock(this.deps, school.id, now);
      const teams = await this.deps.cycles.teams.list(school.id);
      if (teams.length === 0 && !(await this.deps.cycles.cycles.listByYear(school.id, clock.year.id)).length) continue;
      result.schools++;
      const year = await ensureYear(this.deps, school.id, clock.year);
      const days = remindDays(year.school);
      for (const { cycle, team } of [{ cycle: year.school, team: undefined }, ...year.teams]) {
        for (const m of cycle.milestones) {
          if (m.cardsStale) result.cardsUpdated += await this.deps.cards.sync(school.id, cycle.id, m.id);
          for (const step of ['reminder', 'escalation'] as const) {
            const due = step === 'reminder' ? reminderDue(m, clock.today, days) : escalationDue(m, clock.today);
            if (!due) continue;
            const base = { step, cycle, milestoneId: m.id, team, clock, days };
            const sends = (await this.recipients(step, cycle, m, team)).map(
              (to): MilestoneSend => ({
                ...base,
                key: `${cycle.id}/${m.id}/${step}/${isConversation(to) ? 'channel' : to.id}`,
                purpose: step === 'escalation' ? 'escalation' : isConversation(to) ? 'channel' : 'owner',
                to,
              }),
            );
            steps.push({ step, cycle, milestoneId: m.id, today: clock.today, sends });
          }
        }
      }
    }
    const outcomes = new Map<string, SendOutcome>();
    const kind = milestoneSends(this.deps, (send, outcome) => outcomes.set(send.key, outcome));
    await this.deps.delivery.deliver(
      kind,
      steps.flatMap((s) => s.sends),
      now,
    );
    for (const s of steps) {
      const settled = s.sends.map((send) => ({ send, outcome: outcomes.get(send.key) }));
      const sent = settled.filter((x) => x.outcome === 'sent').length;
      const failed = settled.filter((x) => x.outcome === 'retry' || x.outcome === 'failed').length;
      result[s.step === 'reminder' ? 'reminded' : 'escalated'] += sent;
      result.failed += failed;
      // Held by the send policy or by another run: this step is not finished. A channel post that failed
      // for now keeps the reminder open for the next run; a person's card that failed is not sent again
      // (a person without a Teams chat yet would otherwise be tried every quarter of an hour).
      if (settled.some((x) => x.outcome === undefined)) continue;
      if (s.step === 'reminder' && settled.some((x) => x.outcome === 'retry' && x.send.purpose === 'channel')) continue;
      await this.finish(s);
      this.deps.log.info(
        { cycleId: s.cycle.id, milestoneId: s.milestoneId, cards: sent, failed },
        s.step === 'reminder' ? 'milestone reminder sent' : 'overdue milestone escalated',
      );
      if (s.step === 'escalation') await this.deps.cards.sync(s.cycle.schoolId, s.cycle.id, s.milestoneId);
    }
    return result;
  }

  /** Whom a step still has to reach: the team's channel and the owners, or the leaders for an escalation. */
  private async recipients(
    step: ReminderStep,
    cycle: QualityCycle,
    m: Milestone,
    team: EducationTeam | undefined,
  ): Promise<(Person | ChannelTarget)[]> {
    const out: (Person | ChannelTarget)[] = [];
    if (step === 'reminder') {
      const ref = await this.channelOf(team);
      if (ref && !reached(m, step, undefined)) out.push(channelTarget(ref));
      else if (team && !team.teamsTeamId) {
        this.deps.log.debug({ teamId: team.id, milestoneId: m.id }, 'team not linked to a Teams team: no channel reminder');
      }
    }
    const owner = step === 'reminder' ? m.owner : ({ kind: 'role', role: team ? 'team-leader' : 'coordinator' } as const);
    for (const person of await ownersOf(this.deps, cycle.schoolId, owner, team)) {
      if (person.reachability.state !== 'unreachable' && !reached(m, step, person.id)) out.push(person);
    }
    return out;
  }

  private async channelOf(team: EducationTeam | undefined): Promise<ConversationRef | undefined> {
    if (!team?.teamsTeamId) return undefined;
    const ref = await this.deps.repos.conversations.team(team.schoolId, team.teamsTeamId);
    return ref?.installed ? ref : undefined;
  }

  /** Records the step on the milestone: the reminder went out, or this escalation round is over. */
  private async finish(s: OpenStep): Promise<void> {
    await changeMilestone(this.deps, { schoolId: s.cycle.schoolId, cycleId: s.cycle.id, milestoneId: s.milestoneId }, (m) => {
      if (s.step === 'reminder') return m.remindedOn ? undefined : { ...m, remindedOn: s.today };
      if (m.escalatedOn === s.today) return undefined;
      const cards = m.cards ?? [];
      return {
        ...m,
        // Earlier rounds' escalation cards make way for this round's; the channel and owner cards stay.
        cards: cards.filter((card) => card.kind !== 'escalation' || ofThisRound(m, card)),
        escalatedOn: s.today,
        // The channel and owner cards now show it is overdue.
        ...(cards.length ? { cardsStale: true } : {}),
      };
    });
  }
}
