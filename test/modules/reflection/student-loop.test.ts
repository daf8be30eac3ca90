import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import { SqliteStore } from '../../../src/platform/store/sqlite/sqlite-store.ts';
import { botAppId, type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { cardActions } from '../../helpers/playground.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

type Card = { body: Record<string, unknown>[]; actions?: Record<string, unknown>[] };

/** All text a card shows, flattened: what a person reads. */
function cardText(card: unknown): string {
  const out: string[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      for (const k of ['text', 'title', 'label', 'value']) if (typeof o[k] === 'string') out.push(o[k] as string);
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out.join('\n');
}

function invokeCard(res: { status: number; body: unknown }): Card {
  expect(res.status).toBe(200);
  const body = res.body as { type: string; value: Card };
  expect(body.type).toBe('application/vnd.microsoft.card.adaptive');
  return body.value;
}

async function install(t: TestBot, user: TestUser) {
  t.join(user);
  expect((await t.send('personal-installation-add', user)).status).toBe(200);
}

const executes = (card: unknown) => cardActions(card).filter((a) => a.type === 'Action.Execute');

/**
 * Starts the free flow with the text command and returns its id (from the emotion buttons of the first
 * card, as a student's tap would send it).
 */
async function startReflection(t: TestBot, user: TestUser, word = 'reflecteer iets wat ik meemaakte'): Promise<string> {
  const before = t.connector.cardsIn(user.conversationId).length;
  expect((await t.send('personal-message', user, { text: word })).status).toBe(200);
  const card = (await t.connector.waitFor(() => t.connector.cardsIn(user.conversationId)[before])) as Card;
  const feel = executes(card).find((a) => a.verb === 'reflection.feel');
  expect(feel).toBeDefined();
  return feel!.data['reflectionId'] as string;
}

function submit(t: TestBot, user: TestUser, data: Record<string, unknown>) {
  return t.send('card-action-execute', user, { verb: 'reflection.submit', data, replyToId: 'act-1' });
}

const goodAnswer = {
  feeling: 'good',
  'good-at': 'Ik bleef rustig en vriendelijk.',
  happened: 'Ik mocht een klant helpen bij de kassa.',
  'next-step': 'Vragen of ik vaker mag meedraaien.',
};
/** Reaches the mentor at once (other answers wait for the digest: test/mentoring). */
const talkAnswer = { ...goodAnswer, 'wants-to-talk': 'true' };

describe('the student loop over HTTP, with real Teams activities', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot();
  });
  afterEach(async () => {
    await t.stop();
  });

  it('greets a new student once, in Dutch, and stores how to reach them', async () => {
    const sanne = testUser('Sanne de Vries', 'sanne@school.nl');
    await install(t, sanne);
    // Teams sends a conversationUpdate for the same install: no second welcome.
    expect((await t.send('personal-conversation-update', sanne)).status).toBe(200);
    const cards = t.connector.cardsIn(sanne.conversationId);
    expect(cards).toHaveLength(1);
    expect(cardText(cards[0])).toContain('Welkom bij LOB Reflectie');
    expect(cardText(cards[0])).toContain('Sanne de Vries');

    const person = await t.bot.repos.people.findByEmail(tenantId, 'sanne@school.nl');
    expect(person).toMatchObject({
      entraObjectId: sanne.aadObjectId,
      teamsUserId: sanne.userId,
      locale: 'nl',
      roles: ['student'],
    });
    const ref = await t.bot.repos.conversations.personal(tenantId, person!.id);
    expect(ref).toMatchObject({
      tenantId,
      conversationId: sanne.conversationId,
      serviceUrl: t.connector.url,
      teamsUserId: sanne.userId,
      entraObjectId: sanne.aadObjectId,
      botId: `28:${botAppId}`,
      installed: true,
    });
  });

  it('greets in English when the Teams locale is English', async () => {
    const tom = testUser('Tom Baker', 'tom@school.nl', 'en-GB');
    await install(t, tom);
    expect(cardText(t.connector.cardsIn(tom.conversationId)[0])).toContain('Welcome to LOB Reflectie');
  });

  it('tells a student whose answer waits for the mentor’s overview that the mentor will see it, not that it goes at once', async () => {
    const student = testUser('Daan Smit', 'daan@school.nl');
    const mentor = testUser('Mr. Jansen', 'jansen@school.nl');
    await install(t, student);
    await install(t, mentor);
    expect(
      (await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email })).ok,
    ).toBe(true);
    const reflectionId = await startReflection(t, student);
    const summary = cardText(invokeCard(await submit(t, student, { reflectionId, ...goodAnswer })));
    expect(summary).toContain('Je mentor krijgt je antwoorden te zien, als voorbereiding op jullie volgende gesprek.');
    expect(summary).not.toContain('meteen');
  });

  it('takes a reflection, replaces the card by a summary, and hands it to the assigned mentor', async () => {
    const student = testUser('Sanne de Vries', 'sanne@school.nl');
    const mentor = testUser('Mr. Jansen', 'jansen@school.nl');
    await install(t, student);
    await install(t, mentor);
    const assigned = await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    expect(assigned.ok).toBe(true);

    const reflectionId = await startReflection(t, student);
    const card = invokeCard(await submit(t, student, { reflectionId, ...talkAnswer }));
    const summary = cardText(card);
    expect(summary).toContain('Dank je wel');
    expect(summary).toContain(goodAnswer.happened);
    // Asked to talk: it reaches the mentor at once, and the student is told so.
    expect(summary).toContain('Je mentor krijgt dit meteen te zien, niet pas bij het volgende overzicht.');
    expect(card.actions ?? []).toHaveLength(0); // nothing left to answer twice

    const mentorCards = t.connector.cardsIn(mentor.conversationId);
    const received = mentorCards.find((c) => cardText(c).includes('Nieuwe reflectie'));
    expect(received).toBeDefined();
    const text = cardText(received);
    expect(text).toContain('Sanne de Vries');
    expect(text).toContain(goodAnswer.happened);
    expect(text).toContain(goodAnswer['next-step']);
    expect(text).toMatch(/Loopbaancompetenties: .*werkexploratie/);

    const stored = await t.bot.repos.reflections.get(assigned.ok ? assigned.student.id : '', reflectionId);
    expect(stored).toMatchObject({ status: 'submitted', emotion: 'good', routing: 'routed', wantsToTalk: true, signals: [] });
    // The emotion tap counts for nothing; each answered question for what it targets.
    expect(stored?.competencies).toEqual(['qualities', 'work-exploration', 'career-steering']);
  });

  it('keeps the answer of a student without a mentor and delivers it once one is assigned', async () => {
    const student = testUser('Daan Smit', 'daan@school.nl');
    const mentor = testUser('Ms. Bakker', 'bakker@school.nl');
    await install(t, student);
    await install(t, mentor);
    const reflectionId = await startReflection(t, student);
    const summary = cardText(invokeCard(await submit(t, student, { reflectionId, ...talkAnswer })));
    expect(summary).toContain('nog geen mentor');
    expect(t.connector.cardsIn(mentor.conversationId)).toHaveLength(1); // only the welcome

    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    const swept = await t.bot.router.sweep();
    expect(swept).toEqual({ routed: 1, sent: 0 });
    const cards = t.connector.cardsIn(mentor.conversationId);
    expect(cards).toHaveLength(2);
    expect(cardText(cards[1])).toContain('Daan Smit');
    // A second sweep sends nothing again.
    expect(await t.bot.router.sweep()).toEqual({ routed: 0, sent: 0 });
    expect(t.connector.cardsIn(mentor.conversationId)).toHaveLength(2);
  });

  it('opens a 1:1 chat with a mentor who never installed the app but is in a team with the bot', async () => {
    const student = testUser('Daan Smit', 'daan@school.nl');
    const mentor = testUser('Ms. Bakker', 'bakker@school.nl');
    await install(t, student);
    t.join(mentor);
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    const teamId = '19:abcdef0123456789abcdef0123456789@thread.tacv2';
    t.connector.teams.set(teamId, [student.userId, mentor.userId]);
    expect((await t.send('team-installation-add', student, { teamId, teamName: 'Mentoraat 4H' })).status).toBe(200);

    const reflectionId = await startReflection(t, student);
    invokeCard(await submit(t, student, { reflectionId, ...talkAnswer }));
    const chat = t.connector.personalConversationOf(mentor.userId);
    expect(chat).toBeDefined();
    expect(cardText(t.connector.cardsIn(chat!)[0])).toContain('Daan Smit');
  });

  it('records that the student wants to talk, and the signal of a very negative emotion', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    await install(t, student);
    const reflectionId = await startReflection(t, student);
    const card = t.connector.cardsIn(student.conversationId).at(-1) as Card;
    expect(card.body.find((e) => e['id'] === 'wants-to-talk')).toMatchObject({ type: 'Input.Toggle', valueOn: 'true' });
    const { 'good-at': _skipped, ...rest } = goodAnswer;
    invokeCard(
      await submit(t, student, { reflectionId, ...rest, feeling: 'awful', important: 'Meer uitleg.', 'wants-to-talk': 'true' }),
    );
    const person = await t.bot.repos.people.findByEmail(tenantId, student.email);
    expect(await t.bot.repos.reflections.get(person!.id, reflectionId)).toMatchObject({
      wantsToTalk: true,
      signals: ['very-negative'],
    });
    const next = await startReflection(t, student);
    const refused = invokeCard(await submit(t, student, { reflectionId: next, ...goodAnswer, 'wants-to-talk': 'maybe' }));
    expect(cardText(refused)).toContain('Kies een van de opties');
  });

  it('answers a second tap on the same card with the summary, and stores and routes once', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    const mentor = testUser('Jansen', 'jansen@school.nl');
    await install(t, student);
    await install(t, mentor);
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    const reflectionId = await startReflection(t, student);
    const [a, b] = await Promise.all([
      submit(t, student, { reflectionId, ...talkAnswer }),
      submit(t, student, { reflectionId, ...talkAnswer, happened: 'something else' }),
    ]);
    const texts = [cardText(invokeCard(a)), cardText(invokeCard(b))];
    expect(texts.filter((x) => x.includes('had je al ingevuld'))).toHaveLength(1);
    expect(t.connector.cardsIn(mentor.conversationId).filter((c) => cardText(c).includes('Nieuwe reflectie'))).toHaveLength(1);
  });

  it('refuses missing, extra and oversized fields with a message in the card, and stores nothing', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    await install(t, student);
    const reflectionId = await startReflection(t, student);
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ reflectionId, feeling: 'good', happened: '', 'next-step': 'x' }, /Vul ook in: Wat gebeurde er/],
      [{ reflectionId, ...goodAnswer, isAdmin: true }, /iets wat er niet hoort/],
      [{ reflectionId, ...goodAnswer, happened: 'x'.repeat(501) }, /te lang.*maximaal 500/],
      [{ reflectionId, ...goodAnswer, feeling: 'ecstatic' }, /Kies een van de opties/],
      [{ reflectionId, ...goodAnswer, happened: { nested: 'object' } }, /kon ik niet lezen/],
    ];
    for (const [data, message] of cases) {
      const card = invokeCard(await submit(t, student, data));
      expect(cardText(card)).toMatch(message);
      // They can try again on the same card.
      expect(executes(card).some((a) => a.verb?.startsWith('reflection.') && a.data['reflectionId'] === reflectionId)).toBe(true);
    }
    const person = await t.bot.repos.people.findByEmail(tenantId, student.email);
    const stored = await t.bot.repos.reflections.get(person!.id, reflectionId);
    expect(stored).toMatchObject({ status: 'open', answers: {} });
  });

  it("refuses a submit for someone else's reflection and logs it without the answer", async () => {
    const owner = testUser('Sanne', 'sanne@school.nl');
    const other = testUser('Mallory', 'mallory@school.nl');
    await install(t, owner);
    await install(t, other);
    const reflectionId = await startReflection(t, owner);
    const secret = 'mijn geheime antwoord 7f3a';
    const card = invokeCard(await submit(t, other, { reflectionId, ...goodAnswer, happened: secret }));
    expect(cardText(card)).toContain('hoort bij iemand anders');
    const ownerPerson = await t.bot.repos.people.findByEmail(tenantId, owner.email);
    expect((await t.bot.repos.reflections.get(ownerPerson!.id, reflectionId))?.status).toBe('open');
    expect(t.logLines.some((l) => l.includes('someone else') && l.includes(reflectionId))).toBe(true);
    expect(t.logLines.some((l) => l.includes(secret))).toBe(false);
  });

  it('never writes answer text to the log', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    await install(t, student);
    const reflectionId = await startReflection(t, student);
    const secret = 'Ik voelde me 9c1e onzeker bij de klant';
    invokeCard(await submit(t, student, { reflectionId, ...goodAnswer, happened: secret }));
    // Free text typed to the bot is a student's words too.
    await t.send('personal-message', student, { text: 'ik twijfel 4b7d over mijn opleiding' });
    expect(t.logLines.length).toBeGreaterThan(3);
    expect(t.logLines.join('\n')).not.toContain('9c1e');
    expect(t.logLines.join('\n')).not.toContain('4b7d');
  });

  it('answers unknown text with a short help card, and keeps reflections out of channels', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    await install(t, student);
    await t.send('personal-message', student, { text: 'wat is het weer' });
    const help = cardText(t.connector.cardsIn(student.conversationId).at(-1));
    expect(help).toContain('Dat begreep ik niet');
    expect(help).toContain('reflecteer');

    const teamId = '19:team0123@thread.tacv2';
    await t.send('channel-message', student, { text: 'reflecteer', teamId });
    const channelCards = t.connector.recorded.filter((r) => r.conversationId.startsWith(teamId));
    expect(channelCards).toHaveLength(1);
    expect(JSON.stringify(channelCards[0]!.activity)).toContain('persoonlijke chat');
  });

  it('marks a student who removes the app unreachable, with the date, and deletes nothing', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    await install(t, student);
    const reflectionId = await startReflection(t, student);
    invokeCard(await submit(t, student, { reflectionId, ...goodAnswer }));
    expect((await t.send('personal-installation-remove', student)).status).toBe(200);
    const person = await t.bot.repos.people.findByEmail(tenantId, student.email);
    expect(person?.reachability).toMatchObject({ state: 'unreachable', reason: 'uninstalled' });
    expect((person!.reachability as { since: string }).since).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await t.bot.repos.reflections.get(person!.id, reflectionId)).toBeDefined();
    expect((await t.bot.repos.conversations.personal(tenantId, person!.id))?.installed).toBe(false);
    // Reinstalling makes them reachable again, with a new welcome.
    await install(t, student);
    expect((await t.bot.repos.people.findByEmail(tenantId, student.email))?.reachability.state).toBe('reachable');
  });
});

