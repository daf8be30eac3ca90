import type { Person } from '../../src/core/entities.ts';
import { type Competency, competencies, type Role } from '../../src/core/types.ts';
import type { ActivityType, Campaign, DeliveryState } from '../../src/modules/campaigns/campaigns.ts';
import { ids, newGroup } from '../../src/modules/campaigns/campaigns.ts';
import { mapLimit } from '../../src/platform/pool.ts';
import type { BotDeps } from '../../src/teams/turn.ts';
import { tenantId } from './activities.ts';

// A school as the coordinator page sees it, written straight into the store through the repositories:
// classes (one of them under 5 students), students (some of them unreachable), campaigns over the school
// year with deliveries in every state, submitted reflections with competencies, and two education teams
// linked to Teams teams with their classes. Seeded pseudo-randomly, so a run gives the same school every
// time. The browser test and the benchmark use it.

export interface WorldOptions {
  /** Classes of `classSize` students, plus one small class of 3. */
  classes: number;
  classSize: number;
  /** How many of the five campaigns (eight prompts per student in all); default all. */
  campaigns?: number;
  reflectionsPerStudent: number;
  seed?: number;
}

export interface World {
  coordinator: Person;
  teamLeader: Person;
  mentor: Person;
  student: Person;
  groupIds: string[];
  smallGroupId: string;
  campaigns: Campaign[];
  /** The education team the team leader leads, and its classes. */
  leaderTeam: { id: string; groupIds: string[] };
}

