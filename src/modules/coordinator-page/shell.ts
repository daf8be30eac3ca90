import { t, texts } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { html } from '../../platform/html.ts';
import { noAccessHtml } from './view.ts';

// The page the tab opens: a header, the tabs and an empty main part that the browser code (client.js)
// fills from the JSON routes, with the texts that code needs in the page's language.

const views = ['campaigns', 'response', 'coverage', 'pdca', 'voice', 'unreachable', 'previews'] as const;

export function shellPage(locale: Locale): string {
  const tx = (k: string) => t(locale, `coordinator.${k}`);
  const clientTexts = JSON.stringify({
    campaigns: texts(locale, 'coordinator.campaigns'),
    previews: texts(locale, 'coordinator.previews'),
    noAccess: noAccessHtml(locale, 'sign-in').text,
    loading: tx('loading'),
  }).replace(/</g, '\\u003c');
  return `<!doctype html>${html`<html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${tx('title')}</title><link rel="stylesheet" href="/coordinator/assets/page.css"></head>
<body><header class="top"><div class="brand"><h1>${tx('title')}</h1><p id="subtitle" class="muted"></p></div>
<button type="button" id="lang-switch" data-lang="${locale === 'nl' ? 'en' : 'nl'}">${tx('language')}</button></header>
<nav class="tabs" role="tablist" hidden>${views.map((v) => html`<button type="button" role="tab" data-tab="${v}">${tx(`views.${v}`)}</button>`)}</nav>
<p class="privacy" hidden>${tx('privacy')}</p>
<main id="content" aria-live="polite"><p class="loading">${tx('loading')}</p></main>`}
<script type="application/json" id="texts">${clientTexts}</script>
<script src="/coordinator/assets/teams.js"></script><script src="/coordinator/assets/chart.js"></script>
<script type="module" src="/coordinator/assets/page.js"></script></body></html>`;
}
