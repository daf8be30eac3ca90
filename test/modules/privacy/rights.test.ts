import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import type { Person } from '../../../src/core/entities.ts';
import { ids, newGroup } from '../../../src/modules/campaigns/campaigns.ts';
import { campaignStatus } from '../../../src/modules/campaigns/status.ts';
import { buildCheckEvidence } from '../../../src/modules/quality-cycle/check-evidence.ts';
import type { EducationTeam } from '../../../src/modules/quality-cycle/quality-cycle.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { backends } from '../../helpers/backends.ts';
import {
  actionData,
  cardText,
  createShadowDayCampaign,
  engineOf,
  execute,
  grantRole,
  install,
  invokeCard,
  personOf,
  promptsTo,
  tick,
} from '../../helpers/campaigns.ts';
import { docsMentioning, scanStore } from '../../helpers/store-scan.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The AVG rights of a student on both backends, over HTTP with real Teams activities: the export holds
// every record that names the student, and after erasure (confirmed on a card) no collection holds their
// answers or anything that identifies them, while the campaign ledger, the PDCA Check evidence and the
// competency coverage report exactly what they reported before.

const teamsTeamId = '19:klas4h-privacy@thread.tacv2';
const secret = {
  campaign: 'Sanne-meeloop-kq7w: ik hielp op de afdeling',
  own: 'Sanne-eigen-zx91: de open dag',
  step: 'Sanne-stap-wv2p: mentor mailen',
  note: 'Notitie-voor-Sanne-yy55',
  other: 'Tom-geheim-tt0g',
};

interface World {
  sanne: TestUser;
  tom: TestUser;
  mentor: TestUser;
  classmates: TestUser[];
  sanneId: string;
  mentorPerson: Person;
  campaignId: string;
}