describe('bad requests on /api/messages', () => {
  let t: TestBot;
  beforeEach(async () => {
    t = await startTestBot({ env: { MAX_BODY_BYTES: '4096' } });
  });
  afterEach(async () => {
    await t.stop();
  });

  it('answers non-JSON, oversized, incomplete and wrongly typed bodies with a 4xx and keeps running', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    expect((await t.post(undefined, { raw: '{"type": "message", ' })).status).toBe(400);
    expect((await t.post(undefined, { raw: 'not json at all' })).status).toBe(400);
    expect((await t.post(undefined, { raw: '[1,2,3]' })).status).toBe(400);
    expect((await t.post(undefined, { raw: '{}', headers: { 'content-type': 'text/plain' } })).status).toBe(415);
    expect((await t.post({ type: 'message', text: 'x'.repeat(10_000) })).status).toBe(413);
    expect((await t.post({ type: 'message', text: 'hoi' })).status).toBe(400);
    expect(
      (await t.post({ type: 'message', serviceUrl: t.connector.url, from: { id: 1 }, recipient: {}, conversation: {} })).status,
    ).toBe(400);
    expect(
      (
        await t.post({
          type: 'message',
          serviceUrl: 'javascript:alert(1)',
          from: { id: 'a' },
          recipient: { id: 'b' },
          conversation: { id: 'c' },
        })
      ).status,
    ).toBe(400);
    // Still alive and serving.
    t.join(student);
    expect((await t.send('personal-installation-add', student)).status).toBe(200);
    expect(t.connector.cardsIn(student.conversationId)).toHaveLength(1);
  });

  it('refuses a card action that is not Action.Execute or has oversized data', async () => {
    const student = testUser('Sanne', 'sanne@school.nl');
    t.join(student);
    await t.send('personal-installation-add', student);
    const res = await t.send('card-action-execute', student, { verb: 'x'.repeat(100), data: {}, replyToId: 'a' });
    expect(cardText(invokeCard(res))).toContain('kon ik niet verwerken');
  });
});

describe('durability', () => {
  it('keeps answers, assignments and conversation references across a restart', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-'));
    const file = path.join(dir, 'store.db');
    const student = testUser('Sanne', 'sanne@school.nl');
    const mentor = testUser('Jansen', 'jansen@school.nl');

    let store = SqliteStore.open(file);
    let t = await startTestBot({ store });
    await install(t, student);
    await install(t, mentor);
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: student.email, mentorEmail: mentor.email });
    const reflectionId = await startReflection(t, student);
    invokeCard(await submit(t, student, { reflectionId, ...goodAnswer }));
    await t.stop();
    await store.close();

    store = SqliteStore.open(file);
    t = await startTestBot({ store });
    const s = await t.bot.repos.people.findByEmail(tenantId, student.email);
    const m = await t.bot.repos.people.findByEmail(tenantId, mentor.email);
    expect((await t.bot.repos.reflections.get(s!.id, reflectionId))?.answers['happened']).toBe(goodAnswer.happened);
    expect(await t.bot.repos.assignments.activeMentorsOf(tenantId, s!.id)).toHaveLength(1);
    expect((await t.bot.repos.conversations.personal(tenantId, m!.id))?.conversationId).toBe(mentor.conversationId);
    await t.stop();
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
