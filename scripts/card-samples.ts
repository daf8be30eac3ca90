import {
  type AdaptiveCard,
  messageCard,
  preparationCard,
  reflectionCard,
  summaryCard,
  welcomeCard,
} from '../src/core/cards/cards.ts';
import type { Person, Reflection } from '../src/core/entities.ts';
import { type FlowCatalog, optionText } from '../src/core/flows/flows.ts';
import { loadLibrary } from '../src/core/flows/load-flows.ts';
import { withSector } from '../src/core/i18n.ts';
import type { Locale } from '../src/core/types.ts';
import {
  campaignFormCard,
  campaignListCard,
  campaignPromptCard,
  campaignStatusCard,
  campaignTemplatesCard,
} from '../src/modules/campaigns/cards.ts';
import { campaignTemplates } from '../src/modules/campaigns/templates.ts';
import { features } from '../src/modules/index.ts';
import { mentorItemCard, sectionElement } from '../src/modules/mentoring/cards.ts';
import { meetingCard, noteCard, proposalCard, replyCard, suggestionCard } from '../src/modules/mentoring/conversation-cards.ts';
import { digestCard } from '../src/modules/mentoring/digest-card.ts';
import { handoverCard, reminderCard, settingsCard, studentsCard } from '../src/modules/mentoring/overview-cards.ts';
import { buildSection } from '../src/modules/mentoring/sections.ts';
import { eraseConfirmCard, privacyCard } from '../src/modules/privacy/cards.ts';
import { milestoneCard, statusCard } from '../src/modules/quality-cycle/cards.ts';
import { editCard, milestonesCard } from '../src/modules/quality-cycle/edit-cards.ts';
import { evidenceCard } from '../src/modules/quality-cycle/evidence-cards.ts';
import { buildOverview } from '../src/modules/reflection/overview.ts';
import {
  exportCard,
  followUpCard,
  languageCard,
  overviewCard,
  pauseCard,
  pickerCard,
} from '../src/modules/reflection/student-cards.ts';
import { helpCardFor } from '../src/teams/help.ts';
import { sampleCampaign, sampleStatus } from './campaign-samples.ts';
import { editData, evidenceData, milestonesData, milestoneView, statusData } from './quality-cycle-samples.ts';
import { sharingSamples } from './sharing-samples.ts';
import { studentVoiceSamples } from './student-voice-samples.ts';
import { talentSamples } from './talent-samples.ts';

// Every card in cards/ built by its real builder from sample data, for the render test and the PNG
// gallery (scripts/render-cards.ts). The gallery shows realistic students and answers, as a school would
// see them; the render test builds the same samples again with each kind of odd text appended to
// everything a student or school typed (markup, a very long word, right-to-left text, emoji, a formula),
// which must show as typed and leave the card intact.

/** Odd text people type or paste, one of each kind the cards must survive. */
export const oddTexts = {
  markup: '**vet** [klik hier](https://evil.example) <b>html</b> <at>Mentor</at> _schuin_',
  longWord: 'Arbeidsongeschiktheidsverzekeringsmaatschappijmedewerkersvertegenwoordiging',
  rtl: 'مرحبا بكم في المدرسة \u202Egnitset\u202C עברית',
  emoji: '👩🏽‍🔧🧑🏿‍🍳 🎉✔️🇳🇱',
  formula: '=HYPERLINK("https://evil.example";"klik") +31 @SUM(A1) -2+3',
} as const;

/** The markup kind, which the render test checks would become a link if it were read as Markdown. */
export const hostile = oddTexts.markup;

// Set only while cardSamples runs: the odd text under test, or nothing for the gallery.
let odd = '';
/** Sample text as typed, with the odd text under test after it. */
const x = (text: string) => (odd ? `${text} ${odd}` : text);

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
    name: x(`Sanne de Vries`),
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
      happened: x(`Ik hielp een klant met een retour.`),
      'good-at': 'Rustig blijven en goed luisteren.',
      broaden: 'Thuis help ik mijn opa ook vaak met zijn telefoon.',
      kernwoord: 'helpen',
      'next-step': 'Vragen of ik de kassa mag afsluiten.',
    },
    kernwoord: 'helpen',
    choices: { 'good-at': ['customer', 'calm'], 'next-step': ['supervisor'] },
    competencies: ['qualities', 'motives', 'work-exploration', 'career-steering', 'networking'],
    preparation: { answer: 'Hoe een werkdag in de winkel eruitziet.', answeredAt: '2026-03-01T09:00:00.000Z' },
    routing: 'routed',
    ...over,
  });
}

