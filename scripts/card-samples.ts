import {
  type AdaptiveCard,
  helpCard,
  mentorReflectionCard,
  messageCard,
  preparationCard,
  reflectionCard,
  summaryCard,
  welcomeCard,
} from '../src/cards/cards.ts';
import { exportCard, followUpCard, languageCard, overviewCard, pauseCard, pickerCard } from '../src/cards/student-cards.ts';
import type { Person, Reflection } from '../src/domain/entities.ts';
import type { FlowCatalog } from '../src/domain/flows.ts';
import { buildOverview } from '../src/domain/overview.ts';
import type { Locale } from '../src/domain/types.ts';
import { loadLibrary } from '../src/flows/load-flows.ts';

// Every card in cards/ built by its real builder from sample data, for the render test and the PNG
// gallery (scripts/render-cards.ts). The samples carry hostile text on purpose: Markdown, HTML, a link
// and a mention typed by a student must show as typed.

export const hostile = '**vet** [klik hier](https://evil.example) <b>html</b> <at>Mentor</at> _schuin_';

export interface CardSample {
  /** File name in the gallery, without extension. */
  name: string;
  /** The template in cards/ it exercises. */
  template: string;
  locale: Locale;
  card: AdaptiveCard;
  /** Student text the card must show literally. */
  shows?: string[];
}

const at = '2026-03-12T14:05:00.000Z';

function student(locale: Locale): Person {
  return {
    id: 'student-1',
    version: 1,
    schoolId: 'school-1',
    name: `Sanne ${hostile}`,
    locale,
    localeSource: 'teams',
    roles: ['student'],
    reachability: { state: 'reachable' },
    createdAt: at,
    updatedAt: at,
  };
}

function reflection(locale: Locale, over: Partial<Reflection> = {}): Reflection {
  return {
    id: 'r-0001',
    version: 1,
    schoolId: 'school-1',
    studentId: 'student-1',
    flowId: 'internship-mbo',
    activityType: 'internship',
    locale,
    status: 'open',
    createdAt: at,
    answers: {},
    competencies: [],
    routing: 'none',
    ...over,
  };
}

function submitted(locale: Locale, over: Partial<Reflection> = {}): Reflection {
  return reflection(locale, {
    status: 'submitted',
    submittedAt: at,
    emotion: 'good',
    answers: {
      feeling: 'good',
      happened: `Ik hielp een klant met een retour. ${hostile}`,
      'good-at': 'Rustig blijven en goed luisteren.',
      'next-step': 'Vragen of ik de kassa mag afsluiten.',
    },
    choices: { 'good-at': ['customer', 'calm'], 'next-step': ['supervisor'] },
    competencies: ['qualities', 'motives', 'work-exploration', 'career-steering', 'networking'],
    preparation: { answer: 'Hoe een werkdag in de winkel eruitziet.', answeredAt: '2026-03-01T09:00:00.000Z' },
    routing: 'routed',
    ...over,
  });
}

