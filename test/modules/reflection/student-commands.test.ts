import { marked } from 'marked';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import { defaultLeaseMs } from '../../../src/delivery/engine.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { cardActions, cardText } from '../../helpers/playground.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The student's side over HTTP with real Teams activities: the multi-step reflection, `mijn reflecties`,
// `pauze` / `hervat`, `taal`, `export` with its download link, the preparation prompt and the follow-up.

type Card = Record<string, unknown>;

const actions = cardActions;

// Thursday 12 March 2026, 11:00 in Amsterdam.
const start = '2026-03-12T10:00:00.000Z';
const day = 86_400_000;

describe('the student side over HTTP', () => {
  let t: TestBot;
  let clock: ManualClock;
  let sanne: TestUser;

  beforeEach(async () => {
    clock = new ManualClock(start);
    t = await startTestBot({ clock });
    sanne = testUser('Sanne de Vries', 'sanne@school.nl');
    t.join(sanne);
    await t.send('personal-installation-add', sanne);
  });
  afterEach(async () => {
    await t.stop();
  });

  const say = async (user: TestUser, text: string): Promise<Card> => {
    const before = t.connector.cardsIn(user.conversationId).length;
    expect((await t.send('personal-message', user, { text })).status).toBe(200);
    return t.connector.waitFor(() => t.connector.cardsIn(user.conversationId)[before]);
  };
  const press = async (user: TestUser, verb: string, data: Record<string, unknown>): Promise<Card> => {
    const res = await t.send('card-action-execute', user, { verb, data, replyToId: 'msg-1' });
    expect(res.status).toBe(200);
    return (res.body as { value: Card }).value;
  };
  const person = async (user: TestUser) => (await t.bot.repos.people.findByEmail(tenantId, user.email))!;

  /** Picks an activity on the picker, taps an emotion and submits the branch's answers. */
  async function reflect(user: TestUser, flowId: string, emotion: string, answers: Record<string, string>) {
    const first = await press(user, 'reflection.start', { flowId });
    const reflectionId = (actions(first).find((a) => a['verb'] === 'reflection.feel')!['data'] as { reflectionId: string })
      .reflectionId;
    await press(user, 'reflection.feel', { reflectionId, emotion });
    const summary = await press(user, 'reflection.submit', { reflectionId, feeling: emotion, ...answers });
    return { reflectionId, summary };
  }

  it('asks what to reflect on, then the emotion, then the questions of its branch, in one card', async () => {
    const picker = await say(sanne, 'reflecteer');
    expect(cardText(picker)).toContain('Waar wil je op reflecteren?');
    // The school is vo by default: vo flows, no hbo-only ones.
    expect(cardText(picker)).toContain('Profielkeuze');
    expect(cardText(picker)).not.toContain('Minorkeuze');

    const first = await press(sanne, 'reflection.start', { flowId: 'shadow-day-vo' });
    expect(cardText(first)).toContain('Denk aan één moment van je meeloopdag dat je bijbleef. Hoe voelde dat?');
    const feel = actions(first).filter((a) => a['verb'] === 'reflection.feel');
    expect(feel.map((a) => (a['data'] as { emotion: string }).emotion)).toEqual(['great', 'good', 'mixed', 'bad', 'awful']);
    const reflectionId = (feel[0]!['data'] as { reflectionId: string }).reflectionId;

    const positive = await press(sanne, 'reflection.feel', { reflectionId, emotion: 'great' });
    expect(cardText(positive)).toContain('Wat kon jij daar al goed, denk je?');
    expect(cardText(positive)).not.toContain('Wat had je op dat moment graag anders gezien?');
    // Back to the emotion: what was typed comes along, and shows again under the other branch.
    const back = await press(sanne, 'reflection.feel', {
      reflectionId,
      happened: 'We bouwden een robot.',
      'wants-to-talk': 'true',
    });
    expect(cardText(back)).toContain('Denk aan één moment van je meeloopdag dat je bijbleef. Hoe voelde dat?');
    const negative = await press(sanne, 'reflection.feel', {
      reflectionId,
      emotion: 'bad',
      draft: (actions(back).find((a) => a['verb'] === 'reflection.feel')!['data'] as { draft: unknown }).draft,
    });
    expect(cardText(negative)).toContain('Wat had je op dat moment graag anders gezien?');
    expect(JSON.stringify(negative)).toContain('We bouwden een robot.');

    const refused = await press(sanne, 'reflection.submit', {
      reflectionId,
      feeling: 'bad',
      happened: '🤖🤖🤖',
      important: 'Meer praktijk',
      'next-step': 'x',
      'good-at': 'off the branch',
    });
    expect(cardText(refused)).toContain('niet alleen met emoji');
    expect(cardText(refused)).toContain('iets wat er niet hoort');

    const typed = '<b>Vet</b> **niet vet** [link](https://evil.example)';
    const summary = await press(sanne, 'reflection.submit', {
      reflectionId,
      feeling: 'bad',
      happened: typed,
      important: 'Meer praktijk',
      'important.choices': 'practical,not-me',
      'next-step': 'Een open dag kiezen.',
      'next-step.choices': 'counsellor',
    });
    expect(cardText(summary)).toContain('Dank je wel');
    expect(cardText(summary)).toContain('Meer praktijk');
    expect(cardText(summary)).toContain('Over 5 dagen vraag ik je hoe je stap ging.');
    const stored = await t.bot.repos.reflections.get((await person(sanne)).id, reflectionId);
    expect(stored).toMatchObject({
      status: 'submitted',
      emotion: 'bad',
      answers: { happened: typed },
      choices: { important: ['practical', 'not-me'], 'next-step': ['counsellor'] },
      signals: ['doubt-about-fit'],
      followUp: { state: 'scheduled', rounds: 0 },
      followUpDueAt: new Date(Date.parse(start) + 5 * day).toISOString(),
    });
    expect(stored?.competencies).toContain('networking');
  });

  it('starts a flow from words after the command, and refuses an unknown flow id', async () => {
    const card = await say(sanne, 'reflecteer open dag');
    expect(cardText(card)).toContain('Denk aan één moment van de open dag dat je bijbleef. Hoe voelde dat?');
    const unknown = await press(sanne, 'reflection.start', { flowId: 'no-such-flow' });
    expect(cardText(unknown)).toContain('Die keuze ken ik niet');
  });

  it('shows mijn reflecties newest first, grouped by activity, with competencies as growth, and pages', async () => {
    expect(cardText(await say(sanne, 'mijn reflecties'))).toContain('Je hebt nog geen reflecties');
    await reflect(sanne, 'open-day-vo', 'good', {
      happened: 'De rondleiding bij de opleiding zorg.',
      'good-at': 'Ik kan goed luisteren.',
      'next-step': 'Proefstuderen aanvragen.',
    });
    clock.advance(day);
    await reflect(sanne, 'free', 'bad', {
      happened: 'Ruzie in mijn bijbaan.',
      important: 'Eerlijk behandeld worden.',
      'next-step': 'Praten met mijn baas.',
    });
    clock.advance(day);
    await reflect(sanne, 'open-day-vo', 'great', {
      happened: 'Open dag van het ROC.',
      'good-at': 'Vragen stellen.',
      'next-step': 'Inschrijven.',
    });
    const overview = await say(sanne, 'mijn reflecties');
    const text = cardText(overview);
    expect(text.indexOf('Open dag van het ROC.')).toBeLessThan(text.indexOf('De rondleiding'));
    expect(text.indexOf('Open dag')).toBeLessThan(text.indexOf('Iets wat ik meemaakte'));
    expect(text).toContain('Waar je aan gewerkt hebt');
    // Students read the competencies in plain words, not the terms staff are trained in.
    expect(text).toMatch(/wat ik goed kan[\s\S]*●●[\s\S]*2 keer/);
    expect(text).toContain('Nog te ontdekken: wie mij kan helpen');
    expect(text).not.toContain('kwaliteitenreflectie');

    for (let i = 0; i < 8; i++) {
      clock.advance(60_000);
      await reflect(sanne, 'free', 'good', { happened: `Moment ${i}`, 'good-at': 'Iets', 'next-step': 'Stap' });
    }
    const first = await say(sanne, 'my reflections');
    expect(cardText(first)).toContain('Pagina 1 van 2');
    const older = actions(first).find((a) => a['verb'] === 'overview.show')!;
    const second = await press(sanne, 'overview.show', older['data'] as Record<string, unknown>);
    expect(cardText(second)).toContain('De rondleiding');
    expect(cardText(second)).toContain('Pagina 2 van 2');
  });

  it('pauses prompts until a chosen date and resumes them', async () => {
    const form = await say(sanne, 'pauze');
    expect(cardText(form)).toContain('Tot en met welke datum?');
    expect(cardText(await press(sanne, 'pause.set', { until: '2026-03-01' }))).toContain('vanaf vandaag');
    expect(cardText(await press(sanne, 'pause.set', { until: '2027-03-01' }))).toContain('tot 183 dagen');
    expect(cardText(await press(sanne, 'pause.set', { until: '2026-02-31' }))).toContain('geen datum die ik ken');
    expect((await person(sanne)).pause).toBeUndefined();

    const done = await press(sanne, 'pause.set', { until: '2026-03-20' });
    expect(cardText(done)).toContain('Gepauzeerd tot en met 20 maart 2026');
    // Through the 20th in Amsterdam: prompts may come again from the 21st, 00:00 local time.
    expect((await person(sanne)).pause).toEqual({ since: start, until: '2026-03-20T23:00:00.000Z' });

    expect(cardText(await say(sanne, 'hervat'))).toContain('Welkom terug');
    expect((await person(sanne)).pause).toBeUndefined();
    expect(cardText(await say(sanne, 'resume'))).toContain('Je had geen pauze');
    await press(sanne, 'pause.set', { days: 7, until: '2026-04-30' });
    expect((await person(sanne)).pause?.until).toBe('2026-03-18T23:00:00.000Z');
  });

  it('switches the language, and keeps the choice over what Teams says', async () => {
    const chooser = await say(sanne, 'taal');
    expect(actions(chooser).map((a) => a['title'])).toEqual(['Nederlands', 'English']);
    const set = await press(sanne, 'language.set', { locale: 'en' });
    expect(cardText(set)).toContain('From now on I will speak English');
    expect(await person(sanne)).toMatchObject({ locale: 'en', localeSource: 'chosen' });
    // Teams still says nl-NL: the help comes in English now.
    expect(cardText(await say(sanne, 'help'))).toContain('What you can type');
    expect(cardText(await press(sanne, 'language.set', { locale: 'fr' }))).toContain('I do not know that language');
    await say(sanne, 'taal nederlands');
    expect((await person(sanne)).locale).toBe('nl');
    // Words that are names of every object's properties are no language (the fuzzer stored one as the locale).
    for (const word of ['constructor', 'toString', '__proto__', 'hasOwnProperty']) {
      await say(sanne, `taal ${word}`);
      expect(await person(sanne)).toMatchObject({ locale: 'nl' });
    }
  });

  it('exports the dossier through a single-use, expiring link that only serves its own student', async () => {
    expect(cardText(await say(sanne, 'export'))).toContain('nog geen reflecties');
    const tom = testUser('Tom', 'tom@school.nl');
    t.join(tom);
    await t.send('personal-installation-add', tom);
    await reflect(tom, 'free', 'good', { happened: 'Geheim van Tom 5e2a', 'good-at': 'x1', 'next-step': 'y1' });
    await reflect(sanne, 'open-day-vo', 'good', {
      happened: '# Kop?\n<script>alert(1)</script> **vet** [link](https://evil.example)\n1. www.evil.example sanne@evil.example',
      'good-at': 'Luisteren.',
      'good-at.choices': 'interest',
      'next-step': '- geen lijst',
    });

    const card = await say(sanne, 'export');
    const open = actions(card).find((a) => a['type'] === 'Action.OpenUrl')!;
    const url = open['url'] as string;
    expect(url.startsWith(t.bot.url)).toBe(true);
    expect((await fetch(url, { method: 'HEAD' })).status).toBe(405);

    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/markdown');
    expect(res.headers.get('content-disposition')).toMatch(/attachment; filename="lob-dossier-2026-03-12\.md"/);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const md = await res.text();
    expect(md).toContain('# Mijn LOB-dossier');
    expect(md).toContain('**Doel:** Ontdekken welke opleiding bij mij past');
    for (const part of ['**Wat ik deed**', '**Wat ik ontdekte**', '**Wat ik ga doen**']) expect(md).toContain(part);
    expect(md).toContain('gekozen: Het onderwerp boeit me');
    expect(md).not.toContain('5e2a');
    expect(md).not.toContain('<script>');
    // Read by a Markdown viewer, the student's text stays text: no links, headings, lists or HTML.
    const html = marked.parse(md, { async: false });
    expect(html).not.toMatch(/<a |<script|<strong>vet|<ol|<h1>Kop/);
    expect(html.match(/<h1>/g)).toHaveLength(1);
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; **vet** [link](https://evil.example)');

    expect((await fetch(url)).status).toBe(410); // used up
    const tampered = url.replace(/\/downloads\/([A-Za-z0-9_-])/, (_m, c: string) => `/downloads/${c === 'a' ? 'b' : 'a'}`);
    expect(tampered).not.toBe(url);
    expect((await fetch(tampered)).status).toBe(404);
    expect((await fetch(`${t.bot.url}/downloads/${'A'.repeat(43)}/md`)).status).toBe(404);

    const late = actions(await say(sanne, 'export')).find((a) => a['type'] === 'Action.OpenUrl')!['url'] as string;
    clock.advance(11 * 60_000);
    const gone = await fetch(late);
    expect(gone.status).toBe(410);
    expect(await gone.text()).toContain('Typ export');
    expect(t.logLines.join('\n')).not.toContain('Luisteren.');
  });

  it('stores a preparation answer and shows it back in the reflection and the dossier goal', async () => {
    const student = await person(sanne);
    const { reflection } = await t.bot.deps.reflections.start(student, 'open-day-vo', {
      id: 'campaign-delivery-1',
      source: { kind: 'campaign', campaignId: 'c1', deliveryId: 'd1' },
    });
    expect(cardText(await press(sanne, 'preparation.submit', { reflectionId: reflection.id, preparation: '   ' }))).toContain(
      'Vul ook in: Wat wil je op deze open dag te weten komen?',
    );
    const saved = await press(sanne, 'preparation.submit', { reflectionId: reflection.id, preparation: 'Hoeveel stage er is.' });
    expect(cardText(saved)).toContain('Opgeslagen!');
    const tom = testUser('Tom', 'tom@school.nl');
    t.join(tom);
    await t.send('personal-installation-add', tom);
    expect(cardText(await press(tom, 'preparation.submit', { reflectionId: reflection.id, preparation: 'x' }))).toContain(
      'hoort bij iemand anders',
    );

    const feel = await press(sanne, 'reflection.feel', { reflectionId: reflection.id, emotion: 'good' });
    expect(cardText(feel)).toContain('Hoeveel stage er is.');
    await press(sanne, 'reflection.submit', {
      reflectionId: reflection.id,
      feeling: 'good',
      happened: 'Rondleiding.',
      'good-at': 'Nieuwsgierig.',
      'next-step': 'Proefstuderen.',
    });
    const url = actions(await say(sanne, 'export')).find((a) => a['type'] === 'Action.OpenUrl')!['url'] as string;
    expect(await (await fetch(url)).text()).toContain('**Doel:** Hoeveel stage er is.');
  });

  it('follows up on the next step after some days, outside quiet hours and pauses, once per round', async () => {
    const mentor = testUser('Mw. Bakker', 'bakker@school.nl');
    t.join(mentor);
    await t.send('personal-installation-add', mentor);
    await assignMentor(t.bot.deps.install, tenantId, { studentEmail: sanne.email, mentorEmail: mentor.email });
    const { reflectionId } = await reflect(sanne, 'open-day-vo', 'good', {
      happened: 'Open dag.',
      'good-at': 'Vragen stellen.',
      'next-step': 'Mijn mentor vragen naar proefstuderen.',
    });
    const run = async () => {
      const outcome = await t.bot.deps.jobs.runNow('reflection.follow-up');
      expect(outcome.status).toBe('ran');
      return (outcome as { result: { sent: number; waiting: number } }).result;
    };
    const followUps = () => t.connector.cardsIn(sanne.conversationId).filter((c) => cardText(c).includes('Hoe ging je stap?'));

    clock.set('2026-03-17T08:00:00.000Z'); // Tuesday 09:00 in Amsterdam: not five days yet
    expect(await run()).toMatchObject({ sent: 0, waiting: 0 });
    clock.set('2026-03-17T19:30:00.000Z'); // 20:30: due, but too late in the day
    expect(await run()).toMatchObject({ sent: 0, waiting: 1 });
    clock.set('2026-03-18T07:30:00.000Z'); // Wednesday 08:30
    expect(await run()).toMatchObject({ sent: 1 });
    expect(await run()).toMatchObject({ sent: 0 }); // a second run sends nothing twice
    expect(followUps()).toHaveLength(1);
    const card = followUps()[0]!;
    expect(cardText(card)).toContain('Mijn mentor vragen naar proefstuderen.');

    const notYet = await press(sanne, 'follow-up.answer', { reflectionId, outcome: 'not-yet' });
    expect(cardText(notYet)).toContain('nog één keer');
    // The second round is due five days later; on a Saturday it waits for Monday (summer time by then).
    clock.set('2026-03-28T12:00:00.000Z');
    expect(await run()).toMatchObject({ sent: 0, waiting: 1 });
    clock.set('2026-03-30T05:30:00.000Z'); // Monday 07:30 CEST
    expect(await run()).toMatchObject({ sent: 0, waiting: 1 });
    clock.set('2026-03-30T06:30:00.000Z'); // 08:30 CEST
    expect(await run()).toMatchObject({ sent: 1 });
    expect(followUps()).toHaveLength(2);
    const done = await press(sanne, 'follow-up.answer', { reflectionId, outcome: 'done' });
    expect(cardText(done)).toContain('Goed gedaan!');
    // It offers the next activity types of this flow for the student's sector, and something else.
    const next = actions(done).filter((a) => a['verb'] === 'reflection.start');
    expect(next.map((a) => a['title'])).toEqual(['Proefstuderen', 'Meeloopdag', 'Iets anders']);
    expect(await t.bot.repos.reflections.get((await person(sanne)).id, reflectionId)).toMatchObject({
      followUp: { state: 'answered', outcome: 'done', rounds: 2 },
    });
    expect(cardText(await press(sanne, 'follow-up.answer', { reflectionId, outcome: 'maybe' }))).toContain(
      'kon ik niet verwerken',
    );
    expect(cardText(await press(mentor, 'follow-up.answer', { reflectionId, outcome: 'done' }))).toContain('iemand anders');
  });

  it('takes over a follow-up claimed by an instance that died, once its lease has ended, and sends it once', async () => {
    await reflect(sanne, 'free', 'good', { happened: 'Iets.', 'good-at': 'Iets.', 'next-step': 'Een stap.' });
    clock.set('2026-03-18T09:00:00.000Z');
    const followUps = t.bot.deps.studentFollowUps;
    const [due] = await followUps.due(clock.now());
    // Another instance claimed it for the engine's lease and was killed before it sent anything.
    const lease = new Date(clock.now().getTime() + defaultLeaseMs);
    expect(await followUps.claim(due!, clock.now(), lease)).toBeDefined();
    const run = async () =>
      ((await t.bot.deps.jobs.runNow('reflection.follow-up')) as unknown as { result: { sent: number } }).result;
    expect(await run()).toMatchObject({ sent: 0 });
    clock.set(new Date(lease.getTime() - 1000));
    expect(await run()).toMatchObject({ sent: 0 });
    clock.set(new Date(lease.getTime() + 1000));
    expect(await run()).toMatchObject({ sent: 1 });
    expect(await run()).toMatchObject({ sent: 0 });
    const asked = t.connector.cardsIn(sanne.conversationId).filter((c) => cardText(c).includes('Hoe ging je stap?'));
    expect(asked).toHaveLength(1);
  });

  it('asks a paused student after the pause, not during it', async () => {
    await reflect(sanne, 'free', 'good', { happened: 'Iets.', 'good-at': 'Iets.', 'next-step': 'Een stap.' });
    await press(sanne, 'pause.set', { until: '2026-03-25' });
    clock.set('2026-03-18T09:00:00.000Z');
    expect((await t.bot.deps.jobs.runNow('reflection.follow-up')) as unknown).toMatchObject({ result: { sent: 0, waiting: 1 } });
    const stored = (await t.bot.repos.reflections.listByStudent((await person(sanne)).id))[0]!;
    expect(stored.followUpDueAt).toBe('2026-03-25T23:00:00.000Z');
    clock.set('2026-03-26T09:00:00.000Z');
    expect((await t.bot.deps.jobs.runNow('reflection.follow-up')) as unknown).toMatchObject({ result: { sent: 1 } });
  });
});
