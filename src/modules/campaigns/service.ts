import { randomUUID } from 'node:crypto';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import type { Repositories } from '../../core/ports.ts';
import type { SendPolicies } from '../../core/send-policy/quiet-hours.ts';
import type { Clock } from '../../platform/clock.ts';
import { type Activity, type Campaign, finalDeliveryStates, ids, type StatusCardRef, spreadDue } from './campaigns.ts';
import { type CampaignInput, checkCampaign, type Refusal } from './checks.ts';
import type { CampaignPlanner, PlanResult } from './planner.ts';
import type { CampaignRepositories } from './ports.ts';
import { type CampaignStatus, campaignStatus } from './status.ts';

// What coordinators do with campaigns, whether from Teams or the command line: create one (checked and
// refused with reasons), pause, resume, stop, and read its status.

export interface CampaignServiceDeps {
  repos: Repositories;
  camp: CampaignRepositories;
  flows: FlowCatalog;
  clock: Clock;
  planner: CampaignPlanner;
  policyFor: SendPolicies;
  /** Whether a flow has a preparation prompt (the prompt library decides). */
  hasPreparation(flow: Flow): boolean;
  /** Deliveries became due (a campaign resumed): the sender looks at the outbox again at once. */
  onDue?: () => void;
}

export type CreateResult =
  | { ok: true; campaign: Campaign; created: boolean; planned: PlanResult }
  | { ok: false; refusals: Refusal[] };

export class CampaignService {
  private readonly deps: CampaignServiceDeps;
  constructor(deps: CampaignServiceDeps) {
    this.deps = deps;
  }

  /** The activities a campaign would cover: the ones named, or those of its type for its groups. */
  private async activitiesFor(schoolId: string, input: CampaignInput): Promise<(Activity | undefined)[]> {
    const { camp } = this.deps;
    if (input.activityIds) return Promise.all(input.activityIds.map((id) => camp.activities.get(schoolId, id)));
    if (!input.groupIds.length) return [];
    const groups = new Set(input.groupIds);
    const all = await camp.activities.listByType(schoolId, input.activityType as Activity['type']).catch(() => []);
    return all.filter((a) => a.groupIds.some((g) => groups.has(g)));
  }

  /** Checks a campaign; `extraActivities` are activities that will be saved together with it (the Teams form). */
  async check(schoolId: string, input: CampaignInput, extraActivities: Activity[] = []): Promise<Refusal[]> {
    const { camp, flows, clock } = this.deps;
    const flow = flows.get(input.flowId);
    const groups = await Promise.all(
      input.groupIds.map(async (id) => {
        const g = await camp.groups.get(schoolId, id);
        return g ? { id, name: g.name, members: (await camp.groups.members(schoolId, id)).length } : { id, members: 0 };
      }),
    );
    const policy = await this.deps.policyFor(schoolId);
    const activities = extraActivities.length ? extraActivities : await this.activitiesFor(schoolId, input);
    return checkCampaign(input, {
      now: clock.now(),
      timeZone: policy.timeZone,
      flow: flow ? { id: flow.id, title: flow.title.nl } : undefined,
      flowHasPreparation: flow ? this.deps.hasPreparation(flow) : false,
      groups,
      activities,
    });
  }

  /**
   * Creates a campaign and plans what is due right away. `id` makes it idempotent (a form submitted
   * twice creates one campaign); `activity` is saved with it when the campaign is made for one activity.
   */
  async create(
    schoolId: string,
    input: CampaignInput,
    options: { id?: string; createdBy?: string; activity?: Omit<Activity, 'version'> } = {},
  ): Promise<CreateResult> {
    const { camp, clock, planner } = this.deps;
    const activity = options.activity;
    const full: CampaignInput = activity ? { ...input, activityIds: [activity.id] } : input;
    const refusals = await this.check(schoolId, full, activity ? [{ ...activity, version: 0 }] : []);
    if (refusals.length) return { ok: false, refusals };
    const now = clock.now();
    if (activity) await camp.activities.save(activity);
    const { campaign, created } = await camp.campaigns.create({
      id: options.id ?? ids.campaign(schoolId, randomUUID()),
      schoolId,
      name: full.name.trim(),
      flowId: full.flowId,
      activityType: full.activityType as Campaign['activityType'],
      groupIds: full.groupIds,
      ...(full.activityIds ? { activityIds: full.activityIds } : {}),
      schedule: full.schedule,
      ...(full.preparation ? { preparation: full.preparation } : {}),
      ...(full.trialoog ? { trialoog: true as const } : {}),
      reminders: full.reminders,
      closeAfterDays: full.closeAfterDays,
      state: 'active',
      notBefore: new Date(now.getTime() - full.closeAfterDays * 24 * 3_600_000).toISOString(),
      ...(options.createdBy ? { createdBy: options.createdBy } : {}),
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
      statusCards: [],
    });
    const planned = await planner.planCampaign(campaign);
    return { ok: true, campaign, created, planned };
  }

