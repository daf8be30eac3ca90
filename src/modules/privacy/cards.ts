import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';

// The student's AVG cards: what is stored and their rights (with the export's links once made), and the
// confirmation before erasure.

export function privacyCard(
  locale: Locale,
  input: { retentionMonths: number | null; links?: { markdown: string; json: string; minutes: number } },
): AdaptiveCard {
  const { links } = input;
  return render('privacy', {
    t: texts(locale, 'privacy.card'),
    e: texts(locale, 'privacy.export'),
    title: t(locale, links ? 'privacy.export.title' : 'privacy.card.title'),
    retention:
      input.retentionMonths === null
        ? t(locale, 'privacy.card.retentionOff')
        : t(locale, 'privacy.card.retention', { months: input.retentionMonths }),
    links: Boolean(links),
    ...(links
      ? {
          markdownUrl: links.markdown,
          jsonUrl: links.json,
          expires: t(locale, 'privacy.export.expires', { minutes: links.minutes }),
        }
      : {}),
  });
}

/** The second step of erasure: what happens, and the button that does it (valid for this person, until `until`). */
export function eraseConfirmCard(locale: Locale, input: { personId: string; until: string }): AdaptiveCard {
  return render('privacy-erase', { t: texts(locale, 'privacy.erase'), personId: input.personId, until: input.until });
}
