import { createHash } from 'node:crypto';
import { answerRows } from '../../core/cards/cards.ts';
import type { Reflection } from '../../core/entities.ts';
import type { FlowCatalog } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { Html, html } from '../../platform/html.ts';
import { dayText } from '../mentoring/cards.ts';
import { dossierEntries } from '../reflection/dossier.ts';
import { answerMaxLength } from './entities.ts';
import type { AnswerProblem, LinkRefusal } from './sharing.ts';

// The page a link opens, built on the server: no script at all, one inline style (allowed by its hash in
// the page's Content-Security-Policy), every value escaped by `html`. It reads well from 320 px wide.

const style = `
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1b1b;background:#f5f5f7}
main{max-width:40rem;margin:0 auto;padding:1rem}
header{display:flex;justify-content:space-between;align-items:baseline;gap:1rem;flex-wrap:wrap}
h1{font-size:1.25rem;margin:.5rem 0}
h2{font-size:1.05rem;margin:1.25rem 0 .5rem}
section{background:#fff;border-radius:.5rem;padding:1rem;margin:.75rem 0;overflow-wrap:anywhere}
dt{font-weight:600;margin-top:.75rem}
dd{margin:.25rem 0 0;white-space:pre-wrap}
label{display:block;font-weight:600;margin-top:1rem}
textarea{display:block;width:100%;min-height:6rem;font:inherit;padding:.5rem;border:1px solid #8a8a8a;border-radius:.25rem;margin-top:.25rem}
.hint{font-size:.875rem;color:#555}
.error{color:#a4262c;font-weight:600}
button{margin-top:1rem;font:inherit;font-weight:600;padding:.75rem 1.5rem;border:0;border-radius:.25rem;background:#5b5fc7;color:#fff;width:100%}
@media (min-width:40rem){button{width:auto}}
a{color:#4f52b2}
`.trim();

/** The hash the Content-Security-Policy allows the inline style by. */
export const styleHash = `sha256-${createHash('sha256').update(style).digest('base64')}`;

function page(locale: Locale, title: string, body: Html, otherLanguage?: string): string {
  return html`<!doctype html>
<html lang="${locale}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex, nofollow">
<title>${title}</title>
<style>${new Html(style)}</style>
</head>
<body><main>
<header><h1>${t(locale, 'sharing.page.title')}</h1>${otherLanguage ? html`<a href="${otherLanguage}" hreflang="${locale === 'nl' ? 'en' : 'nl'}">${t(locale, 'sharing.page.language')}</a>` : ''}</header>
${body}
</main></body>
</html>`.text;
}

export function firstName(name: string): string {
  return name.trim().split(/\s+/)[0] || name;
}

/** A page that says why a link does not work (or why a request was refused). */
export function refusalPage(locale: Locale, reason: LinkRefusal | 'slow-down' | 'too-large' | 'unreadable'): string {
  const text =
    reason === 'slow-down'
      ? t(locale, 'sharing.page.errors.slowDown')
      : reason === 'too-large'
        ? t(locale, 'sharing.page.errors.tooLarge')
        : reason === 'unreadable'
          ? t(locale, 'sharing.page.errors.unreadable')
          : t(locale, `sharing.page.gone.${reason}`);
  return page(locale, t(locale, 'sharing.page.title'), html`<section><p class="error" role="alert">${text}</p></section>`);
}

function reflectionSection(flows: FlowCatalog, reflection: Reflection, locale: Locale, timeZone: string): Html {
  const flow = flows.get(reflection.flowId) ?? flows.defaultFlow();
  const rows = answerRows(flow, reflection, locale);
  const date = dayText(reflection.submittedAt ?? reflection.createdAt, locale, timeZone);
  return html`<section aria-labelledby="shared">
<h2 id="shared">${t(locale, 'sharing.page.reflectionOf', { flow: flow.title[locale], date })}</h2>
<dl>${rows.map(
    (r) =>
      html`<dt>${r.question}</dt><dd>${r.answer}${r.chosen ? html`<br><span class="hint">${r.chosenLabel ?? ''} ${r.chosen}</span>` : ''}</dd>`,
  )}</dl>
</section>`;
}

export interface SupervisorPageInput {
  locale: Locale;
  timeZone: string;
  flows: FlowCatalog;
  studentName: string;
  reflection: Reflection;
  csrf: string;
  otherLanguage: string;
  values?: { seen?: string; next?: string; more?: string };
  problems?: AnswerProblem[];
  /** A message above the form (a stale form, a missing answer). */
  alert?: string;
}

