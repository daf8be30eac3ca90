import { afterEach, describe, expect, it } from 'vitest';
import { type TestUser, tenantId } from '../../helpers/activities.ts';
import { actionData, classWith, engineOf, execute, invokeCard, personOf, tick } from '../../helpers/campaigns.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { cardText, executes, nov, World } from '../mentoring/world.ts';
import { kees, linkOf, openForm } from '../sharing/school.ts';

// The mid-BPV trialoog campaign over HTTP with real activities: the coordinator schedules it from the
// Teams template; halfway through the internship every student of the class gets a prompt (through the
// delivery engine) to choose a reflection and ask their supervisor, or to add their supervisor first;
// asking answers the prompt; the others get one reminder; the coordinator sees who had no supervisor.

const title = 'Halverwege je stage: vraag je praktijkopleider';
const happened = 'Ik heb zelf de bestellingen van vandaag klaargezet.';

let w: World | undefined;
afterEach(async () => {
  await w?.stop();
  w = undefined;
});

function lastCard(user: TestUser) {
  return w!.cards(user).at(-1)!;
}

describe('a mid-BPV trialoog campaign', () => {
  it('asks each student halfway to share a reflection with their supervisor, or to add one first', async () => {
    // Wednesday 25 November 2026, 14:00 in Amsterdam; the BPV period runs from 16 November to 4 December.
    w = await World.start({ at: nov(25, '14:00') });
    const coordinator = await w.person('Decaan Visser', 'visser@school.nl', 'coordinator');
    await w.repos.schools.update(tenantId, (s) => ({ ...s, sector: 'mbo' }));
    const { users, groupId } = await classWith(w.t, 'BPV2', 6);
    // Four students have a supervisor and a reflection; one has a supervisor but nothing finished to share;
    // the last one reflected but never added a supervisor.
    for (const u of users.slice(0, 5)) await w.act(u, 'sharing.supervisor', { ...kees });
    for (const u of [...users.slice(0, 4), users[5]!]) await w.reflect(u, { feeling: 'good', happened, 'next-step': 'Vragen.' });

    const templates = await w.say(coordinator.user, 'campagne');
    expect(cardText(templates)).toContain('Trialoog halverwege de stage');
    const form = invokeCard(await execute(w.t, coordinator.user, 'campaign.template', { template: 'internship-trialoog' }));
    expect(cardText(form)).toContain('Halverwege de stage, om');
    expect(cardText(form)).toContain('kiest een reflectie en vraagt zijn praktijkopleider om feedback');
    // The prompt opens no flow of the coordinator's choosing, so the form has no flow input.
    expect(JSON.stringify(form)).not.toContain('"id":"flowId"');
    expect(renderCard(form).problems).toEqual([]);
    const { formId } = actionData(form, 'campaign.create');
    const created = invokeCard(
      await execute(w.t, coordinator.user, 'campaign.create', {
        formId,
        template: 'internship-trialoog',
        name: 'Trialoog BPV2',
        groupId,
        activityType: 'internship',
        activityTitle: 'BPV periode 2',
        startDate: '2026-11-16',
        endDate: '2026-12-04',
        startTime: '08:30',
        endTime: '17:00',
        midwayTime: '10:00',
        reminder: '48x1',
        closeAfterDays: '14',
      }),
    );
    expect(cardText(created)).toContain('Trialoog BPV2');
    const engine = await engineOf(w.t);
    const [campaign] = await engine.camp.campaigns.list(tenantId);
    expect(campaign).toMatchObject({
      trialoog: true,
      schedule: { kind: 'midway', time: '10:00' },
      flowId: 'internship-midway-mbo',
    });

    await tick(w.t);
    // Halfway (Wednesday 25 November 10:00, so due now): one prompt each, through the delivery engine.
    const ledger = await engine.camp.deliveries.find(tenantId, { campaignId: campaign!.id });
    expect(ledger.map((d) => [d.state, d.scheduledAt])).toEqual(Array(6).fill(['sent', nov(25, '10:00')]));
    for (const u of users) {
      const card = lastCard(u);
      expect(cardText(card), u.name).toContain(title);
      expect(cardText(card)).toContain('BPV periode 2');
      expect(renderCard(card).problems).toEqual([]);
    }
    const askable = users.slice(0, 4);
    for (const u of askable) {
      const card = lastCard(u);
      expect(cardText(card)).toMatch(/Praktijkopleider: \nKees Bos \(Bakkerij Bos\)/);
      expect(cardText(card)).toContain('Iets wat ik meemaakte, 25 nov');
      expect(executes(card).map((a) => a.verb)).toEqual(['sharing.ask']);
      // Only the student's own reflection to choose from; its text is not on the card.
      expect(JSON.stringify(card)).not.toContain(happened);
    }
    expect(cardText(lastCard(users[4]!))).toContain('Je hebt nog geen afgeronde reflectie om te delen.');
    expect(executes(lastCard(users[4]!))).toEqual([]);
    const noSupervisor = lastCard(users[5]!);
    expect(cardText(noSupervisor)).toContain('Je hebt nog geen praktijkopleider ingevuld.');
    expect(executes(noSupervisor).map((a) => a.verb)).toEqual(['sharing.supervisor.form']);

    // The coordinator sees that one student had no supervisor and was asked to add one.
    const sixth = (await personOf(w.t, users[5]!)).id;
    expect(ledger.filter((d) => d.reason === 'no-supervisor').map((d) => d.studentId)).toEqual([sixth]);
    await engine.board.flush();
    const status = await engine.service.status(campaign!);
    expect(status).toMatchObject({ sent: 6, answered: 0, withoutSupervisor: 1 });
    const statusCard = invokeCard(await execute(w.t, coordinator.user, 'campaign.status', { campaignId: campaign!.id }));
    expect(cardText(statusCard)).toContain('1 leerling had nog geen praktijkopleider en kreeg de vraag die eerst in te vullen.');

    // The first student chooses her reflection and asks: the link card of the share path, and the prompt is answered.
    const first = users[0]!;
    const choice = JSON.stringify(lastCard(first)).match(/"value":"([^"]+)","choices"/)?.[1];
    expect(choice).toBeDefined();
    const linkCard = await w.act(first, 'sharing.ask', { reflectionId: choice! });
    expect(cardText(linkCard)).toContain('Geef deze link aan Kees Bos');
    const { page } = await openForm(linkOf(linkCard));
    expect(page.html).toContain(happened);
    // The sixth student adds her supervisor from the prompt and asks from the share menu that follows.
    const sixthUser = users[5]!;
    expect(cardText(await w.act(sixthUser, 'sharing.supervisor.form', {}))).toContain('Je stagebegeleider');
    const menu = await w.act(sixthUser, 'sharing.supervisor', { ...kees });
    const ask = executes(menu).find((a) => a.verb === 'sharing.ask')!;
    const sixthReflection = (await w.repos.reflections.listByStudent(sixth)).find((r) => r.status === 'submitted')!.id;
    expect(cardText(await w.act(sixthUser, ask.verb, { ...ask.data, reflectionId: sixthReflection }))).toContain(
      'Geef deze link aan Kees Bos',
    );
    const answered = await engine.camp.deliveries.find(tenantId, { campaignId: campaign!.id, states: ['answered'] });
    const firstId = (await personOf(w.t, first)).id;
    expect(answered.map((d) => d.studentId).sort()).toEqual([firstId, sixth].sort());
    expect((await engine.service.status(campaign!)).withoutSupervisor).toBe(0);

    // 48 hours later the other four get one reminder; the two who asked get nothing more.
    const before = users.map((u) => w!.cards(u).length);
    w.clock.set(nov(27, '14:05'));
    await tick(w.t);
    const after = users.map((u) => w!.cards(u).length - before[users.indexOf(u)]!);
    expect(after).toEqual([0, 1, 1, 1, 1, 0]);
    expect(cardText(lastCard(users[1]!))).toContain('Herinnering: je hebt je praktijkopleider nog niet om feedback gevraagd.');
    expect(executes(lastCard(users[1]!)).map((a) => a.verb)).toEqual(['sharing.ask']);

    // No reflection text reaches the log.
    expect(w.t.logLines.join('\n')).not.toContain(happened);
  });

  it('refuses a trialoog campaign at a time that does not exist', async () => {
    w = await World.start({ at: nov(25, '14:00') });
    const { groupId } = await classWith(w.t, 'BPV3', 2);
    const engine = await engineOf(w.t);
    const result = await engine.service.create(tenantId, {
      name: 'Trialoog BPV3',
      flowId: 'bpv-week',
      activityType: 'internship',
      groupIds: [groupId],
      schedule: { kind: 'midway', time: '25:00' },
      trialoog: true,
      reminders: { afterHours: 48, max: 1 },
      closeAfterDays: 14,
    });
    expect(result.ok).toBe(false);
    expect(!result.ok && result.refusals.map((r) => r.code)).toEqual(['badSchedule']);
  });
});
