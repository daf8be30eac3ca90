import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { cardActions, cardText } from '../../helpers/playground.ts';
import { renderCard } from '../../helpers/render-card.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// The reflection as a careers conversation, through the running bot with real Teams activities: a
// moment and an emotion word first, a line that acknowledges it, own words before any word list, a path
// of its own for mixed feelings, and the kernwoord stored as its own field. The mentor reads the
// student's words, and a picked word only as "named with help".

type Card = { body: Record<string, unknown>[] };

/** Every input of a card in reading order (id and type), to check what comes first. */
function inputs(card: unknown): { id: string; type: string }[] {
  const out: { id: string; type: string }[] = [];
  const walk = (n: unknown) => {
    if (Array.isArray(n)) n.forEach(walk);
    else if (n && typeof n === 'object') {
      const o = n as Record<string, unknown>;
      if (typeof o['type'] === 'string' && String(o['type']).startsWith('Input.'))
        out.push({ id: String(o['id']), type: String(o['type']) });
      Object.values(o).forEach(walk);
    }
  };
  walk(card);
  return out;
}

describe('the careers conversation in a reflection', () => {
  let t: TestBot;
  let sanne: TestUser;
  let mentor: TestUser;
  let studentId: string;
  beforeEach(async () => {
    t = await startTestBot();
    sanne = testUser('Sanne de Vries', 'sanne@school.nl');
    mentor = testUser('Mr. Jansen', 'jansen@school.nl');
    for (const u of [sanne, mentor]) {
      t.join(u);
      expect((await t.send('personal-installation-add', u)).status).toBe(200);
    }
    const assigned = await assignMentor(t.bot.deps.install, tenantId, { studentEmail: sanne.email, mentorEmail: mentor.email });
    if (!assigned.ok) throw new Error('assignment failed');
    studentId = assigned.student.id;
  });
  afterEach(async () => {
    await t.stop();
  });

  const press = async (verb: string, data: Record<string, unknown>): Promise<Card> => {
    const res = await t.send('card-action-execute', sanne, { verb, data, replyToId: 'msg-1' });
    expect(res.status).toBe(200);
    return (res.body as { value: Card }).value;
  };

  async function open(flowId: string): Promise<{ first: Card; reflectionId: string }> {
    const first = await press('reflection.start', { flowId });
    const feel = cardActions(first).find((a) => a.type === 'Action.Execute' && a.verb === 'reflection.feel')!;
    return { first, reflectionId: feel.data['reflectionId'] as string };
  }

  it('opens with a moment and emotion words, acknowledges the feeling, and asks own words before a word list', async () => {
    const { first, reflectionId } = await open('shadow-day-vo');
    const opener = cardText(first);
    expect(opener).toContain('Denk aan één moment van je meeloopdag dat je bijbleef. Hoe voelde dat?');
    for (const word of ['Blij', 'Fijn', 'Dubbel', 'Balen', 'Rot']) expect(opener).toContain(word);
    expect(opener).not.toMatch(/Heel goed|Niet zo goed|Slecht/); // no satisfaction scale

    const positive = await press('reflection.feel', { reflectionId, emotion: 'great' });
    expect(cardText(positive)).toContain('Mooi dat dat moment je zo raakte.');
    expect(renderCard(positive).problems).toEqual([]);
    const order = inputs(positive).map((i) => i.id);
    // The student's own words first; the words to name it with after them.
    expect(order.indexOf('good-at')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('good-at')).toBeLessThan(order.indexOf('good-at.choices'));
    expect(order.indexOf('next-step')).toBeLessThan(order.indexOf('next-step.choices'));
    expect(order).toEqual(expect.arrayContaining(['broaden', 'kernwoord']));
    expect(cardText(positive)).not.toMatch(/Bijvoorbeeld/);
  });

  it('gives mixed feelings a path of their own that asks about both sides', async () => {
    const { reflectionId } = await open('shadow-day-vo');
    const mixed = await press('reflection.feel', { reflectionId, emotion: 'mixed' });
    const text = cardText(mixed);
    expect(text).toContain('Twee gevoelens tegelijk: dat gebeurt vaak.');
    expect(text).toContain('Wat was de fijne kant, wat de lastige kant?');
    expect(text).not.toContain('Wat had je op dat moment graag anders gezien?'); // the negative branch
    const bad = await press('reflection.feel', { reflectionId, emotion: 'bad' });
    expect(cardText(bad)).toContain('Wat had je op dat moment graag anders gezien?');
    expect(cardText(bad)).toContain('Jammer dat het zo voelde.');
  });

  it('stores the kernwoord as its own field and shows a picked word only as named with help', async () => {
    const { reflectionId } = await open('shadow-day-vo');
    await press('reflection.feel', { reflectionId, emotion: 'good' });
    const summary = await press('reflection.submit', {
      reflectionId,
      feeling: 'good',
      happened: 'Ik mocht een leerling helpen met een robot die niet wilde rijden.',
      'good-at': 'Rustig uitleggen hoe iets werkt.',
      'good-at.choices': 'understanding',
      broaden: 'Thuis help ik mijn broertje ook met zijn huiswerk.',
      kernwoord: 'uitleggen',
      'next-step': 'Op de open dag naar de techniekafdeling gaan.',
      'next-step.choices': 'mentor',
      'wants-to-talk': 'true',
    });
    const stored = await t.bot.repos.reflections.get(studentId, reflectionId);
    expect(stored).toMatchObject({ status: 'submitted', kernwoord: 'uitleggen' });
    expect(stored?.competencies).toEqual(['qualities', 'motives', 'work-exploration', 'career-steering', 'networking']);

    const shown = cardText(summary);
    expect(shown).toContain('Rustig uitleggen hoe iets werkt.');
    expect(shown).toMatch(/Rustig uitleggen hoe iets werkt\.[\s\S]*Benoemd met hulp: \s*Snel snappen hoe iets werkt/);
    expect(shown).toContain('Wie kan helpen: ');

    // The mentor gets it at once (the student asked to talk): own words, then the picked word as such.
    const received = t.connector.cardsIn(mentor.conversationId).find((c) => cardText(c).includes('Nieuwe reflectie'));
    expect(received).toBeDefined();
    const forMentor = cardText(received);
    expect(forMentor).toMatch(/Rustig uitleggen hoe iets werkt\.[\s\S]*Benoemd met hulp: \s*Snel snappen hoe iets werkt/);
    expect(forMentor).toContain('uitleggen');
    expect(forMentor).not.toContain('Aangevinkt');
  });
});
