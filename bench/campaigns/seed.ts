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

/**
 * Seeds one school. Another school than the default one (the schools bench) is its own tenant,
 * and its people and chats carry its id, so that schools never share a person or a conversation.
 */
export async function seedSchool(store: DocumentStore, students: number, serviceUrl: string, schoolId = benchSchool) {
  const tag = schoolId === benchSchool ? 'bench' : schoolId;
  const repos = await openRepositories(store);
  const now = new Date().toISOString();
  await repos.schools.ensure({
    id: schoolId,
    name: schoolId === benchSchool ? 'Bench College' : `Bench College ${tag}`,
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
  await core.camp.calendars.ensure(schoolId, now);
  await core.camp.calendars.update(schoolId, (c) => ({
    ...c,
    quietHours: { before: '00:00', after: '24:00', weekends: false },
    removedHolidays: shippedHolidays().map((h) => h.key),
  }));
  const { group } = await core.camp.groups.ensure(newGroup(schoolId, 'Bench 1', now));
  await mapLimit(
    Array.from({ length: students }, (_, i) => i),
    16,
    async (i) => {
      const id = schoolId === benchSchool ? `s${i}` : `${tag}-s${i}`;
      await repos.people.create({
        id,
        schoolId: schoolId,
        name: `Student ${i}`,
        email: `${id}@bench.example`,
        teamsUserId: `29:${tag}-${i}`,
        locale: 'nl',
        localeSource: 'default',
        roles: ['student'],
        reachability: { state: 'reachable' },
        createdAt: now,
        updatedAt: now,
      });
      await repos.conversations.save({
        schoolId: schoolId,
        kind: 'personal',
        tenantId: schoolId,
        conversationId: `a:${tag}-${i}`,
        serviceUrl,
        botId: '28:bench-bot',
        personId: id,
        teamsUserId: `29:${tag}-${i}`,
        installed: true,
        updatedAt: now,
      });
      await core.camp.groups.addMember(schoolId, group.id, id, now);
    },
  );
  const end = new Date(Date.now() - 60_000).toISOString();
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await core.service.create(
    schoolId,
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
        id: ids.activity(schoolId, 'bench'),
        schoolId: schoolId,
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