function random(seed: number) {
  let s = seed >>> 0 || 1;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const kinds: { type: ActivityType; flowId: string; months: string[]; name: string }[] = [
  { type: 'open-day', flowId: 'open-day-vo', months: ['2026-10', '2027-01'], name: 'Open dagen' },
  { type: 'shadow-day', flowId: 'shadow-day-vo', months: ['2026-11'], name: 'Meeloopdag hbo' },
  { type: 'internship', flowId: 'internship-vo', months: ['2026-12', '2027-02'], name: 'Snuffelstages' },
  { type: 'profile-choice', flowId: 'profile-choice', months: ['2027-02'], name: 'Profielkeuze' },
  { type: 'shadow-day', flowId: 'shadow-day-vo', months: ['2027-03'], name: 'Meeloopdag mbo' },
];

export async function seedCoordinatorWorld(deps: BotDeps, options: WorldOptions): Promise<World> {
  const rnd = random(options.seed ?? 7);
  const engine = deps.modules.campaigns;
  const { camp } = engine;
  const { repos } = deps;
  const now = deps.clock.now().toISOString();
  await repos.schools.ensure({
    id: tenantId,
    name: 'Voorbeeldcollege',
    sector: 'vo',
    timeZone: 'Europe/Amsterdam',
    defaultLocale: 'nl',
    createdAt: now,
  });
  const person = async (id: string, name: string, email: string, roles: Role[], extra: Partial<Person> = {}) =>
    repos.people.create({
      id,
      schoolId: tenantId,
      name,
      email,
      locale: 'nl',
      localeSource: 'default',
      roles,
      reachability: { state: 'reachable' },
      createdAt: now,
      updatedAt: now,
      ...extra,
    });
  const coordinator = await person('p-coordinator', 'Patti Fernandez', 'pattif@example.com', ['coordinator'], {
    entraObjectId: 'a1b2c3d4-0000-4000-8000-00000000c001',
  });
  const teamLeader = await person('p-leader', 'Lidia Holloway', 'lidiah@example.com', ['team-leader'], {
    entraObjectId: 'a1b2c3d4-0000-4000-8000-00000000c002',
  });
  const mentor = await person('p-mentor', 'Megan Bowen', 'meganb@example.com', ['mentor'], {
    entraObjectId: 'a1b2c3d4-0000-4000-8000-00000000c003',
  });

  // Classes: the first half in the Teams team of year 4, the rest in year 5; the small class in year 4.
  const groupIds: string[] = [];
  const members = new Map<string, string[]>();
  const total = options.classes + 1;
  const studentIds: string[] = [];
  const reasons = ['blocked', 'uninstalled', 'no-conversation'] as const;
  for (let g = 0; g < total; g++) {
    const small = g === options.classes;
    const name = small
      ? '4X'
      : `${g < options.classes / 2 ? 4 : 5}${String.fromCharCode(65 + (g % 26))}${Math.floor(g / 26) || ''}`;
    const team = small || g < options.classes / 2 ? 'year-4' : 'year-5';
    const { group } = await camp.groups.ensure(
      newGroup(tenantId, name, now, { teamId: `19:${team}@thread.tacv2`, teamName: `Jaar ${team.slice(-1)}` }),
    );
    groupIds.push(group.id);
    const size = small ? 3 : options.classSize;
    const ids: string[] = [];
    for (let i = 0; i < size; i++) ids.push(`s-${g}-${i}`);
    members.set(group.id, ids);
    studentIds.push(...ids);
  }
  const unreachable = new Map<string, string>();
  await mapLimit(studentIds, 16, async (id) => {
    const out = rnd() < 0.06;
    const reason = reasons[Math.floor(rnd() * reasons.length)]!;
    if (out) unreachable.set(id, reason);
    const [, g, i] = id.split('-');
    await person(id, `Leerling ${g}-${i}`, `${id}@school.nl`, ['student'], {
      ...(out && reason !== 'no-conversation'
        ? { reachability: { state: 'unreachable', since: now, reason: reason as 'blocked' | 'uninstalled' } }
        : {}),
    });
  });
  for (const [groupId, ids] of members) {
    await mapLimit(ids, 16, (id) => camp.groups.addMember(tenantId, groupId, id, now));
  }
  const student = (await repos.people.get(tenantId, studentIds[0]!))!;

  // Education teams linked to the two Teams teams; the team leader leads year 4.
  for (const [id, name, teamsTeamId, leaders] of [
    ['jaar-4', 'Jaar 4', '19:year-4@thread.tacv2', [teamLeader.id]],
    ['jaar-5', 'Jaar 5', '19:year-5@thread.tacv2', [coordinator.id]],
  ] as const) {
    await deps.cycles.teams.create({
      id,
      schoolId: tenantId,
      name,
      kind: 'year',
      leaderIds: [...leaders],
      mentorIds: [mentor.id],
      teamsTeamId,
      teamsTeamName: name,
      linkedAt: now,
      createdAt: now,
      updatedAt: now,
    });
  }

  // Campaigns with an activity per month for every class, deliveries in the activity's month.
  const campaigns: Campaign[] = [];
  const rows: { groupId: string; studentId: string }[] = [];
  for (const [groupId, ids2] of members) for (const studentId of ids2) rows.push({ groupId, studentId });
  for (const [k, kind] of kinds.slice(0, Math.max(1, options.campaigns ?? kinds.length)).entries()) {
    const activities = kind.months.map((month, m) => ({
      id: ids.activity(tenantId, `world-${k}-${m}`),
      endsAt: new Date(`${month}-1${k}T14:00:00+01:00`).toISOString(),
    }));
    for (const [m, a] of activities.entries()) {
      await camp.activities.save({
        id: a.id,
        schoolId: tenantId,
        type: kind.type,
        title: `${kind.name} ${m + 1}`,
        startsAt: new Date(Date.parse(a.endsAt) - 5 * 3_600_000).toISOString(),
        endsAt: a.endsAt,
        groupIds,
        studentIds: [],
        createdAt: now,
        updatedAt: now,
      });
    }
    const active = k === kinds.length - 1;
    const { campaign } = await camp.campaigns.create({
      id: ids.campaign(tenantId, `world-${k}`),
      schoolId: tenantId,
      name: kind.name,
      flowId: kind.flowId,
      activityType: kind.type,
      groupIds,
      activityIds: activities.map((a) => a.id),
      schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 60 } },
      reminders: { afterHours: 48, max: 1 },
      closeAfterDays: 7,
      state: active ? 'active' : 'completed',
      notBefore: '2026-08-01T00:00:00.000Z',
      createdAt: new Date(Date.parse(activities[0]!.endsAt) - 14 * 86_400_000).toISOString(),
      updatedAt: now,
      statusCards: [],
    });
    campaigns.push(campaign);
    for (const [m, a] of activities.entries()) {
      const scheduledAt = new Date(Date.parse(a.endsAt) + 3_600_000).toISOString();
      const { occurrence } = await camp.occurrences.ensure({
        id: ids.occurrence(campaign.id, a.id, 'prompt', scheduledAt),
        schoolId: tenantId,
        campaignId: campaign.id,
        activityId: a.id,
        kind: 'prompt',
        scheduledAt,
        state: 'planned',
        deliveries: rows.length,
        plannedAt: scheduledAt,
      });
      // Response differs per class, per kind of activity and over the year, so the charts show something.
      await mapLimit(rows, 16, async ({ groupId, studentId }) => {
        const deliveryId = ids.delivery(occurrence.id, studentId);
        const gIndex = groupIds.indexOf(groupId);
        const answerChance = 0.3 + 0.08 * k + 0.1 * m + 0.3 * ((gIndex % 5) / 5);
        let state: DeliveryState;
        const reason = unreachable.get(studentId);
        if (reason) state = 'unreachable';
        else if (active && rnd() < 0.3) state = 'planned';
        else state = rnd() < answerChance ? 'answered' : rnd() < 0.5 ? 'closed' : 'reminded';
        const sentAt = state === 'unreachable' || state === 'planned' ? undefined : scheduledAt;
        await camp.deliveries.ensure({
          id: deliveryId,
          schoolId: tenantId,
          campaignId: campaign.id,
          occurrenceId: occurrence.id,
          activityId: a.id,
          studentId,
          groupId,
          flowId: kind.flowId,
          kind: 'prompt',
          scheduledAt,
          ...(state === 'planned' ? { dueAt: scheduledAt } : {}),
          state,
          ...(reason ? { reason } : state === 'closed' ? { reason: 'no-answer' } : {}),
          attempts: sentAt ? 1 : 0,
          reflectionId: ids.reflection(deliveryId),
          ...(sentAt ? { sentAt, closesAt: new Date(Date.parse(sentAt) + 7 * 86_400_000).toISOString() } : {}),
          reminders: state === 'reminded' || (state === 'answered' && rnd() < 0.4) || state === 'closed' ? 1 : 0,
          ...(state === 'answered' ? { answeredAt: scheduledAt, ...(rnd() < 0.05 ? { late: true } : {}) } : {}),
          createdAt: scheduledAt,
          updatedAt: scheduledAt,
        });
      });
    }
  }

  // Submitted reflections, with competencies that vary per class.
  await mapLimit(studentIds, 16, async (studentId) => {
    const g = Number(studentId.split('-')[1]);
    for (let r = 0; r < options.reflectionsPerStudent; r++) {
      if (rnd() < 0.2) continue;
      const tags = competencies.filter((_, i) => rnd() < 0.25 + 0.12 * ((g + i) % 5)) as Competency[];
      const at = new Date(Date.parse('2026-09-20T10:00:00Z') + (r * 37 + g) * 86_400_000).toISOString();
      await repos.reflections.create({
        id: `r-${studentId}-${r}`,
        schoolId: tenantId,
        studentId,
        flowId: 'free',
        activityType: 'free',
        locale: 'nl',
        status: 'submitted',
        createdAt: at,
        submittedAt: at,
        emotion: 'good',
        answers: { happened: 'niet te zien voor de coördinator' },
        competencies: tags.length ? tags : ['qualities'],
        routing: 'none',
      });
    }
  });

  const leaderGroups = groupIds.filter((_, g) => g === options.classes || g < options.classes / 2);
  return {
    coordinator,
    teamLeader,
    mentor,
    student,
    groupIds,
    smallGroupId: groupIds[options.classes]!,
    campaigns,
    leaderTeam: { id: 'jaar-4', groupIds: leaderGroups },
  };
}