  async pause(schoolId: string, id: string): Promise<Campaign | undefined> {
    if (!(await this.deps.camp.campaigns.get(schoolId, id))) return undefined;
    const now = this.deps.clock.now().toISOString();
    return this.deps.camp.campaigns.update(schoolId, id, (c) =>
      c.state === 'active' ? { ...c, state: 'paused', updatedAt: now } : undefined,
    );
  }

  /** Resumes a paused campaign: what was parked becomes due now (and waits for an allowed moment as usual). */
  async resume(schoolId: string, id: string): Promise<Campaign | undefined> {
    const { camp, clock } = this.deps;
    if (!(await camp.campaigns.get(schoolId, id))) return undefined;
    const now = clock.now().toISOString();
    const campaign = await camp.campaigns.update(schoolId, id, (c) =>
      c.state === 'paused' ? { ...c, state: 'active', updatedAt: now } : undefined,
    );
    for (const d of await camp.deliveries.find(schoolId, { campaignId: id, parked: true })) {
      await camp.deliveries.update(schoolId, d.id, (c) =>
        c.parked && !finalDeliveryStates.includes(c.state)
          ? { ...c, parked: undefined, dueAt: spreadDue(Date.parse(now), c.id), updatedAt: now }
          : undefined,
      );
    }
    this.deps.onDue?.();
    return campaign;
  }

  /**
   * Stops a campaign: prompts not sent yet are cancelled, open ones get no more reminders. A prompt being
   * sent at this very moment is left to its sender, which records it and then stops.
   */
  async cancel(schoolId: string, id: string): Promise<Campaign | undefined> {
    const { camp, clock } = this.deps;
    if (!(await camp.campaigns.get(schoolId, id))) return undefined;
    const now = clock.now().toISOString();
    const campaign = await camp.campaigns.update(schoolId, id, (c) =>
      c.state === 'active' || c.state === 'paused' ? { ...c, state: 'cancelled', updatedAt: now } : undefined,
    );
    const open = await camp.deliveries.find(schoolId, { campaignId: id, states: ['planned', 'sending', 'sent', 'reminded'] });
    for (const d of open) {
      await camp.deliveries.update(schoolId, d.id, (c) => {
        if (finalDeliveryStates.includes(c.state)) return undefined;
        if (c.claimedBy && c.dueAt && c.dueAt > now) return undefined; // in flight: its sender finishes it
        return c.state === 'planned' || (c.state === 'sending' && !c.sentAt)
          ? { ...c, state: 'cancelled', dueAt: undefined, parked: undefined, updatedAt: now }
          : { ...c, state: 'closed', reason: 'campaign-cancelled', dueAt: undefined, parked: undefined, updatedAt: now };
      });
    }
    return campaign;
  }

  async status(campaign: Campaign): Promise<CampaignStatus> {
    const upcoming = await this.deps.planner.upcoming(campaign);
    return campaignStatus(this.deps, campaign, upcoming);
  }

  /** Remembers a status card so it is updated in place while the campaign sends. */
  async attachStatusCard(schoolId: string, id: string, ref: StatusCardRef): Promise<Campaign> {
    return this.deps.camp.campaigns.update(schoolId, id, (c) =>
      c.statusCards.some((r) => r.activityId === ref.activityId && r.conversationId === ref.conversationId)
        ? undefined
        : { ...c, statusCards: [...c.statusCards.filter((r) => r.personId !== ref.personId).slice(-4), ref] },
    );
  }
}
