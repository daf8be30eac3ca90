import type { Person } from '../../core/entities.ts';
import type { Repositories } from '../../core/ports.ts';
import { nextAllowed, type SendPolicies, type SendPolicy } from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import { mapLimit } from '../../platform/pool.ts';
import { type Activity, type Campaign, ids, spreadDue } from './campaigns.ts';
import type { CampaignRepositories, LeasePort } from './ports.ts';
import { type OccurrenceSpec, occurrencesOf } from './schedule.ts';

// schedule → outbox. The planner works out, from the store and the clock, every occurrence that is due
// up to now and not planned yet, and turns it into one delivery per student: the durable outbox the
// sender works from. It is safe to run at any time, on any instance, as often as wanted: ids are
// derived from what they are, a lease keeps two instances off the same occurrence, and an occurrence
// left half-planned by a crash is completed by the next run. A tick missed while the bot was down is
// caught up by the next one; nothing is skipped without a record.

export interface PlannerDeps {
  repos: Repositories;
  camp: CampaignRepositories;
  clock: Clock;
  leases: LeasePort;
  owner: string;
  policyFor: SendPolicies;
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** Deliveries were planned (due now or later): the sender looks at the outbox again at once. */
  onPlanned?: () => void;
}

export interface PlanResult {
  occurrences: number;
  deliveries: number;
  superseded: number;
  completed: number;
}

const leaseMs = 120_000;
/** A delivery waiting for an allowed moment is looked at again at least this often. */
export const recheckMs = 24 * 3_600_000;

export class CampaignPlanner {
  private readonly deps: PlannerDeps;
  /**
   * Occurrences this planner saw planned or superseded. Those states are final, so an idle tick does not
   * read them again (a weekly campaign has one more every week); only new or half-planned ones are read.
   */
  private readonly settled = new Set<string>();
  constructor(deps: PlannerDeps) {
    this.deps = deps;
  }

  /** Plans what is due for every active campaign of every school. */
  async planAll(): Promise<PlanResult> {
    const total: PlanResult = { occurrences: 0, deliveries: 0, superseded: 0, completed: 0 };
    // A school's send policy is read once per run, however many campaigns it has.
    const policies = new Map<string, Promise<SendPolicy>>();
    const policyOf = (schoolId: string) => {
      let p = policies.get(schoolId);
      if (!p) {
        p = this.deps.policyFor(schoolId);
        policies.set(schoolId, p);
      }
      return p;
    };
    for (const campaign of await this.deps.camp.campaigns.listAnywhere(['active'])) {
      try {
        const r = await this.planCampaign(campaign, await policyOf(campaign.schoolId));
        total.occurrences += r.occurrences;
        total.deliveries += r.deliveries;
        total.superseded += r.superseded;
        total.completed += r.completed;
      } catch (err) {
        this.deps.log.warn({ campaignId: campaign.id, err: String(err) }, 'planning a campaign failed; retried next run');
      }
    }
    return total;
  }

  async activitiesOf(campaign: Campaign): Promise<Activity[]> {
    const { camp } = this.deps;
    if (campaign.activityIds) {
      const found = await Promise.all(campaign.activityIds.map((id) => camp.activities.get(campaign.schoolId, id)));
      return found.filter((a): a is Activity => Boolean(a));
    }
    const groups = new Set(campaign.groupIds);
    return (await camp.activities.listByType(campaign.schoolId, campaign.activityType)).filter(
      (a) => a.groupIds.some((g) => groups.has(g)) || a.studentIds.length > 0,
    );
  }

  /** The occurrences of a campaign, per activity (for status and planning). */
  async schedule(campaign: Campaign, timeZone: string): Promise<{ activity: Activity; specs: OccurrenceSpec[] }[]> {
    return (await this.activitiesOf(campaign)).map((activity) => ({
      activity,
      specs: occurrencesOf(campaign, activity, timeZone).filter((s) => s.scheduledAt >= campaign.notBefore),
    }));
  }

