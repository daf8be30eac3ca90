import type { SendPolicies, SendPolicy } from '../../core/send-policy/quiet-hours.ts';
import type { Activity, Campaign } from './campaigns.ts';
import type { CampaignRepositories } from './ports.ts';

// What one run of the campaign sender counts and remembers: its figures, and the campaigns, activities
// and send policies it read (each read once per run, a campaign at most once a second).

export interface SendStats {
  sent: number;
  reminded: number;
  closed: number;
  unreachable: number;
  /** Waiting for an allowed moment (quiet hours, holiday, a student's pause). */
  deferred: number;
  /** Transient failures after the request budget: tried again later. */
  failed: number;
  /** Request retries (429, 412, 5xx) within a send. */
  retries: number;
  cancelled: number;
  parked: number;
  /** Deliveries another instance (or an answer) changed first. */
  lost: number;
}

/** After this many transient failures in a row the run stops: the service is down, the backoff takes over. */
export const outageAfter = 25;

export function emptyStats(): SendStats {
  return {
    sent: 0,
    reminded: 0,
    closed: 0,
    unreachable: 0,
    deferred: 0,
    failed: 0,
    retries: 0,
    cancelled: 0,
    parked: 0,
    lost: 0,
  };
}

/** Adds one school's figures to a run's. */
export function addStats(total: SendStats, add: SendStats): void {
  for (const key of Object.keys(total) as (keyof SendStats)[]) total[key] += add[key];
}

export class SendRun {
  readonly stats: SendStats = emptyStats();
  failuresInARow = 0;
  private readonly policies = new Map<string, Promise<SendPolicy>>();
  private readonly campaigns = new Map<string, { at: number; campaign: Promise<Campaign | undefined> }>();
  private readonly activities = new Map<string, Promise<Activity | undefined>>();
  private readonly camp: CampaignRepositories;
  private readonly policyFor: SendPolicies;

  constructor(camp: CampaignRepositories, policyFor: SendPolicies) {
    this.camp = camp;
    this.policyFor = policyFor;
  }

  /** Teams keeps failing: the run stops and the deliveries' backoff takes over. */
  get outage(): boolean {
    return this.failuresInARow >= outageAfter;
  }

  policy(schoolId: string): Promise<SendPolicy> {
    let p = this.policies.get(schoolId);
    if (!p) {
      p = this.policyFor(schoolId);
      this.policies.set(schoolId, p);
    }
    return p;
  }

  /** Campaigns are read at most once a second per run, so a pause or stop takes effect within a second. */
  campaign(schoolId: string, id: string): Promise<Campaign | undefined> {
    const hit = this.campaigns.get(id);
    if (hit && Date.now() - hit.at < 1000) return hit.campaign;
    const campaign = this.camp.campaigns.get(schoolId, id);
    this.campaigns.set(id, { at: Date.now(), campaign });
    return campaign;
  }

  activity(schoolId: string, id: string): Promise<Activity | undefined> {
    let a = this.activities.get(id);
    if (!a) {
      a = this.camp.activities.get(schoolId, id);
      this.activities.set(id, a);
    }
    return a;
  }
}
