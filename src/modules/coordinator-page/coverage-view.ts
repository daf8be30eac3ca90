import type { Aggregate } from '../../core/aggregates.ts';
import { t } from '../../core/i18n.ts';
import { type Competency, competencies, type Locale } from '../../core/types.ts';
import { type Html, html } from '../../platform/html.ts';
import type { CompetencyShares } from '../quality-cycle/check-evidence.ts';
import type { CoordinatorOverview } from './overview.ts';
import { pct } from './view-labels.ts';

// The competency coverage view: per group the share of students with evidence of each competency, as a
// heat map whose text colour always keeps enough contrast with its cell.

/** WCAG relative luminance of an sRGB colour (0–255 channels). */
function luminance(rgb: readonly number[]): number {
  const [r, g, b] = rgb.map((v) => {
    const c = v / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  }) as [number, number, number];
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

function heat(share: number): string {
  // From white to the app's teal (#1B6B73). The text is black or white, whichever contrasts more with the
  // cell: one of the two always reaches WCAG's 4.5:1 (a softer dark grey does not for the middle shades).
  const mix = (a: number, b: number) => Math.round(a + (b - a) * share);
  const rgb = [mix(255, 27), mix(255, 107), mix(255, 115)];
  const l = luminance(rgb);
  const text = (l + 0.05) / 0.05 >= 1.05 / (l + 0.05) ? '#000' : '#fff';
  return `background:rgb(${rgb.join(',')});color:${text}`;
}

function coverageCells(locale: Locale, key: string, figures: Aggregate<CompetencyShares>, why: string): Html {
  if (figures.hidden) return html`<td class="hidden" colspan="${competencies.length}" data-coverage="${key}">${why}</td>`;
  return html`${competencies.map(
    (c: Competency) =>
      html`<td class="cell" style="${heat(figures.value[c])}" data-coverage="${key}:${c}" title="${t(locale, `core.competencies.${c}`)}">${pct(figures.value[c])}</td>`,
  )}`;
}

export function coverageView(locale: Locale, o: CoordinatorOverview): Html {
  const tx = (k: string) => t(locale, `coordinator.coverage.${k}`);
  if (!o.coverage.groups.length) {
    return html`<section class="view" data-view="coverage"><h2>${tx('title')}</h2><p class="empty">${tx('none')}</p></section>`;
  }
  return html`<section class="view" data-view="coverage">
  <h2>${tx('title')}</h2>
  <p class="muted">${tx('explain')}</p>
  <p class="muted" data-field="coverage-rule">${tx('rule')}</p>
  <table class="heat"><thead><tr><th>${tx('group')}</th><th>${tx('students')}</th>${competencies.map((c) => html`<th>${t(locale, `core.competencies.${c}`)}</th>`)}</tr></thead>
  <tbody>${o.coverage.groups.map(
    (g) =>
      html`<tr data-group="${g.id}"><th scope="row">${g.name}</th><td class="count">${g.students}</td>${coverageCells(locale, g.id, g.figures, g.small ? tx('small') : tx('hidden'))}</tr>`,
  )}</tbody>
  <tfoot><tr data-group="total"><th scope="row">${tx('total')}</th><td class="count">${o.coverage.students}</td>${coverageCells(locale, 'total', o.coverage.total, tx('small'))}</tr></tfoot>
  </table>
</section>`;
}
