import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { assignMentor } from '../../../src/core/assignments.ts';
import type { Reflection } from '../../../src/core/entities.ts';
import { t as translate } from '../../../src/core/i18n.ts';
import { startOfDay } from '../../../src/core/time/zoned-time.ts';
import { type Competency, competencies } from '../../../src/core/types.ts';
import { buildCheckEvidence } from '../../../src/modules/quality-cycle/check-evidence.ts';
import { retagReflections } from '../../../src/modules/reflection/retag.ts';
import { ManualClock } from '../../../src/platform/clock.ts';
import type { DocumentStore } from '../../../src/platform/store/document-store.ts';
import { type TestUser, tenantId, testUser } from '../../helpers/activities.ts';
import { backends } from '../../helpers/backends.ts';
import { seedCoordinatorWorld, type World } from '../../helpers/coordinator-world.ts';
import { cardActions } from '../../helpers/playground.ts';
import { startTestBot, type TestBot } from '../../helpers/test-bot.ts';

// Honest competency tagging (src/core/flows/tagging.ts): a competency counts only for a question that
// targets it and was answered in the student's own words, with substance. First through the running bot
// (what a submit stores), then the start-up migration that re-tags reflections stored under the old rule,
// read back through the coordinator page's heat map and the Check evidence, on both backends.

/** A positive path of the free flow with "iets" in every box and a starter ticked: the old rule credited all five. */
const minimal = {
  feeling: 'good',
  happened: 'iets',
  'good-at': 'iets',
  'good-at.choices': 'helping',
  explore: 'iets',
  'next-step': 'iets',
  'next-step.choices': 'mentor',
};

async function startFree(t: TestBot, user: TestUser): Promise<string> {
  const before = t.connector.cardsIn(user.conversationId).length;
  expect((await t.send('personal-message', user, { text: 'reflecteer iets wat ik meemaakte' })).status).toBe(200);
  const card = await t.connector.waitFor(() => t.connector.cardsIn(user.conversationId)[before]);
  const feel = cardActions(card).find((a) => a.type === 'Action.Execute' && a.verb === 'reflection.feel');
  return feel!.data['reflectionId'] as string;
}

