import { t } from '../../core/i18n.ts';
import type { HolidayCoverage } from '../../core/send-policy/holiday-coverage.ts';
import type { Locale } from '../../core/types.ts';
import { type Html, html } from '../../platform/html.ts';
import { reasonText } from '../campaigns/cards.ts';
import { type CyclePhase, cyclePhases } from '../quality-cycle/quality-cycle.ts';
import { coverageView } from './coverage-view.ts';
import type { CampaignRow, CoordinatorOverview } from './overview.ts';
import { responseView } from './response-view.ts';
import { activityLabel, dateLabel, monthLabel, type ViewLabels } from './view-labels.ts';

// The coordinator page's views, as HTML fragments: the campaign timeline with progress bars, response
// over time (response-view.ts), competency coverage (coverage-view.ts), PDCA per team, and who was not
// reached; with the notices above them and the no-access page. Hidden figures say why.

// --- campaigns ------------------------------------------------------------------------------------

function yearSpan(o: CoordinatorOverview): { start: number; end: number } {
  const [y] = o.schoolYear.split('-').map(Number) as [number];
  return { start: Date.UTC(y, 7, 1), end: Date.UTC(y + 1, 7, 1) };
}

function campaignRow(locale: Locale, c: CampaignRow, labels: ViewLabels, span: { start: number; end: number }): Html {
  const tx = (k: string, p?: Record<string, string | number>) => t(locale, `coordinator.campaigns.${k}`, p);
  const width = span.end - span.start;
  const left = Math.max(0, Math.min(100, ((Date.parse(c.from) - span.start) / width) * 100));
  const right = Math.max(left + 0.8, Math.min(100, ((Date.parse(c.to) - span.start) / width) * 100));
  const activity = activityLabel(locale, c.activityType);
  const flow = labels.flowTitle(c.flowId);
  const num = (field: string, value: number, label: string) =>
    html`<span class="num ${field}"><b data-campaign="${c.id}" data-field="${field}">${value}</b> ${label}</span>`;
  let bar: Html;
  let nums: Html;
  if (c.figures.hidden) {
    // A campaign about 1 to 4 students (or hidden to protect one): no count, no bar that shows one.
    bar = html`<div class="bar" role="img" aria-label="${tx('countsHidden')}"></div>`;
    nums = html`<div class="nums"><span class="muted" data-campaign="${c.id}" data-field="hidden">${tx('countsHidden')}</span></div>`;
  } else {
    const n = c.figures.value;
    const open = n.sent - n.answered;
    const all = n.planned + n.sent + n.unreachable;
    const seg = (count: number, cls: string, label: string) =>
      count > 0
        ? html`<span class="seg ${cls}" style="width:${((100 * count) / all).toFixed(2)}%" title="${label}: ${count}"></span>`
        : '';
    const response =
      n.sent > 0
        ? html`<span class="response" data-campaign="${c.id}" data-field="response">${tx('response', { percent: Math.round(n.response * 100) })}</span>`
        : '';
    bar = html`<div class="bar" role="img" aria-label="${tx('answered')} ${n.answered}, ${tx('sent')} ${n.sent}, ${tx('unreachable')} ${n.unreachable}, ${tx('planned')} ${n.planned}">${seg(n.answered, 'answered', tx('answered'))}${seg(open, 'open', tx('open'))}${seg(n.unreachable, 'unreachable', tx('unreachable'))}${seg(n.planned, 'planned', tx('planned'))}</div>`;
    nums = html`<div class="nums">${num('planned', n.planned, tx('planned'))}${num('sent', n.sent, tx('sent'))}${num('answered', n.answered, tx('answered'))}${num('reminded', n.reminded, tx('reminded'))}${num('unreachable', n.unreachable, tx('unreachable'))}${response}${n.late ? html`<span class="muted">${tx('late', { count: n.late })}</span>` : ''}</div>`;
  }
  return html`<li class="campaign" data-campaign-row="${c.id}">
  <div class="campaign-head">
    <span class="name">${c.name}</span>
    <span class="badge state-${c.state}">${t(locale, `campaigns.status.states.${c.state}`)}</span>
    <span class="muted">${[activity, ...(flow === activity ? [] : [flow]), c.groupIds.map(labels.groupName).join(', ')].join(' · ')}</span>
  </div>
  <div class="track" aria-hidden="true"><span class="span" style="left:${left.toFixed(2)}%;width:${(right - left).toFixed(2)}%"></span></div>
  <div class="dates muted">${dateLabel(locale, c.from, labels.timeZone)} – ${dateLabel(locale, c.to, labels.timeZone)}</div>
  ${bar}
  ${nums}
</li>`;
}