/** What a mentor sees of a student, built as the mentors feature builds it. */
function sectionOf(flows: FlowCatalog, locale: Locale, reflections: Reflection[], full = false, who = student(locale)) {
  return buildSection(
    { student: who, reflections, show: () => true, maxEntries: 3, statuses: new Map(), followUp: undefined, full },
    { flows, locale },
  );
}

const allCompetencies = { qualities: 2, motives: 3, 'work-exploration': 2, 'career-steering': 1, networking: 0 };

/** The mentor's cards: digest, one student, students, settings, note, reminder, handover. */
function mentorSamples(flows: FlowCatalog, locale: Locale, suffix: string): CardSample[] {
  const tz = 'Europe/Amsterdam';
  const today = '2026-03-13';
  const talk = sectionOf(flows, locale, [{ ...submitted(locale), wantsToTalk: true }]);
  const calm = sectionOf(
    flows,
    locale,
    [
      submitted(locale, {
        id: 'r-2',
        studentId: 'student-2',
        emotion: 'mixed',
        // Mixed feelings take their own question about both sides.
        answers: {
          feeling: 'mixed',
          happened: 'Ik moest zelf de kassa doen terwijl het heel druk was.',
          'both-sides': 'Het lukte me om rustig te blijven, maar ik wist niet wat ik moest doen bij een fout.',
          kernwoord: 'rust',
          'next-step': 'Aan mijn praktijkopleider vragen hoe ik een fout herstel.',
        },
        kernwoord: 'rust',
        choices: { 'next-step': ['supervisor'] },
        competencies: ['qualities', 'motives', 'work-exploration', 'career-steering', 'networking'],
        signals: ['doubt-about-fit'],
      }),
    ],
    false,
    {
      ...student(locale),
      id: 'student-2',
      name: 'Daan de Groot',
    },
  );
  const digest = digestCard(
    {
      digestId: 'digest-1',
      locale,
      timeZone: tz,
      from: '2026-03-06T14:00:00.000Z',
      to: '2026-03-13T14:00:00.000Z',
      page: 0,
      sections: [
        talk,
        {
          ...calm,
          // A teacher's talent signal and the student's reply to a note, as the digest shows them.
          messages: [
            { kind: 'talent', from: 'Mw. Bakker', text: x(`Sterk samengewerkt bij de proef.`), at },
            { kind: 'reply', from: 'Daan de Groot', text: x(`Dank u, ik ga het vragen.`), at },
            { kind: 'trialoog', from: 'Kees Bos (Bakkerij Bos)', text: x(`Rustig gebleven bij de klacht.`), at },
          ],
        },
      ],
      offset: 0,
      total: 2,
      entryCount: 2,
    },
    { today, fit: true },
  ).card;
  return [
    {
      name: `mentor-digest${suffix}`,
      template: 'mentor-digest',
      locale,
      card: digest,
      shows: [x(`Sterk samengewerkt bij de proef.`), x(`Dank u, ik ga het vragen.`)],
    },
    {
      name: `mentor-student${suffix}`,
      template: 'mentor-student',
      locale,
      // One student's part of a digest, on its own.
      card: { type: 'AdaptiveCard', version: '1.5', body: [sectionElement(talk, { locale, timeZone: tz, today })] },
    },
    {
      name: `mentor-students${suffix}`,
      template: 'mentor-students',
      locale,
      card: studentsCard({
        locale,
        timeZone: tz,
        page: 0,
        students: [
          {
            student: { id: 'student-1', name: x(`Sanne de Vries`) },
            lastEntry: { flowTitle: flows.get('internship-mbo')!.title[locale], at },
            entryCount: 5,
            coverage: allCompetencies,
            openSteps: [{ reflectionId: 'r-1', text: x(`Vragen of ik de kassa mag afsluiten.`), at, status: 'open' }],
            recurring: [
              {
                word: x(`helpen`),
                count: 2,
                where: [
                  { flowTitle: flows.get('shadow-day-mbo')!.title[locale], at: '2026-01-20T10:00:00.000Z' },
                  { flowTitle: flows.get('internship-mbo')!.title[locale], at },
                ],
              },
            ],
            wantsToTalk: true,
            followUp: { lastDiscussedOn: '2026-02-20' },
          },
        ],
      }).card,
      shows: [x(`Sanne de Vries`)],
    },
    {
      name: `mentor-settings${suffix}`,
      template: 'mentor-settings',
      locale,
      card: settingsCard({
        locale,
        schedule: { frequency: 'weekly', weekday: 5, hour: 15 },
        reminderDays: 5,
        next: '2026-03-13T14:00:00.000Z',
        timeZone: tz,
      }),
    },
    {
      name: `mentor-note${suffix}`,
      template: 'mentor-note',
      locale,
      card: noteCard({
        locale,
        timeZone: tz,
        mentorName: 'Mw. Bakker',
        text: x(`Mooi gedaan! Wat zou je de volgende keer anders doen?`),
        about: { flowTitle: flows.get('internship-mbo')!.title[locale], at },
        noteId: 'note-1',
      }),
      shows: [x(`Mooi gedaan! Wat zou je de volgende keer anders doen?`)],
    },
    {
      name: `mentor-note-answered${suffix}`,
      template: 'mentor-note',
      locale,
      card: noteCard({
        locale,
        timeZone: tz,
        mentorName: 'Mw. Bakker',
        text: 'Mooi gedaan! Wat zou je de volgende keer anders doen?',
        noteId: 'note-1',
        reply: x(`Eerder om hulp vragen.`),
        notice: { text: locale === 'nl' ? 'Je antwoord is verstuurd.' : 'Your answer has been sent.', color: 'Good' },
      }),
      shows: [x(`Eerder om hulp vragen.`)],
    },
    {
      name: `meeting-proposal${suffix}`,
      template: 'meeting-proposal',
      locale,
      card: proposalCard({
        locale,
        timeZone: tz,
        mentor: { id: 'mentor-1', name: 'Mw. Bakker' },
        plan: { at, proposals: ['2026-03-16T13:00:00.000Z', '2026-03-17T08:30:00.000Z', '2026-03-19T14:15:00.000Z'] },
        today,
        open: true,
      }),
    },
    {
      name: `meeting-suggestion${suffix}`,
      template: 'meeting-suggestion',
      locale,
      card: suggestionCard({
        locale,
        timeZone: tz,
        student: { id: 'student-1', name: x(`Sanne de Vries`) },
        plan: { at, suggested: { at: '2026-03-18T10:00:00.000Z' } },
        open: true,
      }),
      shows: [x(`Sanne de Vries`)],
    },
    {
      name: `meeting-confirmed${suffix}`,
      template: 'meeting-confirmed',
      locale,
      card: meetingCard({
        locale,
        timeZone: tz,
        otherName: 'Mw. Bakker',
        at: '2026-03-16T13:00:00.000Z',
        days: 7,
        calendarUrl: 'https://lob.example/downloads/abc/ics',
      }),
    },
    {
      name: `mentor-reply${suffix}`,
      template: 'mentor-reply',
      locale,
      card: replyCard({
        locale,
        studentName: x(`Sanne de Vries`),
        note: 'Mooi gedaan! Wat zou je de volgende keer anders doen?',
        reply: x(`Eerder om hulp vragen.`),
      }),
      shows: [x(`Eerder om hulp vragen.`)],
    },
    {
      name: `mentor-reminder${suffix}`,
      template: 'mentor-reminder',
      locale,
      card: reminderCard({ locale, timeZone: tz, section: talk, today }),
    },
    {
      name: `mentor-handover${suffix}`,
      template: 'mentor-handover',
      locale,
      card: handoverCard({
        locale,
        timeZone: tz,
        today,
        view: {
          section: calm,
          previousMentors: ['Dhr. Jansen'],
          previousDiscussedOn: '2026-02-01',
          entryCount: 5,
          firstEntryAt: '2025-09-15T10:00:00.000Z',
          coverage: allCompetencies,
        },
      }),
    },
  ];
}