describe.each(backends)('AVG rights on $name', (backend) => {
  let store: DocumentStore;
  let t: TestBot;
  let clock: ManualClock;

  let w: World;

  // One world per backend (it takes a while on the Cosmos emulator): the export reads it, then the
  // erasure changes it.
  beforeAll(async () => {
    store = await backend.open();
    // Wednesday 25 November 2026, 14:00 in Amsterdam: a school day.
    clock = new ManualClock('2026-11-25T13:00:00Z');
    t = await startTestBot({ store, clock, env: { RATE_LIMIT_PER_MINUTE: '10000', RATE_LIMIT_BURST: '10000' } });
    w = await buildWorld();
  }, 120_000);
  afterAll(async () => {
    await t.stop();
    await store.close();
  });

  const say = async (user: TestUser, text: string) => {
    const before = t.connector.cardsIn(user.conversationId).length;
    expect((await t.send('personal-message', user, { text })).status).toBe(200);
    const cards = t.connector.cardsIn(user.conversationId);
    expect(cards.length).toBeGreaterThan(before);
    return cards.at(-1)!;
  };
  const press = async (user: TestUser, verb: string, data: Record<string, unknown>) =>
    invokeCard(await execute(t, user, verb, data));
  const openUrls = (card: unknown) => (JSON.stringify(card).match(/"url":"([^"]+)"/g) ?? []).map((m) => m.slice(7, -1));

  /** A class of six (Sanne, Tom, four more), a shadow-day campaign, their mentor's follow-up, and Sanne's own use of the app. */
  async function buildWorld(): Promise<World> {
    const coordinator = testUser('Decaan Visser', 'visser@school.nl');
    await install(t, coordinator);
    await grantRole(t, coordinator, 'coordinator');
    const sanne = testUser('Sanne de Vries', 'sanne.devries@school.nl');
    const tom = testUser('Tom Bakker', 'tom.bakker@school.nl');
    const classmates = [1, 2, 3, 4].map((i) => testUser(`Leerling ${i}`, `leerling${i}@school.nl`));
    const engine = await engineOf(t);
    const { group } = await engine.camp.groups.ensure({
      ...newGroup(tenantId, '4H', clock.now().toISOString()),
      teamId: teamsTeamId,
    });
    for (const u of [sanne, tom, ...classmates]) {
      await install(t, u);
      await engine.camp.groups.addMember(tenantId, group.id, (await personOf(t, u)).id, clock.now().toISOString());
    }
    await createShadowDayCampaign(t, coordinator, group.id, {
      name: 'Meeloopdag 4H',
      activityTitle: 'Meeloopdag hbo Verpleegkunde',
      date: '2026-11-25',
    });
    await tick(t);
    const answer = async (u: TestUser, happened: string) => {
      const { reflectionId } = actionData(promptsTo(t, u)[0], 'reflection.feel');
      await execute(t, u, 'reflection.submit', {
        reflectionId,
        feeling: 'good',
        happened,
        'good-at': 'Goed luisteren.',
        'next-step': 'Een open dag bezoeken.',
      });
    };
    await answer(sanne, secret.campaign);
    await answer(tom, secret.other);
    for (const u of classmates.slice(0, 3)) await answer(u, 'Ik liep mee.');
    clock.advance(4 * 3_600_000 + 60_000);
    await tick(t);

    const mentor = testUser('Piet Jansen', 'jansen@school.nl');
    await install(t, mentor);
    for (const u of [sanne, tom, ...classmates])
      await assignMentor(t.bot.deps.install, tenantId, { studentEmail: u.email, mentorEmail: mentor.email });
    await t.bot.router.sweep();
    const sanneId = (await personOf(t, sanne)).id;

    // Sanne reflects on her own and asks to talk: that reaches Piet at once.
    await say(sanne, 'reflecteer free');
    const own = actionData(t.connector.cardsIn(sanne.conversationId).at(-1), 'reflection.feel');
    await execute(t, sanne, 'reflection.submit', {
      reflectionId: own['reflectionId'],
      feeling: 'bad',
      happened: secret.own,
      important: 'Dat ik gehoord word.',
      'next-step': secret.step,
      'wants-to-talk': 'true',
    });
    // Piet discusses it, plans a conversation and writes her a note.
    const mentorPerson = await personOf(t, mentor);
    const mentoring = t.bot.deps.modules.mentoring;
    expect(await mentoring.followUps.discussed(mentorPerson, { kind: 'student' }, sanneId, '2026-11-25')).toMatchObject({
      ok: true,
    });
    expect(await mentoring.followUps.plan(mentorPerson, { kind: 'student' }, sanneId)).toMatchObject({ ok: true });
    expect(await mentoring.followUps.note(mentorPerson, { kind: 'student' }, sanneId, secret.note)).toMatchObject({ ok: true });
    // An open day that names Sanne on her own, her pause, and a dossier link she asked for.
    await engine.camp.activities.save({
      id: ids.activity(tenantId, 'open-dag-sanne'),
      schoolId: tenantId,
      type: 'open-day',
      title: 'Open dag Hogeschool',
      startsAt: '2026-12-05T09:00:00Z',
      endsAt: '2026-12-05T13:00:00Z',
      groupIds: [],
      studentIds: [sanneId],
      createdAt: clock.now().toISOString(),
      updatedAt: clock.now().toISOString(),
    });
    await press(sanne, 'pause.set', { days: 7 });
    await say(sanne, 'export');
    // Friday 15:05: Piet's weekly digest lists his students.
    clock.set('2026-11-27T14:05:00Z');
    await mentoring.digests.runDue(clock.now());
    const campaignId = (await engine.camp.campaigns.list(tenantId))[0]!.id;
    return { sanne, tom, mentor, classmates, sanneId, mentorPerson, campaignId };
  }

  /** Every figure about groups that the product reports: the campaign's status and the Check evidence, two ways. */
  async function aggregates(w: World) {
    const engine = await engineOf(t);
    const campaign = (await engine.camp.campaigns.get(tenantId, w.campaignId))!;
    const team = (teamsTeamIdOfTeam?: string): EducationTeam => ({
      id: 'havo-4',
      version: 1,
      schoolId: tenantId,
      name: 'Havo 4',
      kind: 'year',
      leaderIds: [],
      mentorIds: [w.mentorPerson.id],
      ...(teamsTeamIdOfTeam ? { teamsTeamId: teamsTeamIdOfTeam } : {}),
      createdAt: '2026-08-01T00:00:00Z',
      updatedAt: '2026-08-01T00:00:00Z',
    });
    const evidence = (tm: EducationTeam) =>
      buildCheckEvidence(t.bot.deps.evidence, {
        schoolId: tenantId,
        team: tm,
        schoolYear: '2026-2027',
        period: {
          from: '2026-08-01',
          to: '2026-11-30',
          start: new Date('2026-07-31T22:00:00Z'),
          end: new Date('2026-11-30T23:00:00Z'),
        },
        now: new Date('2026-11-30T12:00:00Z'),
      });
    return {
      campaign: await campaignStatus({ repos: t.bot.repos, camp: engine.camp }, campaign, []),
      byClass: await evidence(team(teamsTeamId)),
      byMentor: await evidence(team()),
      occurrences: (await engine.camp.occurrences.listByCampaign(tenantId, w.campaignId)).map((o) => o.deliveries),
    };
  }

  it('exports every record that names the student, as JSON and a readable overview, through single-use links', async () => {
    const home = await say(w.sanne, 'mijn gegevens');
    expect(cardText(home)).toContain('Jouw gegevens');
    expect(cardText(home)).toContain('12 maanden');
    const links = await press(w.sanne, 'privacy.export', actionData(home, 'privacy.export'));
    const [md, json] = openUrls(links);
    expect(md).toMatch(/\/downloads\/[A-Za-z0-9_-]{43}\/md$/);
    expect(json).toMatch(/\/downloads\/[A-Za-z0-9_-]{43}\/json$/);

    const res = await fetch(json!);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('cache-control')).toBe('no-store');
    const text = await res.text();
    const data = JSON.parse(text) as Record<string, unknown>;
    expect(data).toMatchObject({ format: 'lob-reflectie/personal-data', version: 1 });
    expect(data['person']).toMatchObject({ id: w.sanneId, email: w.sanne.email, name: 'Sanne de Vries' });
    for (const s of [secret.campaign, secret.own, secret.step, secret.note, 'Meeloopdag 4H', 'Piet Jansen', '"4H"'])
      expect(text).toContain(s);
    // Complete: every document in the store that names her is in the export, by its id.
    const naming = (await scanStore(store)).filter((d) => d.text.includes(w.sanneId));
    expect(new Set(naming.map((d) => d.collection))).toEqual(
      new Set([
        'people',
        'assignments',
        'conversations',
        'reflections',
        'mentor_items',
        'feedforward_notes',
        'mentor_followups',
        'mentoring_outbox',
        'mentor_digests',
        'group_members',
        'deliveries',
        'activities',
        'downloads',
      ]),
    );
    for (const d of naming) expect(text, `${d.collection}/${d.doc.id}`).toContain(JSON.stringify(d.doc.id));
    // Nobody else's: not Tom's answer, not the other students in Piet's digest.
    expect(text).not.toContain(secret.other);
    expect(text).not.toContain((await personOf(t, w.tom)).id);
    expect((await fetch(json!)).status).toBe(410);

    const overview = await (await fetch(md!)).text();
    expect(overview).toContain('# Alles wat LOB Reflectie over je bewaart');
    for (const s of ['Sanne de Vries', 'Piet Jansen', '4H', 'Meeloopdag 4H', secret.note, 'verwijder mijn gegevens'])
      expect(overview).toContain(s);
    expect(overview).toContain('Sanne-eigen-zx91: de open dag');
    expect(t.logLines.filter((l) => l.includes('zx91'))).toEqual([]);

    // Staff get the pointer to the school, not the card.
    expect(cardText(await say(w.mentor, 'mijn gegevens'))).toContain('via je school');
  }, 60_000);

  it('erases on a confirmed request: no answer or identifying data left anywhere, every figure unchanged', async () => {
    const before = await aggregates(w);
    // Figures worth keeping: shown (six students), and counting her.
    expect(before.campaign).toMatchObject({ total: 6, sent: 6, answered: 5, reminded: 1 });
    expect(before.byClass.prompts).toMatchObject({ hidden: false, value: { sent: 6, answered: 5, reminded: 1 } });
    expect(before.byClass.coverage.total).toMatchObject({ hidden: false });
    expect(before.byClass.followUp).toMatchObject({ hidden: false, value: { reflections: 6, discussed: 2, withNote: 1 } });
    expect(before.byMentor.students).toBe(6);
    const sanneNeedles = [
      w.sanneId,
      w.sanne.email,
      'Sanne',
      w.sanne.aadObjectId,
      w.sanne.userId,
      w.sanne.conversationId,
      ...Object.values(secret).filter((s) => s !== secret.other),
      'Goed luisteren', // her (and others') campaign answer: gone from her reflection, kept in theirs
    ];
    expect((await docsMentioning(store, [w.sanneId])).length).toBeGreaterThan(10);

    const ask = await say(w.sanne, 'verwijder mijn gegevens');
    expect(cardText(ask)).toContain('Je gegevens verwijderen?');
    expect(cardText(ask)).toContain('niet ongedaan');
    const confirm = actionData(ask, 'privacy.erase');
    // Someone else pressing her button, a tampered id, a cancel and a stale card all erase nothing.
    expect(cardText(await press(w.tom, 'privacy.erase', confirm))).toContain('Er is niets verwijderd');
    expect(cardText(await press(w.sanne, 'privacy.erase', { ...confirm, personId: 'x' }))).toContain('Er is niets verwijderd');
    expect(cardText(await press(w.sanne, 'privacy.erase', { personId: w.sanneId }))).toContain('Er is niets verwijderd');
    expect(cardText(await press(w.sanne, 'privacy.erase.cancel', {}))).toContain('Er is niets verwijderd');
    clock.advance(16 * 60_000);
    expect(cardText(await press(w.sanne, 'privacy.erase', confirm))).toContain('verlopen');
    expect(await personOf(t, w.sanne)).toMatchObject({ id: w.sanneId });

    const fresh = actionData(await say(w.sanne, 'delete my data'), 'privacy.erase');
    expect(cardText(await press(w.sanne, 'privacy.erase', fresh))).toContain('Je gegevens zijn verwijderd');

    const left = await docsMentioning(
      store,
      sanneNeedles.filter((n) => n !== 'Goed luisteren'),
    );
    expect(left).toEqual([]);
    // Her reflections are still counted, without a word of what she wrote.
    const reflections = (await scanStore(store)).filter((d) => d.collection === 'reflections');
    expect(reflections.filter((d) => d.text.includes('Goed luisteren'))).toHaveLength(4);
    expect(await aggregates(w)).toEqual(before);
    const record = (await t.bot.deps.modules.privacy.service.erasures(tenantId))[0]!;
    expect(record).toMatchObject({ reason: 'student', state: 'done' });
    expect(record.personId).toBeUndefined();

    // Piet no longer sees her; the campaign and the digest job run past her stand-in without a trace.
    expect(cardText(await say(w.mentor, 'mijn studenten'))).not.toContain('Sanne');
    await tick(t);
    clock.set('2026-12-04T14:05:00Z');
    await t.bot.deps.modules.mentoring.digests.runDue(clock.now());
    await t.bot.router.sweep();
    expect(
      await docsMentioning(
        store,
        sanneNeedles.filter((n) => n !== 'Goed luisteren'),
      ),
    ).toEqual([]);
    expect(t.logLines.filter((l) => /zx91|kq7w|yy55|wv2p/.test(l))).toEqual([]);

    // Writing again, she starts afresh: a new person with nothing of before.
    const welcome = await say(w.sanne, 'hallo');
    expect(cardText(welcome)).toContain('Welkom');
    const again = await personOf(t, w.sanne);
    expect(again.id).not.toBe(w.sanneId);
    expect(await t.bot.repos.reflections.listByStudent(again.id)).toEqual([]);
  }, 90_000);
});