function campaignsView(locale: Locale, o: CoordinatorOverview, labels: ViewLabels): Html {
  const tx = (k: string) => t(locale, `coordinator.campaigns.${k}`);
  const span = yearSpan(o);
  const [y] = o.schoolYear.split('-').map(Number) as [number];
  const ticks = Array.from({ length: 12 }, (_, i) => {
    const m = ((7 + i) % 12) + 1;
    const year = m >= 8 ? y : y + 1;
    return monthLabel(locale, `${year}-${String(m).padStart(2, '0')}`);
  });
  const today = ((Date.parse(`${o.to}T12:00:00Z`) - span.start) / (span.end - span.start)) * 100;
  return html`<section class="view" data-view="campaigns">
  <div class="section-head"><h2>${tx('title')}</h2>
    <div class="exports"><span class="muted">${tx('export')}:</span>
      <button type="button" class="export" data-format="csv">${tx('exportCsv')}</button>
      <button type="button" class="export" data-format="xlsx">${tx('exportXlsx')}</button>
      <span class="export-status muted" role="status"></span></div></div>
  <div class="legend"><span class="key answered"></span>${tx('answered')} <span class="key open"></span>${tx('open')} <span class="key unreachable"></span>${tx('unreachable')} <span class="key planned"></span>${tx('planned')}</div>
  <div class="axis" aria-hidden="true">${ticks.map((m) => html`<span>${m}</span>`)}<i class="today" style="left:${Math.min(100, Math.max(0, today)).toFixed(2)}%"></i></div>
  ${o.campaigns.length ? html`<ol class="campaigns">${o.campaigns.map((c) => campaignRow(locale, c, labels, span))}</ol>` : html`<p class="empty">${tx('none')}</p>`}
</section>`;
}

// --- PDCA -----------------------------------------------------------------------------------------

function qualityCycleView(locale: Locale, o: CoordinatorOverview): Html {
  const tx = (k: string) => t(locale, `coordinator.pdca.${k}`);
  if (!o.qualityCycle.length)
    return html`<section class="view" data-view="pdca"><h2>${tx('title')}</h2><p class="empty">${tx('none')}</p></section>`;
  const chip = (n: number, cls: string, label: string) =>
    n ? html`<span class="chip ${cls}" title="${label}">${n} ${label}</span>` : '';
  return html`<section class="view" data-view="pdca">
  <h2>${tx('title')}</h2>
  <table class="pdca"><thead><tr><th></th>${cyclePhases.map((p: CyclePhase) => html`<th>${t(locale, `pdca.phases.${p}`)}</th>`)}</tr></thead>
  <tbody>${o.qualityCycle.map(
    (row) =>
      html`<tr data-team="${row.teamId ?? 'school'}"><th scope="row">${row.level === 'school' ? tx('school') : row.name}${
        row.level === 'team' && !row.linked ? html`<br><span class="muted small">${tx('notLinked')}</span>` : ''
      }</th>${row.counts.map(
        (c) =>
          html`<td data-phase="${c.phase}">${chip(c.overdue, 'overdue', tx('overdue'))}${chip(c.dueSoon, 'due-soon', tx('dueSoon'))}${chip(c.done, 'done', tx('done'))}${chip(c.later, 'later', tx('later'))}</td>`,
      )}</tr>`,
  )}</tbody></table>
</section>`;
}