/** The quality cycle's cards: a milestone reminder (open and done), the status, the list, the edit form, Check evidence. */
function qualityCycleSamples(flows: FlowCatalog, locale: Locale, suffix: string): CardSample[] {
  const activityLabel = (type: string) => flows.all().find((f) => f.activityType === type)?.title[locale] ?? type;
  const done = milestoneView(
    odd,
    {
      done: {
        at: '2026-08-20T13:00:00Z',
        byPersonId: 'p',
        note: x('Besproken in het teamoverleg.'),
        link: 'https://school.sharepoint.com/werkplan.docx',
      },
    },
    'done',
  );
  return [
    {
      name: `quality-cycle-milestone${suffix}`,
      template: 'quality-cycle-milestone',
      locale,
      card: milestoneCard(milestoneView(odd), locale),
      shows: odd ? [odd] : [],
    },
    {
      name: `quality-cycle-milestone-done${suffix}`,
      template: 'quality-cycle-milestone',
      locale,
      card: milestoneCard({ ...done, doneByName: 'Lisa' }, locale),
      shows: odd ? [odd] : [],
    },
    {
      name: `quality-cycle-status${suffix}`,
      template: 'quality-cycle-status',
      locale,
      card: statusCard(locale, statusData(odd)),
      shows: odd ? [odd] : [],
    },
    {
      name: `quality-cycle-milestones${suffix}`,
      template: 'quality-cycle-milestones',
      locale,
      card: milestonesCard(locale, milestonesData(odd)),
    },
    { name: `quality-cycle-edit${suffix}`, template: 'quality-cycle-edit', locale, card: editCard(locale, editData(odd)) },
    {
      name: `quality-cycle-evidence${suffix}`,
      template: 'quality-cycle-evidence',
      locale,
      card: evidenceCard(locale, evidenceData(odd), { period: 'year', activityLabel }),
      shows: odd ? [odd] : [],
    },
  ];
}