describe('competency tagging of a submitted reflection', () => {
  let t: TestBot;
  let sanne: TestUser;
  let studentId: string;
  beforeEach(async () => {
    t = await startTestBot();
    sanne = testUser('Sanne de Vries', 'sanne@school.nl');
    const mentor = testUser('Mr. Jansen', 'jansen@school.nl');
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

  async function submitted(values: Record<string, string>): Promise<Reflection> {
    const reflectionId = await startFree(t, sanne);
    const res = await t.send('card-action-execute', sanne, {
      verb: 'reflection.submit',
      data: { reflectionId, ...values },
      replyToId: 'act-1',
    });
    expect(res.status).toBe(200);
    const stored = await t.bot.repos.reflections.get(studentId, reflectionId);
    expect(stored?.status).toBe('submitted');
    return stored!;
  }

  it('credits nothing for the emotion tap, filler words or a ticked starter without own words', async () => {
    const stored = await submitted(minimal);
    expect(stored.competencies).toEqual([]);
    expect(stored.taggingRule).toBe(2);
  });

  it('credits only the questions answered with substance, not a copied starter', async () => {
    const stored = await submitted({
      ...minimal,
      happened: 'Ik mocht bij de kassa een klant helpen met retourneren.',
      'good-at': 'Ik hielp iemand', // the starter's own text, typed over
      'next-step': 'Aan mijn teamleider vragen of ik vaker op de kassa mag.',
    });
    // next-step: career-steering, and networking from the ticked "my mentor" now that there are own words.
    expect(stored.competencies).toEqual(['work-exploration', 'career-steering', 'networking']);
  });
});

describe.each(backends)('the start-up migration re-tags stored reflections: $name', (backend) => {
  const now = new Date('2027-03-15T10:00:00+01:00');
  let store: DocumentStore;
  let world: World;
  let t: TestBot | undefined;
  const students = (g: number) => Array.from({ length: 6 }, (_, i) => `s-${g}-${i}`);

  beforeAll(async () => {
    store = await backend.open();
  });
  afterAll(async () => {
    await t?.stop();
    await store.close();
  });

  /** The heat map as the coordinator page shows it: per class and competency, the cell's text. */
  async function heatMap(bot: TestBot, groupId: string): Promise<Record<string, string>> {
    const res = await fetch(`${bot.bot.url}/coordinator/api/view?lang=nl`, {
      headers: { 'x-dev-login': world.coordinator.email ?? '' },
    });
    expect(res.status).toBe(200);
    const html = String(((await res.json()) as { html: string }).html);
    // The rule is shown with the figures, in words a coordinator reads.
    expect(html).toContain(`data-field="coverage-rule">${translate('nl', 'coordinator.coverage.rule')}<`);
    return Object.fromEntries(
      competencies.map((c) => {
        const cell = html.match(new RegExp(`data-coverage="${groupId}:${c}"[^>]*>([^<]*)<`));
        return [c, cell?.[1] ?? '(missing)'];
      }),
    );
  }

  async function checkEvidence(bot: TestBot) {
    const team = await bot.bot.deps.cycles.teams.get(tenantId, 'jaar-5');
    const evidence = await buildCheckEvidence(bot.bot.deps.evidence, {
      schoolId: tenantId,
      team: team!,
      schoolYear: '2026-2027',
      period: {
        from: '2026-08-01',
        to: '2027-03-15',
        start: startOfDay('2026-08-01', 'Europe/Amsterdam'),
        end: startOfDay('2027-03-16', 'Europe/Amsterdam'),
      },
      now,
    });
    const group = evidence.coverage.groups.find((g) => !g.small)!;
    if (group.figures.hidden) throw new Error('the class should be shown');
    return group.figures.value;
  }

  it('corrects the heat map and the Check evidence once the bot starts again, and only once', async () => {
    const env = { DEV_PAGE_LOGIN: 'true' };
    const first = await startTestBot({ store, clock: new ManualClock(now), env });
    world = await seedCoordinatorWorld(first.bot.deps, { classes: 2, classSize: 6, reflectionsPerStudent: 0, campaigns: 1 });
    const year5 = world.groupIds[1]!;
    // Stored under the old rule: every box "iets", a starter ticked, five competencies; half of the
    // class told what happened in their own words.
    for (const [i, studentId] of students(1).entries()) {
      const at = new Date(Date.parse('2026-10-05T10:00:00Z') + i * 3_600_000).toISOString();
      await first.bot.repos.reflections.create({
        id: `legacy-${studentId}`,
        schoolId: tenantId,
        studentId,
        flowId: 'free',
        activityType: 'free',
        locale: 'nl',
        status: 'submitted',
        createdAt: at,
        submittedAt: at,
        emotion: 'good',
        answers: {
          feeling: 'good',
          happened: i < 3 ? 'Ik hielp in de kantine met het klaarzetten van de lunch.' : 'iets',
          'good-at': 'iets',
          explore: 'iets',
          'next-step': 'iets',
        },
        choices: { 'good-at': ['helping'], 'next-step': ['mentor'] },
        competencies: [...competencies] as Competency[],
        routing: 'routed',
      });
    }
    // An anonymised reflection (answers removed by retention, figures kept) cannot be recomputed: it keeps its tags.
    await first.bot.repos.reflections.create({
      id: 'anonymised',
      schoolId: tenantId,
      studentId: 's-0-0',
      flowId: 'free',
      activityType: 'free',
      locale: 'nl',
      status: 'submitted',
      createdAt: '2026-10-01T10:00:00.000Z',
      submittedAt: '2026-10-01T10:00:00.000Z',
      answers: {},
      competencies: ['qualities', 'networking'],
      routing: 'routed',
    });
    // Before the migration the page shows what the old rule stored: everyone, everywhere.
    expect(Object.values(await heatMap(first, year5))).toEqual(['100%', '100%', '100%', '100%', '100%']);
    expect(Object.values(await checkEvidence(first))).toEqual([1, 1, 1, 1, 1]);
    await first.stop();

    t = await startTestBot({ store, clock: new ManualClock(now), env });
    expect(await heatMap(t, year5)).toEqual({
      qualities: '0%',
      motives: '0%',
      'work-exploration': '50%',
      'career-steering': '0%',
      networking: '0%',
    });
    expect(await checkEvidence(t)).toEqual({
      qualities: 0,
      motives: 0,
      'work-exploration': 0.5,
      'career-steering': 0,
      networking: 0,
    });
    const stored = await t.bot.repos.reflections.get('s-1-0', 'legacy-s-1-0');
    expect(stored).toMatchObject({ competencies: ['work-exploration'], taggingRule: 2 });
    expect(await t.bot.repos.reflections.get('s-0-0', 'anonymised')).toMatchObject({
      competencies: ['qualities', 'networking'],
      taggingRule: 2,
    });
    // Idempotent: a second run finds nothing left to do and changes no version.
    expect(await retagReflections(t.bot.repos, t.bot.deps.flows)).toEqual({ retagged: 0, unchanged: 0, unknownFlow: 0 });
    expect((await t.bot.repos.reflections.get('s-1-0', 'legacy-s-1-0'))?.version).toBe(stored!.version);
  });
});
