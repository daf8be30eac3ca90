import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { campaignLedgerEvidence, campaignNonResponders } from '../../../src/modules/campaigns/evidence.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import {
  actionData,
  shadowDayAnswer as answer,
  cardText,
  classWith,
  engineOf,
  execute,
  grantRole,
  install,
  invokeCard,
  personOf,
  promptsTo,
  tick,
} from '../../helpers/campaigns.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// A coordinator runs a campaign in Teams, over HTTP with real activities against a loopback connector:
// the create card, the status card updating in place, the prompts, one reminder, the unreachable list.

let t: TestBot;
let clock: ManualClock;
let coordinator: TestUser;

beforeEach(async () => {
  // Wednesday 25 November 2026, 14:00 in Amsterdam: a school day, outside any holiday.
  clock = new ManualClock('2026-11-25T13:00:00Z');
  t = await startTestBot({ clock });
  coordinator = testUser('Decaan Visser', 'visser@school.nl');
  await install(t, coordinator);
  await grantRole(t, coordinator, 'coordinator');
});
afterEach(async () => {
  await t.stop();
});

/** The coordinator opens the form from a template, the way the buttons do it. */
async function openForm(template = 'shadow-day') {
  expect((await t.send('personal-message', coordinator, { text: 'campagne' })).status).toBe(200);
  const templates = t.connector.cardsIn(coordinator.conversationId).at(-1);
  expect(cardText(templates)).toContain('Na een meeloopdag');
  const form = invokeCard(await execute(t, coordinator, 'campaign.template', { template }));
  return { form, formId: actionData(form, 'campaign.create')['formId'] as string };
}

function createWith(formId: string, fields: Record<string, string>, replyToId = 'status-1') {
  return execute(
    t,
    coordinator,
    'campaign.create',
    {
      formId,
      template: 'shadow-day',
      name: 'Meeloopdag 4H',
      activityType: 'shadow-day',
      activityTitle: 'Meeloopdag hbo Verpleegkunde',
      date: '2026-11-25',
      startTime: '09:00',
      endTime: '13:59',
      offset: '0',
      flowId: 'free',
      reminder: '4x1',
      closeAfterDays: '7',
      prepare: 'false',
      ...fields,
    },
    replyToId,
  );
}

function statusUpdates(activityId = 'status-1') {
  return t.connector.recorded.filter((r) => r.op === 'update' && r.activityId === activityId);
}

function lastStatusText(activityId = 'status-1'): string {
  const last = statusUpdates(activityId).at(-1);
  expect(last, 'the status card was updated').toBeDefined();
  return cardText((last!.activity['attachments'] as { content: unknown }[])[0]!.content);
}

