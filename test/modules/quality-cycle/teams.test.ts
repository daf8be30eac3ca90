import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import { createTeam } from '../../../src/modules/quality-cycle/education-teams.ts';
import { tenantId, testUser } from '../../helpers/activities.ts';
import {
  at,
  cardText,
  type PdcaSchool,
  personWith,
  startPdcaSchool,
  submittedReflection,
  teamsTeamId,
} from '../../helpers/quality-cycle.ts';

// The quality cycle over HTTP with real Teams activities: the pdca command in a chat and in a channel,
// linking a channel, marking done from the channel card (and who may not), the Check evidence card and
// its downloads, and editing milestones from cards.

type Card = Record<string, unknown>;

function invokeCard(res: { status: number; body: unknown }): Card {
  expect(res.status).toBe(200);
  const body = res.body as { type: string; value: Card };
  expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
  return body.value;
}

function action(card: unknown, verb: string): Record<string, unknown> {
  let found: Record<string, unknown> | undefined;
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Card;
      if (o['verb'] === verb && !found) found = o['data'] as Record<string, unknown>;
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  if (!found) throw new Error(`no ${verb} action on the card`);
  return found;
}

describe('the quality cycle in Teams', () => {
  let s: PdcaSchool;
  beforeEach(async () => {
    s = await startPdcaSchool('2026-09-16');
  });
  afterEach(async () => {
    await s.stop();
  });

  const lastCard = (conversationId: string) => s.t.connector.cardsIn(conversationId).at(-1);
  const say = async (user: typeof s.leader, text: string) => {
    expect((await s.t.send('personal-message', user, { text })).status).toBe(200);
    return cardText(lastCard(user.conversationId));
  };

  it('links the channel, shows the status at a glance, and answers others as if pdca did not exist', async () => {
    // startPdcaSchool linked the channel with "pdca koppel havo-4": the reply went into that thread.
    const reply = s.t.connector.recorded.find(
      (r) => r.op === 'create' && r.conversationId.startsWith(`${teamsTeamId};messageid=`),
    );
    expect(cardText((reply!.activity['attachments'] as { content: unknown }[])[0]!.content)).toContain('Gekoppeld');
    expect((await s.t.bot.deps.cycles.teams.get(tenantId, 'havo-4'))?.teamsTeamId).toBe(teamsTeamId);

    const status = await say(s.leader, 'pdca');
    expect(status).toContain('Kwaliteitscyclus LOB 2026–2027');
    expect(status).toContain('Havo 4');
    expect(status).toContain('Team Havo 4'); // the linked Teams team
    // 16 September: the work plan (31 August) is overdue, the fixed mentor (30 September) due soon, the
    // first-half activities and the agreements with the workplace supervisors (31 October) later.
    expect(status).toContain('0 afgerond · 0 binnenkort · 1 te laat · 0 later');
    expect(status).toContain('0 afgerond · 1 binnenkort · 0 te laat · 2 later');
    expect(status).not.toContain('LOB-beleidsplan van de school'); // the school level is the coordinators'

    const coordinator = await say(s.coordinator, 'pdca');
    expect(coordinator).toContain('LOB-beleidsplan van de school');
    expect(coordinator).toContain('Havo 4');

    // A mentor and a student get the help card, as for any unknown command.
    expect(await say(s.mentor, 'pdca')).toContain('Dat begreep ik niet');
    const student = testUser('Sanne', 'sanne@school.nl');
    s.t.join(student);
    await s.t.send('personal-installation-add', student);
    expect(await say(student, 'pdca')).toContain('Dat begreep ik niet');

    // In the channel: that team's status only.
    expect((await s.t.send('channel-message', s.leader, { text: 'pdca', teamId: teamsTeamId })).status).toBe(200);
    const inChannel = s.t.connector.recorded.filter((r) => r.conversationId.startsWith(`${teamsTeamId};messageid=`)).at(-1)!;
    expect(cardText((inChannel.activity['attachments'] as { content: unknown }[])[0]!.content)).toContain('Havo 4');
  });

  it('refuses to link a team that does not exist, is not theirs, or a channel the bot is not in', async () => {
    const other = testUser('Olaf Teamleider', 'olaf@school.nl');
    s.t.join(other);
    await s.t.send('personal-installation-add', other);
    await personWith(s.t, other, 'team-leader');
    await createTeam(s.t.bot.deps.modules.qualityCycle.cycle, tenantId, { id: 'vwo-5', name: 'Vwo 5', leaders: [other.email] });
    const reply = async (user: typeof other, text: string, teamId = teamsTeamId) => {
      await s.t.send('channel-message', user, { text, teamId });
      const r = s.t.connector.recorded.filter((x) => x.conversationId.startsWith(`${teamId};messageid=`)).at(-1)!;
      return cardText((r.activity['attachments'] as { content: unknown }[])[0]!.content);
    };
    // Olaf may not link Lisa's team, and cannot move his own team onto a Teams team that is taken.
    expect(await reply(other, 'pdca koppel havo-4')).toContain('Er is geen team met de code havo-4');
    expect(await reply(other, 'pdca koppel vwo-5')).toContain('is al gekoppeld aan het team Havo 4');
    expect(await reply(s.leader, 'pdca koppel')).toContain('met de code van het team');
    expect(await reply(s.leader, 'pdca koppel havo-4', '19:unknown@thread.tacv2')).toContain(
      'nog niet aan dit Teams-team toegevoegd',
    );
    expect(await say(s.leader, 'pdca koppel havo-4')).toContain('in een kanaal van het Teams-team zelf');
    expect((await s.t.bot.deps.cycles.teams.get(tenantId, 'vwo-5'))?.teamsTeamId).toBeUndefined();
  });

  it('lets the owner mark a milestone done from the channel card, updates it in place, and refuses others without a trace', async () => {
    s.clock.set(at('2026-09-16'));
    await s.runReminders();
    const post = s.channelPosts().find((p) => p.text.includes('vaste mentor'))!;
    const card = s.t.connector.recorded.find((r) => r.activityId === post.activityId)!.activity;
    const data = action(card, 'pdca.done');
    const press = (user: typeof s.leader, extra: Record<string, unknown>) =>
      s.t.send('channel-card-action', user, {
        teamId: teamsTeamId,
        replyToId: post.activityId,
        verb: 'pdca.done',
        data: { ...data, ...extra },
      });

    const before = s.snapshot();
    // A mentor in the channel is not the owner.
    const refused = cardText(invokeCard(await press(s.mentor, { note: 'ik doe het wel' })));
    expect(refused).toContain('Alleen de eigenaar, de teamleider of de LOB-coördinator');
    // An http link, and an empty note and link, are refused with the reason; the form keeps what was typed.
    const badLink = invokeCard(await press(s.leader, { note: '', link: 'http://intranet/werkplan' }));
    expect(cardText(badLink)).toContain('volledig https-adres');
    expect(JSON.stringify(badLink)).toContain('http://intranet/werkplan');
    expect(cardText(invokeCard(await press(s.leader, { note: '  ', link: '' })))).toContain('Schrijf een korte notitie');
    expect(s.snapshot()).toEqual(before);
    expect(s.updatesOf(post.activityId)).toEqual([]);

    const note = 'Alle 112 leerlingen hebben een vaste mentor. **Zie** [het rooster](https://evil.example)';
    const done = cardText(invokeCard(await press(s.leader, { note, link: '' })));
    expect(done).toContain('Afgerond. De kaart in het kanaal is bijgewerkt.');
    const updated = s.updatesOf(post.activityId);
    expect(updated).toHaveLength(1);
    expect(updated[0]).toContain('Afgerond door Lisa de Teamleider op 16 september 2026.');
    expect(updated[0]).toContain(note);
    // The note is only ever in a TextRun.
    const raw = JSON.stringify(s.t.connector.recorded.filter((r) => r.op === 'update').at(-1)!.activity);
    expect(raw).toContain(`{"type":"TextRun","text":"${note}"}`);
    // Pressing again is harmless: nothing changes, nothing is sent.
    const again = cardText(invokeCard(await press(s.leader, { note: 'anders' })));
    expect(again).toContain('was al afgerond');
    expect(s.updatesOf(post.activityId)).toHaveLength(1);
    // The note never reaches the log.
    expect(s.t.logLines.join('\n')).not.toContain('112 leerlingen');
  });

  it('shows the Check evidence of a linked team to its leader and the coordinator, and offers short-lived downloads', async () => {
    // Six students of Piet reflected; the figures come from the store.
    for (let i = 0; i < 6; i++) {
      const r = await assignMentor(s.t.bot.deps.install, tenantId, {
        studentEmail: `leerling${i}@school.nl`,
        mentorEmail: s.mentor.email,
      });
      if (!r.ok) throw new Error('assign');
      await s.t.bot.repos.reflections.create(
        submittedReflection({
          id: `r${i}`,
          schoolId: tenantId,
          studentId: r.student.id,
          at: '2026-09-10T10:00:00Z',
          competencies: i < 3 ? ['qualities', 'networking'] : ['motives'],
          answer: 'geheim antwoord',
        }),
      );
    }
    const status = s.t.connector.cardsIn(s.leader.conversationId);
    await say(s.leader, 'pdca');
    const statusCard = s.t.connector.cardsIn(s.leader.conversationId).at(-1)!;
    expect(status.length).toBeGreaterThan(0);
    const evidence = invokeCard(
      await s.t.send('card-action-execute', s.leader, {
        verb: 'pdca.evidence',
        replyToId: 'x',
        data: action(statusCard, 'pdca.evidence'),
      }),
    );
    const text = cardText(evidence);
    expect(text).toContain('Leerlingen in het team: 6');
    expect(text).toContain('kwaliteitenreflectie');
    expect(text).toContain('50%');
    expect(text).not.toContain('geheim antwoord');

    // Another team's leader may not see it; an unknown team neither.
    const other = testUser('Olaf', 'olaf@school.nl');
    s.t.join(other);
    await s.t.send('personal-installation-add', other);
    await personWith(s.t, other, 'team-leader');
    const refused = invokeCard(
      await s.t.send('card-action-execute', other, { verb: 'pdca.evidence', replyToId: 'x', data: { teamId: 'havo-4' } }),
    );
    expect(cardText(refused)).toContain('alleen de Check-gegevens van je eigen team');

    const exported = invokeCard(
      await s.t.send('card-action-execute', s.coordinator, {
        verb: 'pdca.export',
        replyToId: 'x',
        data: { teamId: 'havo-4', period: 'h1' },
      }),
    );
    const urls = JSON.stringify(exported).match(/http:\/\/[^"]+\/downloads\/[A-Za-z0-9_-]{43}\/(csv|md)/g)!;
    expect(urls).toHaveLength(2);
    const csv = await fetch(urls.find((u) => u.endsWith('/csv'))!);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    expect(csv.headers.get('content-disposition')).toMatch(
      /^attachment; filename="check-gegevens-havo-4-2026-08-01-2026-09-16\.csv"/,
    );
    expect(csv.headers.get('cache-control')).toBe('no-store');
    // A byte order mark, so Dutch Excel reads UTF-8; semicolons, as Dutch Excel separates.
    const bytes = Buffer.from(await csv.arrayBuffer());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const body = bytes.subarray(3).toString('utf8');
    expect(body.split('\r\n')[0]).toBe('Onderdeel;Groep;Aantal;Aandeel');
    expect(body).toContain('Dekking: kwaliteitenreflectie;Piet Jansen;;50%');
    expect(body).not.toContain('geheim');
    const md = await (await fetch(urls.find((u) => u.endsWith('/md'))!)).text();
    expect(md).toContain('# Check-gegevens: Havo 4');
    // The store keeps a hash of the link, not the link.
    const token = urls[0]!.split('/downloads/')[1]!.split('/')[0]!;
    expect(JSON.stringify(s.snapshot())).not.toContain(token);
    // Wrong token: 404; after 15 minutes: 410, and the daily purge removes it.
    expect((await fetch(urls[0]!.replace(token, 'A'.repeat(43)))).status).toBe(404);
    s.clock.advance(16 * 60_000);
    expect((await fetch(urls[0]!)).status).toBe(410);
    expect(await s.t.bot.deps.jobs.runNow('downloads.purge')).toEqual({ status: 'ran', result: 1 });
    expect((await fetch(urls[0]!)).status).toBe(404);
  });

  it('refuses the Check evidence of a team that is not linked, with the reason', async () => {
    await createTeam(s.t.bot.deps.modules.qualityCycle.cycle, tenantId, {
      id: 'vwo-5',
      name: 'Vwo 5',
      leaders: [s.leader.email],
    });
    const refused = invokeCard(
      await s.t.send('card-action-execute', s.leader, { verb: 'pdca.evidence', replyToId: 'x', data: { teamId: 'vwo-5' } }),
    );
    expect(cardText(refused)).toContain('is nog niet gekoppeld aan een Teams-team');
  });

  it('edits milestones from cards, refusing bad input with the reason and the school level to team leaders', async () => {
    await say(s.leader, 'pdca');
    const statusCard = s.t.connector.cardsIn(s.leader.conversationId).at(-1)!;
    const send = (user: typeof s.leader, verb: string, data: Record<string, unknown>) =>
      s.t.send('card-action-execute', user, { verb, replyToId: 'x', data });
    const list = invokeCard(await send(s.leader, 'pdca.milestones', action(statusCard, 'pdca.milestones')));
    expect(cardText(list)).toContain('Halfjaarcheck');
    const form = invokeCard(
      await send(s.leader, 'pdca.edit', { scope: 'team', teamId: 'havo-4', milestoneId: 'mid-year-check' }),
    );
    expect(JSON.stringify(form)).toContain('"value":"2027-02-15"');
    const fields = {
      scope: 'team',
      teamId: 'havo-4',
      milestoneId: 'mid-year-check',
      phase: 'check',
      title: 'Halfjaarcheck',
      owner: 'person',
    };
    const bad = invokeCard(await send(s.leader, 'pdca.save', { ...fields, due: '2027-09-01', ownerEmail: 'ghost@school.nl' }));
    expect(cardText(bad)).toContain('De deadline valt buiten schooljaar 2026–2027');
    expect(cardText(bad)).toContain('Er is niemand met e-mailadres ghost@school.nl');
    const saved = invokeCard(await send(s.leader, 'pdca.save', { ...fields, due: '2027-02-22', ownerEmail: s.mentor.email }));
    expect(cardText(saved)).toContain('Opgeslagen.');
    expect(cardText(saved)).toContain('22 februari 2027');
    expect(cardText(saved)).toContain('Piet Jansen');
    // Team leaders cannot change the school's policy plan or the template; coordinators can.
    expect(cardText(invokeCard(await send(s.leader, 'pdca.milestones', { scope: 'template' })))).toContain(
      'Dit mag alleen de teamleider van dit team of de LOB-coördinator',
    );
    expect(cardText(invokeCard(await send(s.coordinator, 'pdca.milestones', { scope: 'template' })))).toContain(
      'sjabloon voor alle teams',
    );
    // Tampered card data is refused before anything happens.
    expect(cardText(invokeCard(await send(s.leader, 'pdca.edit', { scope: 'team', teamId: '../../x' })))).toContain(
      'Dit mag alleen',
    );
    expect(
      cardText(invokeCard(await send(s.leader, 'pdca.done', { cycleId: '2026-2027:team:havo-4', milestoneId: { $ne: 1 } }))),
    ).toContain('Deze kaart kon ik niet verwerken');
  });
});

describe('hostile input to the quality cycle verbs', () => {
  let s: PdcaSchool;
  beforeEach(async () => {
    s = await startPdcaSchool('2026-09-16');
    s.clock.set(at('2026-09-16'));
    await s.runReminders();
  });
  afterEach(async () => {
    await s.stop();
  });

  it('answers every malformed or tampered card action with a card, never a 5xx, and stores nothing', async () => {
    const verbs = [
      'pdca.status',
      'pdca.done',
      'pdca.evidence',
      'pdca.export',
      'pdca.milestones',
      'pdca.edit',
      'pdca.save',
      'pdca.remove',
    ];
    const values: unknown[] = [
      null,
      42,
      [],
      { $ne: 1 },
      'x'.repeat(5000),
      '../../etc/passwd',
      '__proto__',
      '2026-2027:team:havo-4',
      '2025-2026:school',
      'https://user:pw@evil.example',
    ];
    const keys = [
      'scope',
      'teamId',
      'cycleId',
      'milestoneId',
      'period',
      'note',
      'link',
      'due',
      'owner',
      'ownerEmail',
      'title',
      'phase',
    ];
    const student = testUser('Sanne', 'sanne@school.nl');
    s.t.join(student);
    await s.t.send('personal-installation-add', student);
    const before = s.snapshot();
    let n = 0;
    for (const verb of verbs) {
      for (const user of [student, s.mentor, s.leader]) {
        for (let i = 0; i < 6; i++) {
          const data: Record<string, unknown> = {};
          for (const key of keys)
            if ((n + key.length + i) % 3 === 0) data[key] = values[(n + key.length * 7 + i) % values.length];
          // Real ids with hostile extras: the closest a tampered card gets to something real.
          if (i % 2 === 0)
            Object.assign(data, {
              cycleId: '2026-2027:team:havo-4',
              milestoneId: 'no-such-milestone',
              scope: 'team',
              teamId: 'havo-4',
            });
          n++;
          const res = await s.t.send('card-action-execute', user, { verb, replyToId: 'x', data });
          expect(res.status, `${verb} ${JSON.stringify(data).slice(0, 200)}`).toBe(200);
        }
      }
    }
    // Reading the status, the evidence or a list may create this year's cycles and an export, never change
    // a milestone: every tampered press pointed at a milestone that does not exist, or carried bad values.
    const milestones = (snap: Record<string, string[]>) =>
      (snap['c_quality_cycles'] ?? []).flatMap((row) => {
        const doc = JSON.parse(row.split('|').slice(3).join('|')) as {
          id: string;
          milestones: unknown[];
          teamTemplate?: unknown[];
        };
        return [doc.id, JSON.stringify(doc.milestones), JSON.stringify(doc.teamTemplate ?? [])];
      });
    expect(milestones(s.snapshot())).toEqual(milestones(before));
    expect(s.snapshot()['c_education_teams']).toEqual(before['c_education_teams']);
    expect(s.t.logLines.filter((l) => l.includes('"level":50'))).toEqual([]);
  }, 60_000);
});