// --- unreachable ----------------------------------------------------------------------------------

function unreachableView(locale: Locale, o: CoordinatorOverview): Html {
  const tx = (k: string) => t(locale, `coordinator.unreachable.${k}`);
  const u = o.unreachable;
  const byReason = u.byReason.hidden
    ? html`<p class="muted">${tx('hidden')}</p>`
    : u.byReason.value.length
      ? html`<table class="reasons"><thead><tr><th>${tx('reason')}</th><th>${tx('count')}</th></tr></thead><tbody>${u.byReason.value.map(
          (r) => html`<tr data-reason="${r.reason}"><td>${reasonText(locale, r.reason)}</td><td>${r.count}</td></tr>`,
        )}</tbody></table>`
      : html`<p class="empty">${tx('none')}</p>`;
  const list = u.students?.length
    ? html`<table class="students"><thead><tr><th>${tx('name')}</th><th>${tx('email')}</th><th>${tx('reason')}</th><th>${tx('campaigns')}</th></tr></thead><tbody>${u.students.map(
        (s) =>
          html`<tr data-student="${s.studentId}"><td>${s.name}</td><td>${s.email ?? ''}</td><td>${reasonText(locale, s.reason)}</td><td>${s.campaigns.join(', ')}</td></tr>`,
      )}</tbody></table>`
    : '';
  return html`<section class="view" data-view="unreachable">
  <h2>${tx('title')}</h2>
  <p class="muted">${tx('explain')}</p>
  <h3>${tx('byReason')}</h3>${byReason}${list}
</section>`;
}

function previewsView(locale: Locale): Html {
  const tx = (k: string) => t(locale, `coordinator.previews.${k}`);
  return html`<section class="view" data-view="previews">
  <h2>${tx('title')}</h2>
  <p class="muted">${tx('explain')}</p>
  <label class="choose">${tx('choose')} <select id="flow-select"></select></label>
  <div id="previews" class="previews"></div>
</section>`;
}

export function overviewHtml(locale: Locale, o: CoordinatorOverview, labels: ViewLabels): Html {
  return html`${campaignsView(locale, o, labels)}${responseView(locale, o, labels)}${coverageView(locale, o)}${qualityCycleView(locale, o)}${unreachableView(locale, o)}${previewsView(locale)}`;
}

/** Shown above the views: the holiday dates the send policy relies on are missing or not confirmed. */
export function holidayNoticesHtml(locale: Locale, warnings: readonly HolidayCoverage[]): Html {
  if (!warnings.length) return html``;
  const items = warnings.map((w) =>
    w.status === 'missing'
      ? html`<li data-holidays="${w.schoolYear}" data-status="missing">${t(locale, 'coordinator.holidays.missing', { year: w.schoolYear })}</li>`
      : html`<li data-holidays="${w.schoolYear}" data-status="provisional">${t(locale, 'coordinator.holidays.provisional', { year: w.schoolYear, names: w.provisional.join(', ') })}</li>`,
  );
  return html`<aside class="notice" role="note" aria-label="${t(locale, 'coordinator.holidays.title')}"><h2>${t(locale, 'coordinator.holidays.title')}</h2><ul>${items}</ul></aside>`;
}

export function noAccessHtml(locale: Locale, reason: 'role' | 'unknown' | 'sign-in' | 'no-teams' | 'conflict'): Html {
  const key = { role: 'text', unknown: 'unknown', 'sign-in': 'signIn', 'no-teams': 'noTeams', conflict: 'conflict' }[reason];
  return html`<section class="no-access" data-no-access="${reason}"><h2>${t(locale, 'coordinator.noAccess.title')}</h2><p>${t(locale, `coordinator.noAccess.${key}`)}</p></section>`;
}
