import type { AdaptiveCard } from '../src/core/cards/cards.ts';
import type { Reflection } from '../src/core/entities.ts';
import type { FlowCatalog } from '../src/core/flows/flows.ts';
import type { Locale } from '../src/core/types.ts';
import { shareLinkCard, shareMenuCard, supervisorFormCard, trialoogAnswerCard } from '../src/modules/sharing/cards.ts';
import type { ShareLink, TrialoogAnswer } from '../src/modules/sharing/entities.ts';
import { trialoogPromptCard } from '../src/modules/sharing/trialoog-prompt.ts';

// The sharing cards (src/modules/sharing) for the render test and the gallery: the supervisor form, the
// share menu with a live link, the link to pass on, the supervisor's answer and the mid-internship
// trialoog prompt (with and without a supervisor). Typed text carries the odd sample text.

interface Sample {
  name: string;
  template: string;
  locale: Locale;
  card: AdaptiveCard;
  shows?: string[];
}

export function sharingSamples(flows: FlowCatalog, locale: Locale, suffix: string, odd: string): Sample[] {
  /** Sample text as typed, with the odd text under test after it (none for the gallery). */
  const x = (text: string) => (odd ? `${text} ${odd}` : text);
  const timeZone = 'Europe/Amsterdam';
  const at = '2026-03-12T14:05:00.000Z';
  const reflection = {
    id: 'r-1',
    version: 1,
    schoolId: 'school',
    studentId: 's-1',
    flowId: flows.defaultFlow().id,
    locale,
    status: 'submitted',
    createdAt: at,
    submittedAt: at,
    answers: {},
    kernwoord: x('helpen'),
    competencies: [],
    routing: 'routed',
  } satisfies Reflection;
  const link: ShareLink = {
    id: 'a'.repeat(64),
    version: 1,
    schoolId: 'school',
    studentId: 's-1',
    audience: 'supervisor',
    subject: { kind: 'reflection', reflectionId: 'r-1' },
    consentAt: at,
    createdAt: at,
    expiresAt: '2026-03-26T14:05:00.000Z',
    supervisorName: x('Kees Bos'),
  };
  const answer: TrialoogAnswer = {
    id: 'b'.repeat(64),
    version: 1,
    schoolId: 'school',
    studentId: 's-1',
    linkId: link.id,
    reflectionId: 'r-1',
    supervisorName: 'Kees Bos',
    company: x('Bakkerij Bos'),
    seen: x('Je bleef rustig bij de klacht.'),
    next: 'Vat de klacht samen voor je een oplossing noemt.',
    more: 'Goed gedaan deze week.',
    submittedAt: at,
  };
  const url = 'https://lob.example.nl/s/AbCdEfGhIjKlMnOpQrStUvWxYz0123456789_-abcde';
  return [
    {
      name: `supervisor-form${suffix}`,
      template: 'supervisor-form',
      locale,
      card: supervisorFormCard({
        locale,
        values: { name: x('Kees'), email: 'kees@bakkerij-bos.nl', company: 'Bakkerij Bos' },
      }),
    },
    {
      name: `share-menu${suffix}`,
      template: 'share-menu',
      locale,
      card: shareMenuCard({
        locale,
        timeZone,
        flows,
        reflections: [reflection],
        supervisor: {
          id: 'current',
          version: 1,
          schoolId: 'school',
          studentId: 's-1',
          name: x('Kees Bos'),
          email: 'kees@bakkerij-bos.nl',
          company: 'Bakkerij Bos',
          source: 'student',
          createdAt: at,
          updatedAt: at,
        },
        links: [link, { ...link, id: 'c'.repeat(64), audience: 'parent', subject: { kind: 'dossier' } }],
        titles: new Map([['r-1', 'Vrije reflectie']]),
      }),
    },
    {
      name: `share-link${suffix}`,
      template: 'share-link',
      locale,
      card: shareLinkCard({ locale, timeZone, link, url, what: x('Vrije reflectie') }),
      shows: [x('Vrije reflectie')],
    },
    {
      name: `trialoog-answer${suffix}`,
      template: 'trialoog-answer',
      locale,
      card: trialoogAnswerCard({ locale, timeZone, answer, flowTitle: 'Vrije reflectie' }),
      shows: [answer.seen],
    },
    {
      name: `trialoog-prompt${suffix}`,
      template: 'trialoog-prompt',
      locale,
      card: trialoogPromptCard({
        locale,
        timeZone,
        flows,
        supervisor: { name: x('Kees Bos'), company: 'Bakkerij Bos' },
        reflections: [reflection, { ...reflection, id: 'r-2' }],
      }),
      shows: [x('Kees Bos')],
    },
    {
      name: `trialoog-prompt-no-supervisor${suffix}`,
      template: 'trialoog-prompt',
      locale,
      card: trialoogPromptCard({ locale, timeZone, flows, supervisor: undefined, reflections: [reflection] }),
    },
  ];
}