export function cardSamples(flows: FlowCatalog = loadLibrary()): CardSample[] {
  const out: CardSample[] = [];
  for (const locale of ['nl', 'en'] as const) {
    const flow = flows.get('internship-mbo')!;
    const prepared = reflection(locale, { preparation: { answer: hostile, answeredAt: at } });
    const suffix = locale === 'nl' ? '' : '-en';
    out.push(
      {
        name: `welcome${suffix}`,
        template: 'welcome',
        locale,
        card: welcomeCard(locale, student(locale).name),
        shows: [hostile],
      },
      { name: `help${suffix}`, template: 'help', locale, card: helpCard(locale) },
      { name: `activity-picker${suffix}`, template: 'activity-picker', locale, card: pickerCard(locale, flows.forSector('mbo')) },
      {
        name: `reflection-1-emotion${suffix}`,
        template: 'reflection-emotion',
        locale,
        card: reflectionCard(flow, prepared),
        shows: [hostile],
      },
      {
        name: `reflection-2-positive${suffix}`,
        template: 'reflection',
        locale,
        card: reflectionCard(flow, prepared, { emotion: 'great', values: { happened: hostile } }),
        shows: [hostile],
      },
      {
        name: `reflection-2-negative${suffix}`,
        template: 'reflection',
        locale,
        card: reflectionCard(flow, reflection(locale), { emotion: 'bad' }),
      },
      {
        name: `reflection-errors${suffix}`,
        template: 'reflection',
        locale,
        card: reflectionCard(flow, reflection(locale), {
          emotion: 'good',
          values: { feeling: 'good', happened: '😀😀', 'next-step': 'x'.repeat(301) },
          errors: [
            { field: 'happened', code: 'no-words' },
            { field: 'good-at', code: 'required' },
            { field: 'next-step', code: 'too-long' },
          ],
        }),
      },
      {
        name: `reflection-summary${suffix}`,
        template: 'reflection-summary',
        locale,
        card: summaryCard(flow, submitted(locale, { followUpDueAt: at }), { mentorCount: 1, followUpDays: 5 }),
        shows: [`Ik hielp een klant met een retour. ${hostile}`],
      },
      {
        name: `preparation${suffix}`,
        template: 'preparation',
        locale,
        card: preparationCard(flows.get('open-day-vo')!, reflection(locale, { flowId: 'open-day-vo' })),
      },
      {
        name: `preparation-saved${suffix}`,
        template: 'preparation',
        locale,
        card: preparationCard(
          flows.get('open-day-vo')!,
          reflection(locale, { flowId: 'open-day-vo', preparation: { answer: hostile, answeredAt: at } }),
        ),
        shows: [hostile],
      },
      {
        name: `my-reflections${suffix}`,
        template: 'my-reflections',
        locale,
        card: overviewCard(
          buildOverview(
            [
              submitted(locale, { followUp: { state: 'answered', rounds: 1, outcome: 'done' } }),
              submitted(locale, {
                id: 'r-0002',
                flowId: 'open-day-mbo',
                activityType: 'open-day',
                submittedAt: '2026-02-02T10:00:00.000Z',
                emotion: 'bad',
                competencies: ['motives'],
              }),
              submitted(locale, { id: 'r-0003', flowId: 'free', activityType: 'free', submittedAt: '2026-01-15T10:00:00.000Z' }),
            ],
            flows,
            { notesFor: (r) => (r.id === 'r-0001' ? [{ from: 'Mw. Bakker', text: `Mooi! ${hostile}` }] : []), pageSize: 2 },
          ),
          locale,
          'Europe/Amsterdam',
        ),
        shows: [`Ik hielp een klant met een retour. ${hostile}`, `Mooi! ${hostile}`],
      },
      {
        name: `my-reflections-empty${suffix}`,
        template: 'my-reflections',
        locale,
        card: overviewCard(buildOverview([], flows), locale, 'Europe/Amsterdam'),
      },
      {
        name: `pause${suffix}`,
        template: 'pause',
        locale,
        card: pauseCard(locale, { kind: 'form', min: '2026-03-12', max: '2026-09-11', value: '2026-03-18' }),
      },
      {
        name: `pause-done${suffix}`,
        template: 'pause',
        locale,
        card: pauseCard(locale, {
          kind: 'done',
          message: locale === 'nl' ? 'Gepauzeerd tot en met 18 maart 2026.' : 'Paused until 18 March 2026.',
          paused: true,
        }),
      },
      {
        name: `language${suffix}`,
        template: 'language',
        locale,
        card: languageCard(locale, 'In welke taal wil je dat ik praat? / Which language shall I use?', false),
      },
      {
        name: `export${suffix}`,
        template: 'export',
        locale,
        card: exportCard(locale, { url: 'http://127.0.0.1:3978/dossier/abc?e=1&s=2', count: 7, minutes: 10 }),
      },
      {
        name: `follow-up${suffix}`,
        template: 'follow-up',
        locale,
        card: followUpCard({
          flow,
          reflection: submitted(locale),
          step: `Vragen of ik de kassa mag afsluiten. ${hostile}`,
          locale,
        }),
        shows: [`Vragen of ik de kassa mag afsluiten. ${hostile}`],
      },
      {
        name: `follow-up-answered${suffix}`,
        template: 'follow-up',
        locale,
        card: followUpCard({
          flow,
          reflection: submitted(locale),
          step: 'Vragen of ik de kassa mag afsluiten.',
          locale,
          outcome: 'done',
          thanksKey: 'student.followUp.thanks.done',
          next: [flows.get('internship-midway-mbo')!, flows.get('internship-end-mbo')!],
        }),
      },
      {
        name: `mentor-reflection${suffix}`,
        template: 'mentor-reflection',
        locale,
        card: mentorReflectionCard({
          mentor: { ...student(locale), name: 'Mw. Bakker' },
          student: student(locale),
          reflection: submitted(locale),
          flow,
          timeZone: 'Europe/Amsterdam',
        }),
        shows: [`Ik hielp een klant met een retour. ${hostile}`],
      },
      { name: `message${suffix}`, template: 'message', locale, card: messageCard('core.errors.notYours', locale, 'attention') },
    );
  }
  return out;
}
