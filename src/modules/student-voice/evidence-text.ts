import { t } from '../../core/i18n.ts';
import { calendarText, formatPercent } from '../../core/time/card-dates.ts';
import type { Locale } from '../../core/types.ts';
import type { CheckEvidence } from '../quality-cycle/check-evidence.ts';
import { jobMonitor2014 } from './reference.ts';

// The student's voice as sentences of a team's Check evidence (its card and export): one per pulse that
// closed in the period, its figures or why they are hidden. Kept here so the quality-cycle module only
// places them.

export function studentVoiceLines(
  locale: Locale,
  evidence: Pick<CheckEvidence, 'studentVoice'>,
): { title: string; lines: string[] } {
  const title = t(locale, 'voice.evidence.title');
  if (!evidence.studentVoice) return { title, lines: [t(locale, 'voice.evidence.notConnected')] };
  if (!evidence.studentVoice.length) return { title, lines: [t(locale, 'voice.evidence.none')] };
  const lines = evidence.studentVoice.map((p) => {
    const head = t(locale, p.scope === 'school' ? 'voice.evidence.school' : 'voice.evidence.team', {
      date: calendarText(p.closesOn, locale, 'long'),
    });
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
