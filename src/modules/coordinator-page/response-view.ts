import type { Aggregate } from '../../core/aggregates.ts';
import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { type Html, html } from '../../platform/html.ts';
import type { CoordinatorOverview } from './overview.ts';
import type { RatePoint, RateSeries } from './response-rates.ts';
import { activityLabel, monthLabel, pct, type ViewLabels } from './view-labels.ts';

// The response view: response over time per kind of activity and per group, as the data for the charts the
// browser draws and as tables with the same figures (for screen readers and for reading exact numbers).

export interface ChartData {
  months: string[];
  monthLabels: string[];
  byActivity: { label: string; data: (number | null)[] }[];
  total: { label: string; data: (number | null)[] };
  byGroup: { label: string; rate: number | null }[];
}

const value = (a: Aggregate<RatePoint> | undefined) => (a && !a.hidden ? Math.round(a.value.rate * 1000) / 10 : null);

export function chartData(locale: Locale, o: CoordinatorOverview, labels: ViewLabels): ChartData {
  return {
    months: o.months,
    monthLabels: o.months.map((m) => monthLabel(locale, m)),
    byActivity: o.response.byActivity.map((s) => ({ label: activityLabel(locale, s.key), data: s.points.map(value) })),
    total: { label: t(locale, 'coordinator.response.total'), data: o.response.total.points.map(value) },
    byGroup: o.response.byGroup.map((s) => ({ label: labels.groupName(s.key), rate: value(s.total) })),
  };
}

function rateCell(locale: Locale, a: Aggregate<RatePoint> | undefined, key: string): Html {
  if (!a) return html`<td class="none">·</td>`;
  if (a.hidden) return html`<td class="hidden" title="${t(locale, 'coordinator.response.hiddenCell')}" data-rate="${key}">–</td>`;
  return html`<td data-rate="${key}" title="${a.value.answered}/${a.value.sent}">${pct(a.value.rate)}</td>`;
}

function rateTable(
  locale: Locale,
  o: CoordinatorOverview,
  first: string,
  rows: { key: string; label: string; s: RateSeries }[],
): Html {
  const tx = (k: string) => t(locale, `coordinator.response.${k}`);
  return html`<table class="rates"><thead><tr><th>${first}</th>${o.months.map((m) => html`<th>${monthLabel(locale, m)}</th>`)}<th>${tx('tableSent')}</th><th>${tx('tableAnswered')}</th><th>${tx('tableRate')}</th></tr></thead>
<tbody>${rows.map(
    ({ key, label, s }) =>
      html`<tr data-series="${key}"><th scope="row">${label}</th>${s.points.map((p, i) => rateCell(locale, p, `${key}:${o.months[i]}`))}${
        s.total && !s.total.hidden
          ? html`<td data-field="sent">${s.total.value.sent}</td><td data-field="answered">${s.total.value.answered}</td><td data-field="rate"><b>${pct(s.total.value.rate)}</b></td>`
          : html`<td class="hidden" colspan="3" data-field="hidden">${tx('hiddenCell')}</td>`
      }</tr>`,
  )}</tbody></table>`;
}

export function responseView(locale: Locale, o: CoordinatorOverview, labels: ViewLabels): Html {
  const tx = (k: string) => t(locale, `coordinator.response.${k}`);
  if (!o.response.total.total) {
    return html`<section class="view" data-view="response"><h2>${tx('title')}</h2><p class="empty">${tx('none')}</p></section>`;
  }
  const activityRows = [
    ...o.response.byActivity.map((s) => ({ key: `type:${s.key}`, label: activityLabel(locale, s.key), s })),
    { key: 'total', label: tx('total'), s: o.response.total },
  ];
  const groupRows = o.response.byGroup.map((s) => ({ key: `group:${s.key}`, label: labels.groupName(s.key), s }));
  return html`<section class="view" data-view="response">
  <h2>${tx('title')}</h2>
  <p class="muted">${tx('hidden')}</p>
  <div class="charts">
    <figure><figcaption>${tx('byActivity')}</figcaption><div class="chart-box"><canvas id="chart-activity" role="img" aria-label="${tx('byActivity')}"></canvas></div></figure>
    <figure><figcaption>${tx('byGroup')}</figcaption><div class="chart-box" style="height:${Math.max(220, 28 * groupRows.length + 60)}px"><canvas id="chart-group" role="img" aria-label="${tx('byGroup')}"></canvas></div></figure>
  </div>
  <h3>${tx('byActivity')}</h3>
  ${rateTable(locale, o, tx('tableActivity'), activityRows)}
  <h3>${tx('byGroup')}</h3>
  ${rateTable(locale, o, tx('tableGroup'), groupRows)}
</section>`;
}