function fieldProblem(locale: Locale, problems: AnswerProblem[] | undefined, name: AnswerProblem['field']): Html | string {
  const p = problems?.find((x) => x.field === name);
  if (!p) return '';
  const text =
    p.problem === 'empty'
      ? t(locale, 'sharing.page.errors.empty')
      : t(locale, 'sharing.page.errors.tooLong', { max: answerMaxLength });
  return html`<span class="error" id="${name}-error">${text}</span>`;
}

export function supervisorPage(input: SupervisorPageInput): string {
  const { locale } = input;
  const name = firstName(input.studentName);
  const area = (id: AnswerProblem['field'], required: boolean) => {
    const invalid = input.problems?.some((p) => p.field === id);
    return html`<label for="${id}">${t(locale, `sharing.page.${id}`, { name })}</label>
${fieldProblem(locale, input.problems, id)}
<textarea id="${id}" name="${id}" maxlength="${answerMaxLength}"${required ? html` required` : ''}${invalid ? html` aria-invalid="true" aria-describedby="${id}-error"` : ''}>${input.values?.[id] ?? ''}</textarea>`;
  };
  return page(
    locale,
    t(locale, 'sharing.page.title'),
    html`<p>${t(locale, 'sharing.page.intro', { name })}</p>
${reflectionSection(input.flows, input.reflection, locale, input.timeZone)}
<section aria-labelledby="ask">
<h2 id="ask">${t(locale, 'sharing.page.supervisorAsk', { name })}</h2>
${input.alert ? html`<p class="error" role="alert">${input.alert}</p>` : ''}
<form method="post" accept-charset="utf-8">
<input type="hidden" name="csrf" value="${input.csrf}">
${area('seen', true)}
${area('next', true)}
${area('more', false)}
<p class="hint">${t(locale, 'sharing.page.limit', { max: answerMaxLength })}</p>
<button type="submit">${t(locale, 'sharing.page.send')}</button>
</form>
</section>`,
    input.otherLanguage,
  );
}

export function thanksPage(locale: Locale, studentName: string): string {
  return page(
    locale,
    t(locale, 'sharing.page.title'),
    html`<section><p role="status">${t(locale, 'sharing.page.thanks', { name: firstName(studentName) })}</p></section>`,
  );
}

export interface ReadOnlyPageInput {
  locale: Locale;
  timeZone: string;
  flows: FlowCatalog;
  studentName: string;
  otherLanguage: string;
  /** One reflection, or the student's submitted reflections for the dossier summary. */
  shared: { kind: 'reflection'; reflection: Reflection } | { kind: 'dossier'; reflections: Reflection[] };
}

export function readOnlyPage(input: ReadOnlyPageInput): string {
  const { locale, flows, timeZone } = input;
  const name = firstName(input.studentName);
  let body: Html;
  if (input.shared.kind === 'reflection') {
    body = reflectionSection(flows, input.shared.reflection, locale, timeZone);
  } else {
    const byId = new Map(input.shared.reflections.map((r) => [r.id, r]));
    const entries = dossierEntries(input.shared.reflections, flows, locale);
    body = html`<section aria-labelledby="dossier"><h2 id="dossier">${t(locale, 'sharing.page.dossierTitle')}</h2>
${entries.length === 0 ? html`<p>${t(locale, 'sharing.page.empty')}</p>` : ''}
<dl>${entries.map((e) => {
      const word = byId.get(e.reflectionId)?.kernwoord;
      const steps = e.next.map((n) => n.answer).filter((a): a is string => Boolean(a));
      return html`<dt>${e.title}, ${dayText(e.date, locale, timeZone)}</dt>
<dd>${word ? html`${t(locale, 'sharing.page.kernwoord', { word })}<br>` : ''}${steps.map((s) => html`${t(locale, 'sharing.page.nextStep', { text: s })}<br>`)}</dd>`;
    })}</dl></section>`;
  }
  return page(
    locale,
    t(locale, 'sharing.page.title'),
    html`<p>${t(locale, 'sharing.page.intro', { name })}</p>
${body}
<p class="hint">${t(locale, 'sharing.page.readOnly', { name })}</p>`,
    input.otherLanguage,
  );
}
