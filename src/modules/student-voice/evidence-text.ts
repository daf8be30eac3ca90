import { t } from '../../core/i18n.ts';
import { calendarText, formatPercent } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import type { CheckEvidence } from '../quality-cycle/check-evidence.ts';
import { pulseQuestions } from './entities.ts';
import { jobMonitor2014 } from './reference.ts';

// The student's voice in a team's Check evidence: as sentences (its card), as rows (the CSV export) and as
// a table (the Markdown export). One pulse per line, its figures or why they are hidden, and the
// JOB-monitor 2014 reference beside them. Kept here so the quality-cycle module only places them.

type Pulses = NonNullable<CheckEvidence['studentVoice']>;

function pulseHead(locale: Locale, p: Pulses[number]): string {
  return t(locale, p.scope === 'school' ? 'voice.evidence.school' : 'voice.evidence.team', {
    date: calendarText(p.closesOn, locale, 'long'),
  });
}

export function studentVoiceLines(
  locale: Locale,
  evidence: Pick<CheckEvidence, 'studentVoice'>,
): { title: string; lines: string[] } {
  const title = t(locale, 'voice.evidence.title');
  if (!evidence.studentVoice) return { title, lines: [t(locale, 'voice.evidence.notConnected')] };
  if (!evidence.studentVoice.length) return { title, lines: [t(locale, 'voice.evidence.none')] };
  const lines = evidence.studentVoice.map((p) => {
    const head = pulseHead(locale, p);
    if (p.figures.hidden) return `${head}: ${t(locale, 'voice.evidence.hidden')}`;
    const v = p.figures.value;
    return `${head}: ${t(locale, 'voice.evidence.line', {
      respondents: v.respondents,
      invited: p.invited,
      guidance: formatPercent(v.satisfied.guidance, locale),
      choice: formatPercent(v.satisfied.choice, locale),
      internship: formatPercent(v.satisfied.internship, locale),
      refGuidance: formatPercent(jobMonitor2014.guidance.satisfied, locale),
      refChoice: formatPercent(jobMonitor2014.choice.satisfied, locale),
      refInternship: formatPercent(jobMonitor2014.internship.satisfied, locale),
    })}`;
  });
  return { title, lines };
}

/** The CSV export's rows: item, group, count, share (the evidence export's columns). */
export function studentVoiceRows(
  locale: Locale,
  evidence: Pick<CheckEvidence, 'studentVoice'>,
): [item: string, group: string, count: string, share: string][] {
  const title = t(locale, 'voice.evidence.title');
  const pct = (x: number) => formatPercent(x, locale);
  const satisfied = (q: (typeof pulseQuestions)[number]) =>
    t(locale, 'voice.evidence.satisfiedWith', { question: t(locale, `voice.short.${q}`) });
  if (!evidence.studentVoice) return [[title, '', t(locale, 'voice.evidence.notConnected'), '']];
  if (!evidence.studentVoice.length) return [[title, '', t(locale, 'voice.evidence.none'), '']];
  const out: [string, string, string, string][] = [];
  for (const p of evidence.studentVoice) {
    const head = pulseHead(locale, p);
    if (p.figures.hidden) {
      out.push([head, '', t(locale, 'voice.evidence.hidden'), '']);
      continue;
    }
    const v = p.figures.value;
    out.push([`${head}: ${t(locale, 'voice.evidence.answers')}`, '', String(v.respondents), pct(v.respondents / p.invited)]);
    for (const q of pulseQuestions) out.push([`${head}: ${satisfied(q)}`, '', '', pct(v.satisfied[q])]);
  }
  const reference = t(locale, 'voice.evidence.reference');
  for (const q of pulseQuestions) out.push([`${reference}: ${satisfied(q)}`, '', '', pct(jobMonitor2014[q].satisfied)]);
  return out;
}

/** The Markdown export's section: a table of the pulses with the reference as its last row, and its source. */
export function studentVoiceMarkdown(
  locale: Locale,
  evidence: Pick<CheckEvidence, 'studentVoice'>,
  escapeLine: (text: string) => string,
): string[] {
  const out = [`## ${t(locale, 'voice.evidence.title')}`, ''];
  if (!evidence.studentVoice) return [...out, t(locale, 'voice.evidence.notConnected')];
  if (!evidence.studentVoice.length) return [...out, t(locale, 'voice.evidence.none')];
  const pct = (x: number) => formatPercent(x, locale);
  const questions = pulseQuestions.map((q) =>
    escapeLine(t(locale, 'voice.evidence.satisfiedWith', { question: t(locale, `voice.short.${q}`) })),
  );
  out.push(
    `| ${t(locale, 'voice.evidence.pulse')} | ${t(locale, 'voice.evidence.answers')} | ${questions.join(' | ')} |`,
    `| --- | --- |${pulseQuestions.map(() => ' ---: |').join('')}`,
  );
  for (const p of evidence.studentVoice) {
    const head = escapeLine(pulseHead(locale, p));
    if (p.figures.hidden) {
      out.push(`| ${head} | ${escapeLine(t(locale, 'voice.evidence.hidden'))} |${pulseQuestions.map(() => ' |').join('')}`);
      continue;
    }
    const v = p.figures.value;
    const answers = t(locale, 'voice.evidence.answersOf', { respondents: v.respondents, invited: p.invited });
    out.push(`| ${head} | ${answers} | ${pulseQuestions.map((q) => pct(v.satisfied[q])).join(' | ')} |`);
  }
  out.push(
    `| ${t(locale, 'voice.evidence.reference')} | | ${pulseQuestions.map((q) => pct(jobMonitor2014[q].satisfied)).join(' | ')} |`,
    '',
    `_${t(locale, 'voice.evidence.source')}_`,
  );
  return out;
}