  async planCampaign(campaign: Campaign, knownPolicy?: SendPolicy): Promise<PlanResult> {
    const { camp, clock } = this.deps;
    const result: PlanResult = { occurrences: 0, deliveries: 0, superseded: 0, completed: 0 };
    if (campaign.state !== 'active') return result;
    const now = clock.now();
    const nowIso = now.toISOString();
    const policy = knownPolicy ?? (await this.deps.policyFor(campaign.schoolId));
    let anyLater = false;
    let unsettled = false;
    let targets: Targets | undefined;
    for (const { activity, specs } of await this.schedule(campaign, policy.timeZone)) {
      if (specs.some((s) => s.scheduledAt > nowIso)) anyLater = true;
      const due = specs.filter((s) => s.scheduledAt <= nowIso && !this.settled.has(s.id));
      if (due.length === 0) continue;
      const pending: OccurrenceSpec[] = [];
      for (const spec of due) {
        const existing = await camp.occurrences.get(campaign.schoolId, spec.id);
        if (!existing || existing.state === 'planning') pending.push(spec);
        else this.settled.add(spec.id);
      }
      if (pending.length === 0) continue;
      targets ??= await this.targetsOf(campaign);
      // After downtime several weekly prompts may be due at once: only the latest goes out, the
      // others are recorded as superseded by it (visible in the status), never silently dropped.
      const latestPrompt = pending.filter((s) => s.kind === 'prompt').at(-1);
      for (const spec of pending) {
        const superseded = campaign.schedule.kind === 'weekly' && spec.kind === 'prompt' && spec !== latestPrompt;
        const r = await this.planOccurrence(campaign, activity, spec, targets, policy, superseded ? latestPrompt : undefined);
        if (r === undefined) {
          unsettled = true;
          continue;
        }
        this.settled.add(spec.id);
        if (superseded) result.superseded++;
        else {
          result.occurrences++;
          result.deliveries += r;
        }
      }
    }
    // With nothing later, every occurrence was due and is now settled (unless another instance holds one):
    // the campaign is finished when its last deliveries are.
    if (!anyLater && !unsettled && campaign.activityIds && (await this.allFinal(campaign))) {
      await camp.campaigns.update(campaign.schoolId, campaign.id, (c) =>
        c.state === 'active' ? { ...c, state: 'completed', updatedAt: nowIso } : undefined,
      );
      result.completed++;
    }
    if (result.deliveries) this.deps.onPlanned?.();
    if (result.occurrences || result.superseded)
      this.deps.log.info({ campaignId: campaign.id, schoolId: campaign.schoolId, ...result }, 'campaign occurrences planned');
    return result;
  }

  /** The occurrences not planned yet (later moments), with the number of students each will reach. */
  async upcoming(campaign: Campaign): Promise<{ scheduledAt: string; kind: OccurrenceSpec['kind']; students: number }[]> {
    if (campaign.state === 'cancelled' || campaign.state === 'completed') return [];
    const policy = await this.deps.policyFor(campaign.schoolId);
    const out: { scheduledAt: string; kind: OccurrenceSpec['kind']; students: number }[] = [];
    let targets: Targets | undefined;
    for (const { activity, specs } of await this.schedule(campaign, policy.timeZone)) {
      for (const spec of specs) {
        if (this.settled.has(spec.id) || (await this.deps.camp.occurrences.get(campaign.schoolId, spec.id))) continue;
        targets ??= await this.targetsOf(campaign);
        out.push({
          scheduledAt: spec.scheduledAt,
          kind: spec.kind,
          students: this.studentsOf(campaign, activity, targets).length,
        });
      }
    }
    return out.sort((a, b) => a.scheduledAt.localeCompare(b.scheduledAt));
  }

  /** Every delivery of the campaign is final: nothing left to send or remind. */
  private async allFinal(campaign: Campaign): Promise<boolean> {
    const open = await this.deps.camp.deliveries.count(campaign.schoolId, {
      campaignId: campaign.id,
      states: ['planned', 'sending', 'sent', 'reminded'],
    });
    return open === 0;
  }

