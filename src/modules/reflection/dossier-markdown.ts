import { competencyName } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import { kernwoordGroups } from '../../core/kernwoord-thread.ts';
import type { Locale } from '../../core/types.ts';
import { escapeMarkdown } from '../../platform/markdown.ts';
import type { DossierAnswer, DossierEntry } from './dossier.ts';

// The dossier as a Markdown file. Everything a student or school typed goes through the one Markdown
// escaper (src/platform/markdown.ts), so a Markdown viewer shows it as typed.

function answerLines(answers: DossierAnswer[], locale: Locale): string[] {
  return answers.map((a) => {
    const chosen = a.chosen?.length
      ? ` (${t(locale, 'student.dossier.chosen')}: ${a.chosen.map(escapeMarkdown).join(', ')})`
      : '';
    return `- ${escapeMarkdown(a.question)}  \n  ${a.answer ? escapeMarkdown(a.answer).replace(/ {2}\n/g, '  \n  ') : ''}${chosen}`;
  });
}

/** The dossier entries as Markdown lines, each under a heading of the given level (## in the dossier). */
export function dossierEntryLines(
  entries: DossierEntry[],
  locale: Locale,
  formatDate: (iso: string) => string,
  heading = '##',
): string[] {
  const d = (key: string, params?: Record<string, string>) => t(locale, `student.dossier.${key}`, params);
  const lines: string[] = [];
  for (const e of entries) {
    lines.push(`${heading} ${formatDate(e.date)} · ${escapeMarkdown(e.title)}`, '');
    lines.push(`**${d('goal')}:** ${escapeMarkdown(e.goal.text)}`, '');
    lines.push(`**${d('did')}**`, '');
    if (e.emotion) {
      const own = e.emotionWord ? ` (${escapeMarkdown(e.emotionWord)})` : '';
      lines.push(`- ${d('feeling')}: ${t(locale, `core.emotions.${e.emotion}`)}${own}`);
    }
    lines.push(...answerLines(e.did, locale), '');
    if (e.discovered.length) lines.push(`**${d('discovered')}**`, '', ...answerLines(e.discovered, locale), '');
    if (e.next.length) lines.push(`**${d('next')}**`, '', ...answerLines(e.next, locale), '');
    if (e.kernwoord) lines.push(`**${d('kernwoord')}:** ${escapeMarkdown(e.kernwoord)}`, '');
    if (e.followUp) lines.push(`**${d('followUp')}** ${d(`outcomes.${e.followUp}`)}`, '');
    if (e.competencies.length) {
      lines.push(`_${d('competencies')}: ${e.competencies.map((c) => competencyName(locale, c, 'both')).join(', ')}_`, '');
    }
  }
  return lines;
}

/**
 * The same entries grouped by kernwoord, so the thread across reflections shows: under each word the
 * entries that named it, oldest first. Empty when the student named no kernwoord.
 */
export function kernwoordLines(
  entries: DossierEntry[],
  locale: Locale,
  formatDate: (iso: string) => string,
  heading = '##',
): string[] {
  const groups = kernwoordGroups(entries);
  if (groups.length === 0) return [];
  const d = (key: string, params?: Record<string, string | number>) => t(locale, `student.dossier.${key}`, params);
  const lines = [`${heading} ${d('threadTitle')}`, '', d('threadIntro'), ''];
  for (const g of groups) {
    lines.push(`${heading}# ${escapeMarkdown(g.word)} (${d('threadCount', { count: g.items.length })})`, '');
    for (const e of g.items) lines.push(`- ${formatDate(e.date)} · ${escapeMarkdown(e.title)}`);
    lines.push('');
  }
  return lines;
}

export function dossierMarkdown(input: {
  name: string;
  entries: DossierEntry[];
  locale: Locale;
  madeOn: string;
  formatDate: (iso: string) => string;
}): string {
  const { locale } = input;
  const d = (key: string, params?: Record<string, string>) => t(locale, `student.dossier.${key}`, params);
  const lines = [
    `# ${d('title')}`,
    '',
    `${d('of', { name: escapeMarkdown(input.name) })}. ${d('made', { date: input.madeOn })}`,
    '',
    d('intro'),
    '',
  ];
  if (input.entries.length === 0) lines.push(d('empty'), '');
  // First the thread by kernwoord (what the reflections have in common), then every entry by date and activity.
  lines.push(...kernwoordLines(input.entries, locale, input.formatDate));
  lines.push(...dossierEntryLines(input.entries, locale, input.formatDate));
  return `${lines.join('\n').trimEnd()}\n`;
}
