import type { AdaptiveCard } from '../src/core/cards/cards.ts';
import type { Locale } from '../src/core/types.ts';
import { talentFormCard, talentSignalCard } from '../src/modules/talent/cards.ts';

// The talent signal's cards (src/modules/talent) for the render test and the gallery: the teacher's
// form and the student's card. Teacher text and names carry the odd text under test, if any.

interface Sample {
  name: string;
  template: string;
  locale: Locale;
  card: AdaptiveCard;
  shows?: string[];
}

export function talentSamples(locale: Locale, suffix: string, odd: string): Sample[] {
  const x = (text: string) => (odd ? `${text} ${odd}` : text);
  const text = x(`Je legde de proef zo helder uit aan je groepje dat iedereen verder kon.`);
  return [
    {
      name: `talent-form${suffix}`,
      template: 'talent-form',
      locale,
      card: talentFormCard({
        locale,
        students: [
          { id: 's-1', name: x(`Sanne de Vries`), className: '4havo-a' },
          { id: 's-2', name: 'Daan de Groot', className: '4havo-a' },
          { id: 's-3', name: 'Bram Peters', className: '4havo-b' },
        ],
        notice: { text: locale === 'nl' ? 'Verstuurd naar Noor Visser.' : 'Sent to Noor Visser.', color: 'Good' },
      }),
    },
    {
      name: `talent-signal${suffix}`,
      template: 'talent-signal',
      locale,
      card: talentSignalCard({
        locale,
        timeZone: 'Europe/Amsterdam',
        signalId: 'signal-1',
        teacherName: 'Mw. Bakker (biologie)',
        text,
        at: '2026-03-12T14:05:00.000Z',
        canReflect: true,
      }),
      shows: [text],
    },
  ];
}
