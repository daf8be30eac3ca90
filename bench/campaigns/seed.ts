import { createFlowCatalog, loadFlowFiles, shippedPromptsDir } from '../../src/core/flows/load-flows.ts';
import { openRepositories } from '../../src/core/repositories.ts';
import { shippedHolidays } from '../../src/core/send-policy/load-holidays.ts';
import { openSendPolicies } from '../../src/core/send-policy/send-policies.ts';
import { ids, newGroup } from '../../src/modules/campaigns/campaigns.ts';
import { CampaignPlanner } from '../../src/modules/campaigns/planner.ts';
import { openCampaignRepositories } from '../../src/modules/campaigns/repositories.ts';
import { CampaignService } from '../../src/modules/campaigns/service.ts';
import { systemClock } from '../../src/platform/clock.ts';
import { createLogger } from '../../src/platform/log.ts';
import { mapLimit } from '../../src/platform/pool.ts';
import { Leases } from '../../src/platform/scheduler/leases.ts';
import type { DocumentStore } from '../../src/platform/store/document-store.ts';

// A school as the bench needs it: N students who opened the app (their 1:1 chats are known), one class,
// a shadow day that ended a minute ago, and a campaign for it, planned. The calendar allows every hour
// of every day, so the bench runs at night and in holidays too.

export const benchSchool = 'bench-school-tenant';

export async function seedSchool(store: DocumentStore, students: number, serviceUrl: string) {
  const repos = await openRepositories(store);
  const now = new Date().toISOString();
  await repos.schools.ensure({
    id: benchSchool,
    name: 'Bench College',
    sector: 'mbo',
    timeZone: 'Europe/Amsterdam',
    defaultLocale: 'nl',
    serviceUrl,
    botId: '28:bench-bot',
    createdAt: now,
  });
  // The campaign module's planner and service (src/modules/campaigns/setup.ts) without the sender: the
  // seed only creates the campaign and plans it.
  const camp = await openCampaignRepositories(store);
  const policyFor = await openSendPolicies(store, repos, 'Europe/Amsterdam');
  const flows = createFlowCatalog(loadFlowFiles(shippedPromptsDir));
  const planner = new CampaignPlanner({
    repos,
    camp,
    clock: systemClock,
    leases: await Leases.open(store),
    owner: 'bench-seed',
    policyFor,
    log: createLogger('error'),
  });
  const service = new CampaignService({
    repos,
    camp,
    flows,
    clock: systemClock,
    planner,
    policyFor,
    hasPreparation: (flow) => flow.preparation !== undefined,
  });
  const core = { camp, service };
  await core.camp.calendars.ensure(benchSchool, now);
  await core.camp.calendars.update(benchSchool, (c) => ({
    ...c,
    quietHours: { before: '00:00', after: '24:00', weekends: false },
    removedHolidays: shippedHolidays().map((h) => h.key),
  }));
  const { group } = await core.camp.groups.ensure(newGroup(benchSchool, 'Bench 1', now));
  await mapLimit(
    Array.from({ length: students }, (_, i) => i),
    16,
    async (i) => {
      const id = `s${i}`;
      await repos.people.create({
        id,
        schoolId: benchSchool,
        name: `Student ${i}`,
        email: `s${i}@bench.example`,
        teamsUserId: `29:bench-${i}`,
        locale: 'nl',
        localeSource: 'default',
        roles: ['student'],
        reachability: { state: 'reachable' },
        createdAt: now,
        updatedAt: now,
      });
      await repos.conversations.save({
        schoolId: benchSchool,
        kind: 'personal',
        tenantId: benchSchool,
        conversationId: `a:bench-${i}`,
        serviceUrl,
        botId: '28:bench-bot',
        personId: id,
        teamsUserId: `29:bench-${i}`,
        installed: true,
        updatedAt: now,
      });
      await core.camp.groups.addMember(benchSchool, group.id, id, now);
    },
  );
  const end = new Date(Date.now() - 60_000).toISOString();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await core.service.create(
    benchSchool,
    {
      name: 'Meeloopdag (bench)',
      flowId: 'free',
      activityType: 'shadow-day',
      groupIds: [group.id],
      schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
      reminders: { afterHours: 24, max: 1 },
      closeAfterDays: 7,
    },
    {
      activity: {
        id: ids.activity(benchSchool, 'bench'),
        schoolId: benchSchool,
        type: 'shadow-day',
        title: 'Meeloopdag',
        startsAt: new Date(Date.now() - 6 * 3_600_000).toISOString(),
        endsAt: end,
        groupIds: [group.id],
        studentIds: [],
        createdAt: now,
        updatedAt: now,
      },
    },
  );
  const cpu = process.cpuUsage(cpu0);
  if (!result.ok) throw new Error(`bench campaign refused: ${JSON.stringify(result.refusals)}`);
  return {
    campaignId: result.campaign.id,
    planned: result.planned.deliveries,
    planMs: performance.now() - t0,
    planCpuMs: (cpu.user + cpu.system) / 1000,
    camp: core.camp,
  };
}
