import type { Aggregate } from '../../core/aggregates.ts';
import { type AdaptiveCard, render } from '../../core/cards/cards.ts';
import { t, texts } from '../../core/i18n.ts';
import { calendarText, formatPercent } from '../../core/time/card-dates.ts';
import { competencies, type Locale } from '../../core/types.ts';
import { studentVoiceLines } from '../student-voice/evidence-text.ts';
import { yearLabel } from './cards.ts';
import { type CheckEvidence, type CompetencyShares, type EvidencePeriodChoice, evidencePeriodChoices } from './check-evidence.ts';

// The Check evidence card of a team: its figures (hidden for small groups), the period to choose, and
// what is not connected yet.

function sharesRows(locale: Locale, figures: Aggregate<CompetencyShares>, complement: boolean) {
  if (figures.hidden) {
    return { hidden: t(locale, complement ? 'pdca.evidence.hiddenComplement' : 'pdca.evidence.hidden'), shares: undefined };
  }
  return {
    hidden: undefined,
    shares: competencies.map((c) => ({
      label: t(locale, `core.competencies.${c}`),
      value: formatPercent(figures.value[c], locale),
    })),
  };
}

/** The sentences of the Check evidence, shared by the card and the Markdown export. */
export function evidenceLines(locale: Locale, evidence: CheckEvidence, activityLabel: (type: string) => string) {
  const pct = (x: number) => formatPercent(x, locale);
  const notConnected = (what: 'campaignLedger' | 'mentorFollowUp') =>
    t(locale, 'pdca.evidence.notConnected', { what: t(locale, `pdca.evidence.${what}`) });
  const activities = evidence.activitiesHeld
    ? {
        note: evidence.activitiesHeld.length ? undefined : t(locale, 'pdca.evidence.activitiesNone'),
        rows: evidence.activitiesHeld.map((a) => ({ label: activityLabel(a.activityType), count: a.count })),
      }
    : { note: notConnected('campaignLedger'), rows: [] };
  /** A figure's sentence; hidden for a group under 5, or its source not connected. */
  const line = <T>(figure: Aggregate<T>, say: (value: T) => string) =>
    figure.hidden ? t(locale, 'pdca.evidence.hidden') : say(figure.value);
  const prompts = !evidence.prompts
    ? notConnected('campaignLedger')
    : line(evidence.prompts, (v) =>
        t(locale, 'pdca.evidence.promptsLine', {
          sent: v.sent,
          answered: v.answered,
          rate: pct(v.responseRate),
          reminded: v.reminded,
          reminderRate: pct(v.reminderRate),
        }),
      );
  const followUp = !evidence.followUp
    ? notConnected('mentorFollowUp')
    : line(evidence.followUp, (v) =>
        t(locale, 'pdca.evidence.followUpLine', {
          reflections: v.reflections,
          discussed: v.discussed,
          discussedRate: pct(v.discussedRate),
          withNote: v.withNote,
          noteRate: pct(v.noteRate),
        }),
      );
  const unreachable = line(evidence.unreachable, (v) =>
    t(locale, 'pdca.evidence.unreachableLine', { count: v.count, students: evidence.students, rate: pct(v.share) }),
  );
  return {
    activities,
    prompts,
    unreachable,
    followUp,
    periodText: t(locale, 'pdca.evidence.period', {
      from: calendarText(evidence.from, locale, 'long'),
      to: calendarText(evidence.to, locale, 'long'),
      year: yearLabel(evidence.schoolYear),
    }),
    studentsText: t(locale, 'pdca.evidence.students', { count: evidence.students }),
  };
}

export function evidenceCard(
  locale: Locale,
  evidence: CheckEvidence,
  opts: {
    period: EvidencePeriodChoice;
    activityLabel: (type: string) => string;
    downloads?: { csv: string; markdown: string; minutes: number };
  },
): AdaptiveCard {
  const { activities, prompts, unreachable, followUp, periodText, studentsText } = evidenceLines(
    locale,
    evidence,
    opts.activityLabel,
  );
  const coverage = [
    ...evidence.coverage.groups.map((g) => ({
      name: g.name,
      ...sharesRows(locale, g.figures, !g.small),
    })),
    { name: t(locale, 'pdca.evidence.coverageTotal'), ...sharesRows(locale, evidence.coverage.total, false) },
  ];
  return render('quality-cycle-evidence', {
    t: texts(locale, 'pdca.evidence'),
    teamName: evidence.teamName,
    teamId: evidence.teamId,
    periodText,
    studentsText,
    activities,
    prompts,
    promptsSubtle: !evidence.prompts || evidence.prompts.hidden,
    unreachable,
    coverage,
    followUp,
    followUpSubtle: !evidence.followUp || evidence.followUp.hidden,
    voice: studentVoiceLines(locale, evidence),
    period: opts.period,
    periods: evidencePeriodChoices.map((p) => ({ value: p, title: t(locale, `pdca.evidence.periods.${p}`) })),
    downloads: opts.downloads
      ? {
          text: t(locale, 'pdca.evidence.downloadReady', { minutes: opts.downloads.minutes }),
          csv: opts.downloads.csv,
          markdown: opts.downloads.markdown,
        }
      : undefined,
  });
}
