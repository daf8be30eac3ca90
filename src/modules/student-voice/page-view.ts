import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { type Html, html } from '../../platform/html.ts';
import { pulseQuestions } from './entities.ts';
import type { PulseResult, Viewer } from './results.ts';

// The student's voice on the coordinator page: per pulse, its state, and once closed with 5 or more
// answers the shares satisfied and dissatisfied per question beside the JOB-monitor 2014 line, with
// the source named. Remarks only where results.ts allows them. Everything is escaped by `html`.

const pct = (v: number) => `${Math.round(v * 100)}%`;
const mean = (locale: Locale, v: number) =>
  new Intl.NumberFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(v);

function dayLabel(locale: Locale, date: string): string {
  return new Intl.DateTimeFormat(locale === 'nl' ? 'nl-NL' : 'en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T12:00:00Z`));
}

function pulseBlock(locale: Locale, r: PulseResult, viewer: Viewer): Html {
  const tx = (k: string, p?: Record<string, string | number>) => t(locale, `voice.results.${k}`, p);
  const who = r.pulse.audience.kind === 'team' ? tx('team', { team: r.pulse.audience.teamName }) : tx('school');
  const head = html`<h3>${who} · ${tx('period', { from: dayLabel(locale, r.pulse.opensOn), to: dayLabel(locale, r.pulse.closesOn) })}</h3>`;
  if (r.state === 'upcoming')
    return html`<div class="pulse" data-pulse="${r.pulse.id}" data-state="upcoming">${head}<p class="muted">${tx('upcoming', { date: dayLabel(locale, r.pulse.opensOn) })}</p></div>`;
  if (r.state === 'open')
    return html`<div class="pulse" data-pulse="${r.pulse.id}" data-state="open">${head}<p class="muted">${tx('open', { date: dayLabel(locale, r.pulse.closesOn) })}</p></div>`;
  if (!r.figures || r.figures.hidden)
    return html`<div class="pulse" data-pulse="${r.pulse.id}" data-state="hidden">${head}<p class="muted">${tx('hidden')}</p></div>`;
  const f = r.figures.value;
  const reference = (q: (typeof pulseQuestions)[number]) => {
    const ref = f.questions[q].reference;
    return ref.dissatisfied === undefined
      ? tx('referenceValue', { satisfied: pct(ref.satisfied) })
      : tx('referenceBoth', { satisfied: pct(ref.satisfied), dissatisfied: pct(ref.dissatisfied) });
  };
  const remarks = r.remarks
    ? html`<h4>${tx('remarks')}</h4><ul class="remarks">${r.remarks.map((text) => html`<li>${text}</li>`)}</ul>`
    : html`<p class="muted small">${tx(viewer === 'school' ? 'noRemarks' : 'remarksSchoolOnly')}</p>`;
  return html`<div class="pulse" data-pulse="${r.pulse.id}" data-state="shown">${head}
  <p>${tx('respondents', { respondents: f.respondents, invited: f.invited, response: pct(f.response) })}</p>
  <table class="voice"><thead><tr><th>${tx('question')}</th><th>${tx('satisfied')}</th><th>${tx('dissatisfied')}</th><th>${tx('mean')}</th><th>${tx('reference')}</th></tr></thead>
  <tbody>${pulseQuestions.map(
    (q) =>
      html`<tr data-question="${q}"><th scope="row">${t(locale, `voice.short.${q}`)}</th><td data-field="satisfied">${pct(f.questions[q].satisfied)}</td><td data-field="dissatisfied">${pct(f.questions[q].dissatisfied)}</td><td>${mean(locale, f.questions[q].mean)}</td><td class="reference">${reference(q)}</td></tr>`,
  )}</tbody></table>
  ${remarks}
</div>`;
}

export function studentVoiceView(locale: Locale, results: readonly PulseResult[], viewer: Viewer): Html {
  const tx = (k: string) => t(locale, `voice.results.${k}`);
  const newest = [...results].sort((a, b) => b.pulse.opensOn.localeCompare(a.pulse.opensOn));
  return html`<section class="view" data-view="voice">
  <h2>${tx('title')}</h2>
  <p class="muted">${tx('intro')}</p>
  ${newest.length ? newest.map((r) => pulseBlock(locale, r, viewer)) : html`<p class="empty">${tx('none')}</p>`}
  <p class="muted small source">${tx('source')}</p>
</section>`;
}
