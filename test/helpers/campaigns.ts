import { expect } from 'vitest';
import type { Role } from '../../src/core/types.ts';
import { ids, newGroup } from '../../src/modules/campaigns/campaigns.ts';
import type { Campaigns } from '../../src/modules/campaigns/setup.ts';
import { type TestUser, tenantId, testUser } from './activities.ts';
import { cardText } from './playground.ts';
import type { TestBot } from './test-bot.ts';

// Campaign test set-up on a running test bot: people installed the way Teams does it (real activities),
// groups and roles through the repositories, and ways to run the jobs and press card buttons.

export type Card = { body: Record<string, unknown>[]; actions?: Record<string, unknown>[] };

export { cardText };

export async function engineOf(t: TestBot): Promise<Campaigns> {
  return t.bot.deps.modules.campaigns;
}

export async function install(t: TestBot, user: TestUser): Promise<void> {
  t.join(user);
  expect((await t.send('personal-installation-add', user)).status).toBe(200);
}

export async function personOf(t: TestBot, user: TestUser) {
  const p = await t.bot.repos.people.findByEmail(tenantId, user.email);
  if (!p) throw new Error(`no person ${user.email}`);
  return p;
}

export async function grantRole(t: TestBot, user: TestUser, role: Role): Promise<void> {
  const p = await personOf(t, user);
  await t.bot.repos.people.update(tenantId, p.id, (x) =>
    x.roles.includes(role) ? undefined : { ...x, roles: [...x.roles, role] },
  );
}

/** Students who installed the app, in a new group. */
export async function classWith(
  t: TestBot,
  name: string,
  count: number,
  locale = 'nl-NL',
): Promise<{ users: TestUser[]; groupId: string }> {
  const engine = await engineOf(t);
  const now = t.bot.deps.clock.now().toISOString();
  const key = name.toLowerCase();
  const { group } = await engine.camp.groups.ensure(newGroup(tenantId, name, now));
  const users: TestUser[] = [];
  for (let i = 0; i < count; i++) {
    const user = testUser(`Leerling ${name}-${i + 1}`, `l${i + 1}.${key}@school.nl`, locale);
    await install(t, user);
    await engine.camp.groups.addMember(tenantId, group.id, (await personOf(t, user)).id, now);
    users.push(user);
  }
  return { users, groupId: group.id };
}

/** Runs a job until it actually ran (a kick from a button may be running it already). */
export async function runJob(t: TestBot, name: 'campaigns.send' | 'campaigns.plan'): Promise<unknown> {
  for (let i = 0; i < 200; i++) {
    const outcome = await t.bot.deps.jobs.runNow(name);
    if (outcome.status === 'ran') return outcome.result;
    if (outcome.status === 'failed') throw new Error(outcome.error);
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`${name} never ran`);
}

/** Plans and sends everything due now, and updates status cards. */
export async function tick(t: TestBot): Promise<void> {
  await runJob(t, 'campaigns.plan');
  await runJob(t, 'campaigns.send');
  await (await engineOf(t)).board.flush();
}

/** A student's answers to a shadow-day prompt, as the campaign tests post them. */
export const shadowDayAnswer = {
  feeling: 'good',
  happened: 'Ik liep mee met een verpleegkundige op de SEH.',
  'good-at': 'Goed opletten en vragen stellen.',
  'next-step': 'Vragen naar een snuffelstage.',
};

export function execute(t: TestBot, user: TestUser, verb: string, data: Record<string, unknown>, replyToId = 'act-card') {
  return t.send('card-action-execute', user, { verb, data, replyToId });
}

export function invokeCard(res: { status: number; body: unknown }): Card {
  expect(res.status).toBe(200);
  const body = res.body as { type: string; value: Card };
  expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
  return body.value;
}

/** The data of the card's Action.Execute with this verb (e.g. the reflection id of a prompt). */
export function actionData(card: unknown, verb: string): Record<string, unknown> {
  const found: Record<string, unknown>[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (o['type'] === 'Action.Execute' && o['verb'] === verb) found.push((o['data'] as Record<string, unknown>) ?? {});
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found[0]) throw new Error(`no ${verb} action on the card`);
  return found[0];
}

/** Prompts (reflection cards) a user received, oldest first. */
export function promptsTo(t: TestBot, user: TestUser): Card[] {
  return t.connector.cardsIn(user.conversationId).filter((c) => JSON.stringify(c).includes('"reflection.feel"')) as Card[];
}

/**
 * The coordinator makes a shadow-day campaign for a group from the template in Teams, filling in the
 * form for today 09:00–13:59 (prompt at the end, one reminder after 4 hours, closed after 7 days).
 */
export async function createShadowDayCampaign(
  t: TestBot,
  coordinator: TestUser,
  groupId: string,
  form: { name: string; activityTitle: string; date: string },
  replyToId = 'status-1',
): Promise<Card> {
  await t.send('personal-message', coordinator, { text: 'campagne' });
  const template = invokeCard(await execute(t, coordinator, 'campaign.template', { template: 'shadow-day' }));
  const formId = actionData(template, 'campaign.create')['formId'] as string;
  return invokeCard(
    await execute(
      t,
      coordinator,
      'campaign.create',
      {
        formId,
        template: 'shadow-day',
        activityType: 'shadow-day',
        ...form,
        startTime: '09:00',
        endTime: '13:59',
        offset: '0',
        flowId: 'free',
        reminder: '4x1',
        closeAfterDays: '7',
        prepare: 'false',
        groupId,
      },
      replyToId,
    ),
  );
}

/**
 * Through the campaign service rather than the Teams form (createShadowDayCampaign): a campaign for one shadow day of one class (25 November 2026, 09:00–13:55 in Amsterdam): a prompt right
 * after it ends, answers open a week. `activityKey` names the activity; `reminders` as the test needs them.
 */
export function shadowDayCampaignFor(
  campaigns: Pick<Campaigns, 'service'>,
  groupId: string,
  now: string,
  options: { name?: string; activityKey: string; reminders?: { afterHours: number; max: number }; schoolId?: string },
) {
  const schoolId = options.schoolId ?? tenantId;
  return campaigns.service.create(
    schoolId,
    {
      name: options.name ?? 'Snuffelstage',
      flowId: 'free',
      activityType: 'shadow-day',
      groupIds: [groupId],
      schedule: { kind: 'after-end', offset: { kind: 'after', minutes: 0 } },
      reminders: options.reminders ?? { afterHours: 24, max: 0 },
      closeAfterDays: 7,
    },
    {
      activity: {
        id: ids.activity(schoolId, options.activityKey),
        schoolId,
        type: 'shadow-day',
        title: '',
        startsAt: '2026-11-25T08:00:00Z',
        endsAt: '2026-11-25T12:55:00Z',
        groupIds: [groupId],
        studentIds: [],
        createdAt: now,
        updatedAt: now,
      },
    },
  );
}
