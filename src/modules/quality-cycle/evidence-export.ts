import type { Aggregate } from '../../core/aggregates.ts';
import { t } from '../../core/i18n.ts';
import { calendarText, formatPercent } from '../../core/time/card-dates.ts';
import { competencies, type Locale } from '../../core/types.ts';
import { escapeMarkdownLine } from '../../platform/markdown.ts';
import { studentVoiceMarkdown, studentVoiceRows } from '../student-voice/evidence-text.ts';
import { yearLabel } from './cards.ts';
import type { CheckEvidence, CompetencyShares } from './check-evidence.ts';
import { evidenceLines } from './evidence-cards.ts';

// The Check evidence as files for the team's evaluation and the inspection: CSV for Excel (semicolons
// and a BOM for Dutch Excel, commas for English) and Markdown for a report. Team and group names were
// typed at the school: in CSV they cannot start a formula, in Markdown they cannot add markup.

type Row = [item: string, group: string, count: string, share: string];

function rows(e: CheckEvidence, locale: Locale, activityLabel: (type: string) => string): Row[] {
  const tx = (key: string, params?: Record<string, string | number>) => t(locale, `pdca.${key}`, params);
  const pct = (x: number) => formatPercent(x, locale);
  const hidden = tx('export.hidden');
  const notConnected = tx('export.notConnected');
  const out: Row[] = [
    [tx('evidence.title'), e.teamName, '', ''],
    [
      tx('evidence.period', {
        from: calendarText(e.from, locale, 'long'),
        to: calendarText(e.to, locale, 'long'),
        year: yearLabel(e.schoolYear),
      }),
      '',
      '',
      '',
    ],
    [tx('evidence.students', { count: e.students }), '', String(e.students), ''],
  ];
  if (!e.activitiesHeld) out.push([tx('evidence.activities'), '', notConnected, '']);
  else
    for (const a of e.activitiesHeld)
      out.push([tx('export.activity', { type: activityLabel(a.activityType) }), '', String(a.count), '']);
  if (!e.prompts) out.push([tx('export.promptsSent'), '', notConnected, '']);
  else if (e.prompts.hidden) out.push([tx('export.promptsSent'), '', hidden, '']);
  else {
    const p = e.prompts.value;
    out.push([tx('export.promptsSent'), '', String(p.sent), '']);
    out.push([tx('export.answered'), '', String(p.answered), pct(p.responseRate)]);
    out.push([tx('export.reminded'), '', String(p.reminded), pct(p.reminderRate)]);
  }
  if (e.unreachable.hidden) out.push([tx('export.unreachable'), '', hidden, '']);
  else out.push([tx('export.unreachable'), '', String(e.unreachable.value.count), pct(e.unreachable.value.share)]);
  const coverage = (group: string, figures: Aggregate<CompetencyShares>) => {
    for (const c of competencies) {
      const item = tx('export.coverage', { competency: t(locale, `core.competencies.${c}`) });
      out.push(figures.hidden ? [item, group, hidden, ''] : [item, group, '', pct(figures.value[c])]);
    }
  };
  for (const g of e.coverage.groups) coverage(g.name, g.figures);
  coverage(tx('evidence.coverageTotal'), e.coverage.total);
  if (!e.followUp) out.push([tx('export.followUpReflections'), '', notConnected, '']);
  else if (e.followUp.hidden) out.push([tx('export.followUpReflections'), '', hidden, '']);
  else {
    const f = e.followUp.value;
    out.push([tx('export.followUpReflections'), '', String(f.reflections), '']);
    out.push([tx('export.discussed'), '', String(f.discussed), pct(f.discussedRate)]);
    out.push([tx('export.withNote'), '', String(f.withNote), pct(f.noteRate)]);
  }
  out.push(...studentVoiceRows(locale, e));
  return out;
}

/**
 * A CSV field: quoted when needed, and never starting a spreadsheet formula. Quoted whenever it holds
 * either list separator, not only the file's own: Excel splits a .csv it opens on the separator of the
 * Windows region, so a bare `x;=…` in the English file would start a formula on a Dutch computer.
 */
export function csvField(value: string): string {
  let v = value.replace(/\r\n?|\n/g, ' ');
  if (/^[=+\-@\t]/.test(v)) v = `'${v}`;
  return /[,;"\t]/.test(v) || v.startsWith("'") ? `"${v.replace(/"/g, '""')}"` : v;
}

export function evidenceCsv(e: CheckEvidence, locale: Locale, activityLabel: (type: string) => string): string {
  const sep = locale === 'nl' ? ';' : ',';
  const header: Row = [
    t(locale, 'pdca.export.metric'),
    t(locale, 'pdca.export.group'),
    t(locale, 'pdca.export.count'),
    t(locale, 'pdca.export.share'),
  ];
  const lines = [header, ...rows(e, locale, activityLabel)].map((r) => r.map((f) => csvField(f)).join(sep));
  return `\ufeff${lines.join('\r\n')}\r\n`;
}

export function evidenceMarkdown(e: CheckEvidence, locale: Locale, activityLabel: (type: string) => string): string {
  const tx = (key: string) => t(locale, `pdca.${key}`);
  const pct = (x: number) => formatPercent(x, locale);
  const lines = evidenceLines(locale, e, activityLabel);
  const out: string[] = [
    `# ${tx('evidence.title')}: ${escapeMarkdownLine(e.teamName)}`,
    '',
    lines.periodText,
    '',
    lines.studentsText,
    '',
    `## ${tx('evidence.activities')}`,
    '',
  ];
  if (lines.activities.note) out.push(lines.activities.note);
  if (lines.activities.rows.length) {
    out.push(`| ${tx('export.metric')} | ${tx('export.count')} |`, '| --- | ---: |');
    for (const a of lines.activities.rows) out.push(`| ${escapeMarkdownLine(a.label)} | ${a.count} |`);
  }
  out.push('', `## ${tx('evidence.prompts')}`, '', lines.prompts);
  out.push('', `## ${tx('evidence.unreachable')}`, '', lines.unreachable);
  out.push('', `## ${tx('evidence.coverage')}`, '', tx('evidence.coverageHint'), '');
  out.push(
    `| ${tx('export.group')} | ${competencies.map((c) => t(locale, `core.competencies.${c}`)).join(' | ')} |`,
    `| --- |${competencies.map(() => ' ---: |').join('')}`,
  );
  const row = (name: string, figures: Aggregate<CompetencyShares>) =>
    figures.hidden
      ? `| ${escapeMarkdownLine(name)} | ${tx('export.hidden')} |${competencies
          .slice(1)
          .map(() => ' |')
          .join('')}`
      : `| ${escapeMarkdownLine(name)} | ${competencies.map((c) => pct(figures.value[c])).join(' | ')} |`;
  for (const g of e.coverage.groups) out.push(row(g.name, g.figures));
  out.push(row(tx('evidence.coverageTotal'), e.coverage.total));
  out.push('', `## ${tx('evidence.followUp')}`, '', lines.followUp, '');
  out.push(...studentVoiceMarkdown(locale, e, escapeMarkdownLine), '', `_${tx('evidence.privacy')}_`, '');
  return out.join('\n');
}
