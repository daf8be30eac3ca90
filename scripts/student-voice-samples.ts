import type { AdaptiveCard } from '../src/core/cards/cards.ts';
import type { Locale } from '../src/core/types.ts';
import { pulseCard } from '../src/modules/student-voice/cards.ts';

// The student pulse's cards (src/modules/student-voice) for the render test and the gallery: the open
// pulse as a student receives it, and the card after answering.

interface Sample {
  name: string;
  template: string;
  locale: Locale;
  card: AdaptiveCard;
  shows?: string[];
}

export function studentVoiceSamples(locale: Locale, suffix: string): Sample[] {
  const timeZone = 'Europe/Amsterdam';
  return [
    {
      name: `student-voice-pulse${suffix}`,
      template: 'student-voice-pulse',
      locale,
      // Nothing on it is typed by anyone (the render test asks samples that list what they show to carry
      // typed text); test/modules/student-voice/ checks its answers over HTTP.
      card: pulseCard({ locale, pulseId: 'pulse-1', closesOn: '2026-11-29', timeZone }),
    },
    {
      name: `student-voice-thanks${suffix}`,
      template: 'student-voice-pulse',
      locale,
      card: pulseCard({
        locale,
        pulseId: 'pulse-1',
        timeZone,
        notice: { text: locale === 'nl' ? 'Dank je wel! Je antwoord is anoniem meegeteld.' : 'Thank you!', color: 'Good' },
      }),
    },
  ];
}