/** The coordinator's campaign cards, and the prompt a student gets from a campaign. */
function campaignSamples(flows: FlowCatalog, locale: Locale, suffix: string): CardSample[] {
  const template = campaignTemplates.find((t) => t.activityType === 'shadow-day') ?? campaignTemplates[0]!;
  const flow = flows.get('shadow-day-mbo') ?? flows.defaultFlow();
  return [
    { name: `campaign-templates${suffix}`, template: 'campaign-templates', locale, card: campaignTemplatesCard(locale) },
    {
      name: `campaign-form${suffix}`,
      template: 'campaign-form',
      locale,
      card: campaignFormCard({
        locale,
        template,
        formId: '8c5e4b1e-0d1f-4d8c-9a0e-6f3a2b1c0d9e',
        groups: [{ id: 'g', name: '4H', members: 28 }],
        flows: flows.all(),
        offerPreparation: true,
        values: { name: 'Meeloopdag 4H', date: '2026-11-25', startTime: '09:00', endTime: '13:59', offset: '0', reminder: '4x1' },
      }),
    },
    {
      name: `campaign-status${suffix}`,
      template: 'campaign-status',
      locale,
      card: campaignStatusCard({
        locale,
        status: sampleStatus(odd, 6),
        flowTitle: flow.title[locale],
        groupNames: ['4H'],
        timeZone: 'Europe/Amsterdam',
        now: new Date('2026-11-25T14:00:00Z'),
      }),
      shows: [x(`Meeloopdag 4H`)],
    },
    {
      name: `campaign-list${suffix}`,
      template: 'campaign-list',
      locale,
      card: campaignListCard(locale, [{ campaign: sampleCampaign(odd), counts: { total: 300, sent: 170, answered: 90 } }]),
    },
    {
      name: `campaign-prompt${suffix}`,
      template: 'campaign-prompt-header',
      locale,
      card: campaignPromptCard(
        flow,
        { ...reflection(locale), flowId: flow.id },
        {
          activity: { title: x(`Meeloopdag`), type: 'shadow-day', endsAt: '2026-11-25T12:59:00Z' },
          timeZone: 'Europe/Amsterdam',
          reminder: true,
        },
      ),
      shows: [x(`Meeloopdag`)],
    },
  ];
}

export function cardSamples(flows: FlowCatalog = loadLibrary(), options: { odd?: string } = {}): CardSample[] {
  odd = options.odd ?? '';
  try {
    return buildSamples(flows);
  } finally {
    odd = '';
  }
}