describe('a campaign in Teams', () => {
  it('sends a shadow-day prompt to the class, updates the status card in place, reminds non-responders once and lists who blocked the bot', async () => {
    const { users, groupId } = await classWith(t, '4H', 5);
    const blocked = users[2]!;
    t.connector.failWith = ({ conversationId }) =>
      conversationId === blocked.conversationId ? { status: 403, code: 'ConversationBlockedByUser' } : undefined;

    const { form, formId } = await openForm();
    expect(cardText(form)).toContain('4H (5 leerlingen)');
    const created = invokeCard(await createWith(formId, { groupId }));
    expect(cardText(created)).toContain('Meeloopdag 4H');
    expect(cardText(created)).toMatch(/5\nGepland/);

    await tick(t);
    for (const u of users.filter((x) => x !== blocked)) {
      const prompts = promptsTo(t, u);
      expect(prompts, u.name).toHaveLength(1);
      expect(cardText(prompts[0])).toContain('Meeloopdag hbo Verpleegkunde');
      expect(cardText(prompts[0])).toContain('Hoe voelde dat?');
    }
    expect(promptsTo(t, blocked)).toHaveLength(0);
    expect((await personOf(t, blocked)).reachability).toMatchObject({ state: 'unreachable', reason: 'blocked' });

    // The card the coordinator pressed "start" on is now the status card, and it was updated in place.
    const status = lastStatusText();
    expect(t.connector.recorded.find((r) => r.op === 'update')?.conversationId).toBe(coordinator.conversationId);
    expect(status).toMatch(/4\nVerstuurd/);
    expect(status).toMatch(/1\nNiet bereikt/);
    expect(status).toContain('Niet bereikt (1)');
    expect(status).toContain(blocked.name);
    expect(status).toContain('heeft de app geblokkeerd');

    // One student answers the prompt.
    const first = users[0]!;
    const { reflectionId } = actionData(promptsTo(t, first)[0], 'reflection.feel');
    const summary = invokeCard(await execute(t, first, 'reflection.submit', { reflectionId, ...answer }));
    expect(cardText(summary)).toContain('Dank je wel');

    // Four hours later the others get one reminder: the same reflection, with a reminder line.
    clock.advance(4 * 3_600_000 - 60_000);
    await tick(t);
    expect(promptsTo(t, users[1]!)).toHaveLength(1);
    clock.advance(2 * 60_000);
    await tick(t);
    for (const u of [users[1]!, users[3]!, users[4]!]) {
      const prompts = promptsTo(t, u);
      expect(prompts, u.name).toHaveLength(2);
      expect(cardText(prompts[1])).toContain('Herinnering');
      expect(actionData(prompts[1], 'reflection.feel')).toEqual(actionData(prompts[0], 'reflection.feel'));
    }
    expect(promptsTo(t, first)).toHaveLength(1);
    expect(promptsTo(t, blocked)).toHaveLength(0);
    expect(lastStatusText()).toMatch(/3\nHerinnerd/);
    expect(lastStatusText()).toMatch(/1\nBeantwoord/);

    // Never a second reminder, also not on the school days after.
    for (const at of ['2026-11-26T09:00:00Z', '2026-11-26T15:00:00Z', '2026-11-27T10:00:00Z', '2026-11-30T10:00:00Z']) {
      clock.set(at);
      await tick(t);
    }
    expect(promptsTo(t, users[1]!)).toHaveLength(2);

    // After the window closed an answer still counts: stored, routed, and marked late.
    clock.advance(7 * 24 * 3_600_000);
    await tick(t);
    const late = users[1]!;
    const lateId = actionData(promptsTo(t, late)[0], 'reflection.feel')['reflectionId'] as string;
    invokeCard(await execute(t, late, 'reflection.submit', { reflectionId: lateId, ...answer }));
    const stored = await t.bot.repos.reflections.get((await personOf(t, late)).id, lateId);
    expect(stored).toMatchObject({ status: 'submitted', late: true, source: { kind: 'campaign' } });
    const engine = await engineOf(t);
    const ledger = await engine.camp.deliveries.find(tenantId, {});
    expect(ledger.map((d) => d.state).sort()).toEqual(['answered', 'answered', 'closed', 'closed', 'unreachable']);
    expect(ledger.find((d) => d.studentId === stored!.studentId)).toMatchObject({ state: 'answered', late: true, reminders: 1 });
    await engine.board.flush();
    expect(lastStatusText()).toContain('na het sluiten van het venster');

    // The same figures, as the PDCA Check evidence reads them for the class's education team.
    await engine.camp.groups.update(tenantId, groupId, (g) => ({ ...g, teamId: '19:team-4h@thread.tacv2' }));
    const evidence = campaignLedgerEvidence(engine.camp);
    const groups = await evidence.groupsOf({ schoolId: tenantId, teamsTeamId: '19:team-4h@thread.tacv2' });
    expect(groups.map((g) => [g.name, g.studentIds.length])).toEqual([['4H', 5]]);
    const day = (from: string, to: string) => ({
      from,
      to,
      start: new Date(`${from}T00:00:00+01:00`),
      end: new Date(`${to}T24:00:00+01:00`),
    });
    const query = { schoolId: tenantId, groups, studentIds: groups[0]!.studentIds };
    expect(await evidence.figures({ ...query, period: day('2026-11-25', '2026-11-25') })).toEqual({
      activitiesHeld: [{ activityType: 'shadow-day', count: 1 }],
      promptsSent: 4,
      answered: 2,
      reminded: 3,
      studentsPrompted: 4,
      // The campaign is about the class of 5: its own counts are shown, so it hides nothing here.
      smallCampaigns: 0,
    });
    expect(await evidence.figures({ ...query, period: day('2026-11-26', '2026-12-31') })).toMatchObject({
      activitiesHeld: [],
      promptsSent: 0,
    });
    expect(await evidence.groupsOf({ schoolId: tenantId, teamsTeamId: 'another-team' })).toEqual([]);
    // And what a mentor sees as "did not answer": the two whose window closed without an answer.
    const silent = await campaignNonResponders(engine.camp).list({
      schoolId: tenantId,
      studentIds: groups[0]!.studentIds,
      to: clock.now().toISOString(),
    });
    const ids = await Promise.all([users[3]!, users[4]!].map(async (u) => (await personOf(t, u)).id));
    expect(silent.map((r) => r.studentId).sort()).toEqual(ids.sort());
    expect(silent[0]).toMatchObject({ flowId: 'free', sentAt: expect.stringMatching(/^2026-11-25T13:00/) });
    expect(
      await campaignNonResponders(engine.camp).list({
        schoolId: tenantId,
        studentIds: ids,
        from: clock.now().toISOString(),
        to: clock.now().toISOString(),
      }),
    ).toEqual([]);

    // Nothing is ever sent twice, and no answer text reaches the log.
    const messages = t.connector.recorded.filter(
      (r) => r.op === 'create' && JSON.stringify(r.activity).includes('"reflection.feel"'),
    );
    expect(messages).toHaveLength(4 + 3);
    expect(t.logLines.join('\n')).not.toContain(answer.happened);
  });

  it('refuses a campaign in the past, for an empty group, with an unknown flow or a preparation the flow lacks, and says why', async () => {
    const { groupId } = await classWith(t, '4H', 2);
    const engine = await engineOf(t);
    const now = clock.now().toISOString();
    const { group: empty } = await engine.camp.groups.ensure(newGroup(tenantId, 'Leeg', now));
    const { formId } = await openForm();
    const cases: [Record<string, string>, string][] = [
      [{ groupId, date: '2026-10-01' }, 'zou alleen in het verleden versturen'],
      [{ groupId: empty.id }, 'In groep "Leeg" zitten geen leerlingen'],
      [{ groupId, flowId: 'bestaat-niet' }, 'De reflectie "bestaat-niet" bestaat niet'],
      [{ groupId, prepare: 'true' }, 'heeft geen voorbereidingsvraag'],
      [{ groupId, date: '2026-02-31' }, 'Vul een geldige datum en tijd in'],
      [{ groupId, endTime: '08:00' }, 'Het einde ligt voor het begin'],
    ];
    for (const [fields, message] of cases) {
      const card = invokeCard(await createWith(formId, fields));
      expect(cardText(card), message).toContain('De campagne is niet aangemaakt');
      expect(cardText(card)).toContain(message);
      // The form comes back with what was filled in, to correct it.
      expect(JSON.stringify(card)).toContain('Meeloopdag hbo Verpleegkunde');
    }
    expect(await engine.camp.campaigns.list(tenantId)).toHaveLength(0);
    expect(await engine.camp.activities.listByType(tenantId, 'shadow-day')).toHaveLength(0);

    // Pressing "start" twice (a double tap) makes one campaign with one prompt per student.
    await Promise.all([createWith(formId, { groupId }), createWith(formId, { groupId })]);
    await tick(t);
    expect(await engine.camp.campaigns.list(tenantId)).toHaveLength(1);
    expect(await engine.camp.deliveries.count(tenantId, {})).toBe(2);
  });

  it('is for coordinators and the school’s admins (campaign.manage), nobody else', async () => {
    // The role table (docs/security.md) gives campaign.manage to coordinators and admins; the campaign
    // commands and buttons used to name the coordinator role alone.
    const admin = testUser('Beheer', 'beheer@school.nl');
    await install(t, admin);
    await grantRole(t, admin, 'admin');
    expect(cardText(invokeCard(await execute(t, admin, 'campaign.list', {})))).not.toContain('Deze knop ken ik niet');
    await t.send('personal-message', admin, { text: 'campagne' });
    expect(cardText(t.connector.cardsIn(admin.conversationId).at(-1))).not.toContain('Dat begreep ik niet');

    const student = testUser('Sanne', 'sanne@school.nl');
    await install(t, student);
    await t.send('personal-message', student, { text: 'campagne' });
    expect(cardText(t.connector.cardsIn(student.conversationId).at(-1))).toContain('Dat begreep ik niet');
    const refused = invokeCard(await execute(t, student, 'campaign.list', {}));
    expect(cardText(refused)).toContain('Deze knop ken ik niet');
    const status = invokeCard(await execute(t, student, 'campaign.status', { campaignId: 'cmp-x' }));
    expect(cardText(status)).not.toContain('Gepland');
  });

  it('pauses, resumes and stops from the status card', async () => {
    const { users, groupId } = await classWith(t, '4H', 3);
    const { formId } = await openForm();
    invokeCard(await createWith(formId, { groupId, offset: '1d@09:00' }));
    const [campaign] = await (await engineOf(t)).camp.campaigns.list(tenantId);

    const paused = invokeCard(await execute(t, coordinator, 'campaign.pause', { campaignId: campaign!.id }));
    expect(cardText(paused)).toContain('Gepauzeerd');
    expect(cardText(paused)).toContain('Hervatten');
    clock.set('2026-11-26T08:05:00Z'); // the next morning, 09:05
    await tick(t);
    expect(users.flatMap((u) => promptsTo(t, u))).toHaveLength(0);

    invokeCard(await execute(t, coordinator, 'campaign.resume', { campaignId: campaign!.id }));
    await tick(t);
    expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 1, 1]);

    const stopped = invokeCard(await execute(t, coordinator, 'campaign.cancel', { campaignId: campaign!.id }));
    expect(cardText(stopped)).toContain('Gestopt');
    clock.advance(5 * 3_600_000);
    await tick(t);
    expect(users.map((u) => promptsTo(t, u).length)).toEqual([1, 1, 1]); // no reminders after stopping
    const list = invokeCard(await execute(t, coordinator, 'campaign.list', {}));
    // Three students: the list says the state, and no count (fewer than 5).
    expect(cardText(list)).toContain('Gestopt · aantallen verborgen (minder dan 5 leerlingen)');
    expect(cardText(list)).not.toMatch(/\d+ van \d+ verstuurd/);
  });
});