  private async targetsOf(campaign: Campaign): Promise<Targets> {
    const { repos, camp } = this.deps;
    const members = new Map<string, string[]>();
    const memberOf = new Map<string, string>();
    for (const groupId of campaign.groupIds) {
      const ids = (await camp.groups.members(campaign.schoolId, groupId)).map((m) => m.personId);
      members.set(groupId, ids);
      for (const id of ids) if (!memberOf.has(id)) memberOf.set(id, groupId);
    }
    const people = new Map((await repos.people.listByRole(campaign.schoolId, 'student')).map((p) => [p.id, p]));
    return { members, memberOf, people };
  }

  /** Plans one occurrence; undefined when another instance holds it. Returns the number of deliveries. */
  private async planOccurrence(
    campaign: Campaign,
    activity: Activity,
    spec: OccurrenceSpec,
    targets: Targets,
    policy: SendPolicy,
    supersededBy: OccurrenceSpec | undefined,
  ): Promise<number | undefined> {
    const { camp, clock, leases, owner } = this.deps;
    const now = clock.now();
    const lease = `occurrence:${spec.id}`;
    if (!(await leases.acquire(lease, owner, leaseMs, now))) return undefined;
    try {
      const { occurrence } = await camp.occurrences.ensure({
        id: spec.id,
        schoolId: campaign.schoolId,
        campaignId: campaign.id,
        activityId: activity.id,
        kind: spec.kind,
        scheduledAt: spec.scheduledAt,
        state: 'planning',
        deliveries: 0,
      });
      if (occurrence.state !== 'planning') return undefined;
      if (supersededBy) {
        await camp.occurrences.update(campaign.schoolId, spec.id, (o) =>
          o.state === 'planning'
            ? { ...o, state: 'superseded', supersededBy: supersededBy.id, plannedAt: now.toISOString() }
            : undefined,
        );
        return 0;
      }
      const students = this.studentsOf(campaign, activity, targets);
      const from = new Date(Math.max(now.getTime(), new Date(spec.scheduledAt).getTime()));
      const nowIso = now.toISOString();
      await mapLimit(students, 8, async ({ person, groupId }) => {
        const id = ids.delivery(spec.id, person.id);
        // Looked at again within a day at the latest: a student may end a pause early.
        const allowed = nextAllowed(from, policy, 'campaign-prompt', person.pause) ?? from;
        const dueAt = spreadDue(Math.min(allowed.getTime(), from.getTime() + recheckMs), id);
        await camp.deliveries.ensure({
          id,
          schoolId: campaign.schoolId,
          campaignId: campaign.id,
          occurrenceId: spec.id,
          activityId: activity.id,
          studentId: person.id,
          ...(groupId ? { groupId } : {}),
          flowId: campaign.flowId,
          kind: spec.kind,
          scheduledAt: spec.scheduledAt,
          dueAt,
          state: 'planned',
          attempts: 0,
          reflectionId: ids.reflection(id),
          reminders: 0,
          createdAt: nowIso,
          updatedAt: nowIso,
        });
      });
      await camp.occurrences.update(campaign.schoolId, spec.id, (o) => ({
        ...o,
        state: 'planned',
        deliveries: students.length,
        plannedAt: nowIso,
      }));
      return students.length;
    } finally {
      await leases.release(lease, owner);
    }
  }

  /** The students an occurrence goes to: the activity's students within the campaign's groups. */
  private studentsOf(campaign: Campaign, activity: Activity, targets: Targets): { person: Person; groupId?: string }[] {
    const scoped = campaign.activityIds?.includes(activity.id) ?? false;
    const out = new Map<string, string | undefined>();
    for (const groupId of activity.groupIds) {
      for (const personId of targets.members.get(groupId) ?? []) if (!out.has(personId)) out.set(personId, groupId);
    }
    for (const personId of activity.studentIds) {
      if (scoped || targets.memberOf.has(personId)) out.set(personId, targets.memberOf.get(personId));
    }
    const list: { person: Person; groupId?: string }[] = [];
    for (const [personId, groupId] of out) {
      const person = targets.people.get(personId);
      if (person) list.push({ person, ...(groupId ? { groupId } : {}) });
    }
    return list;
  }
}

interface Targets {
  /** Active members of each of the campaign's groups. */
  members: Map<string, string[]>;
  /** Every member of the campaign's groups → the first campaign group they are in. */
  memberOf: Map<string, string>;
  people: Map<string, Person>;
}