function buildSamples(flows: FlowCatalog): CardSample[] {
  const out: CardSample[] = [];
  const commands = features.flatMap((f) => f.commands ?? []);
  for (const locale of ['nl', 'en'] as const) {
    const flow = flows.get('internship-mbo')!;
    const prepared = reflection(locale, { preparation: { answer: x('Hoe een werkdag in de zorg eruitziet.'), answeredAt: at } });
    const suffix = locale === 'nl' ? '' : '-en';
    out.push(
      {
        name: `welcome${suffix}`,
        template: 'welcome',
        locale,
        card: welcomeCard(locale, student(locale).name),
        shows: [student(locale).name],
      },
      { name: `help${suffix}`, template: 'help', locale, card: helpCardFor(commands, student(locale), { personal: true }) },
      {
        // A mentor who is also the LOB coordinator and leads a team: a section per role.
        name: `help-staff${suffix}`,
        template: 'help',
        locale,
        card: helpCardFor(commands, { ...student(locale), roles: ['mentor', 'coordinator', 'team-leader'] }, { personal: true }),
      },
      { name: `activity-picker${suffix}`, template: 'activity-picker', locale, card: pickerCard(locale, flows.forSector('mbo')) },
      {
        name: `reflection-1-emotion${suffix}`,
        template: 'reflection-emotion',
        locale,
        card: reflectionCard(flow, prepared),
        shows: [x('Hoe een werkdag in de zorg eruitziet.')],
      },
      {
        name: `reflection-2-positive${suffix}`,
        template: 'reflection',
        locale,
        card: reflectionCard(flow, prepared, { emotion: 'great', values: { happened: x('Ik hielp een bewoner met opstaan.') } }),
        shows: [x('Hoe een werkdag in de zorg eruitziet.')],
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
        shows: [x(`Ik hielp een klant met een retour.`)],
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
          reflection(locale, {
            flowId: 'open-day-vo',
            preparation: { answer: x('Hoe een werkdag in de zorg eruitziet.'), answeredAt: at },
          }),
        ),
        shows: [x('Hoe een werkdag in de zorg eruitziet.')],
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
            { notesFor: (r) => (r.id === 'r-0001' ? [{ from: 'Mw. Bakker', text: x(`Mooi!`) }] : []), pageSize: 2 },
          ),
          locale,
          'Europe/Amsterdam',
          [{ from: 'Mw. Bakker', text: x(`Goed doorgezet bij de presentatie.`), at }],
        ),
        shows: [x(`Ik hielp een klant met een retour.`), x(`Mooi!`), x(`Goed doorgezet bij de presentatie.`)],
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
        card: exportCard(locale, { url: `http://127.0.0.1:3978/downloads/${'a'.repeat(43)}/md`, count: 7, minutes: 10 }),
      },
      {
        name: `privacy${suffix}`,
        template: 'privacy',
        locale,
        card: privacyCard(locale, { retentionMonths: 12 }),
      },
      {
        name: `privacy-export${suffix}`,
        template: 'privacy',
        locale,
        card: privacyCard(locale, {
          retentionMonths: 12,
          links: {
            markdown: `http://127.0.0.1:3978/downloads/${'a'.repeat(43)}/md`,
            json: `http://127.0.0.1:3978/downloads/${'a'.repeat(43)}/json`,
            minutes: 10,
          },
        }),
      },
      {
        name: `privacy-erase${suffix}`,
        template: 'privacy-erase',
        locale,
        card: eraseConfirmCard(locale, { personId: 'student-1', until: '2026-03-12T14:20:00.000Z' }),
      },
      {
        name: `follow-up${suffix}`,
        template: 'follow-up',
        locale,
        card: followUpCard({
          flow,
          reflection: submitted(locale),
          step: x(`Vragen of ik de kassa mag afsluiten.`),
          locale,
        }),
        shows: [x(`Vragen of ik de kassa mag afsluiten.`)],
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
        // The at-once card a mentor gets when a student asks to talk (built as src/modules/mentoring/teams-notifier.ts does).
        card: mentorItemCard({
          locale,
          timeZone: 'Europe/Amsterdam',
          itemId: 'sample-item',
          today: '2026-03-12',
          section: sectionOf(flows, locale, [{ ...submitted(locale), wantsToTalk: true }], true),
        }),
        // The whole reflection: the student's words, the options they ticked, their preparation answer.
        shows: [
          x(`Ik hielp een klant met een retour.`),
          optionText(flow.questions.find((q) => q.id === 'good-at')!, 'customer', locale),
          'Hoe een werkdag in de winkel eruitziet.',
        ],
      },
      { name: `message${suffix}`, template: 'message', locale, card: messageCard('core.errors.notYours', locale, 'attention') },
      {
        name: `reflection-talent${suffix}`,
        template: 'reflection-emotion',
        locale,
        // The free reflection a student starts from a talent signal: the signal is on the card.
        card: reflectionCard(
          flows.get('free')!,
          reflection(locale, {
            flowId: 'free',
            source: { kind: 'talent', signalId: 'signal-1' },
            context: { kind: 'talent', from: 'Mw. Bakker', text: x(`Sterk samengewerkt bij de proef.`) },
          }),
        ),
        shows: [x(`Sterk samengewerkt bij de proef.`)],
      },
      // The mentor's samples are an mbo class on its BPV: worded as an mbo school is (studenten, loopbaanbegeleider).
      ...withSector('mbo', () => mentorSamples(flows, locale, suffix)),
      ...talentSamples(locale, suffix, odd),
      ...sharingSamples(flows, locale, suffix, odd),
      ...studentVoiceSamples(locale, suffix),
      ...qualityCycleSamples(flows, locale, suffix),
      ...campaignSamples(flows, locale, suffix),
    );
  }
  return out;
}
