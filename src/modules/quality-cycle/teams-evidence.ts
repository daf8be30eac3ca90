import { decide } from '../../core/authorization.ts';
import { messageCard } from '../../core/cards/cards.ts';
import { t } from '../../core/i18n.ts';
import type { Locale } from '../../core/types.ts';
import { type BotDeps, type CardActionResponse, cardResponse, type Turn } from '../../teams/turn.ts';
import {
  buildCheckEvidence,
  type CheckEvidence,
  type EvidencePeriodChoice,
  evidencePeriod,
  relatedPeriods,
} from './check-evidence.ts';
import { evidenceCard } from './evidence-cards.ts';
import { evidenceCsv, evidenceMarkdown } from './evidence-export.ts';
import { evidenceSchema, invalidCard, textCard } from './teams-card-data.ts';
import { schoolClock } from './year-cycle.ts';

// The Check evidence of a team on a card, with short-lived downloads (CSV, Markdown) on request.

export function activityLabeler(deps: BotDeps, locale: Locale): (type: string) => string {
  return (type) => deps.flows.all().find((f) => f.activityType === type)?.title[locale] ?? type;
}

/** The Check evidence of a team, after the policy: aggregates, own team only for team leaders, linked teams only. */
async function teamEvidence(
  turn: Turn,
  data: Record<string, unknown>,
  verb: string,
): Promise<{ evidence: CheckEvidence; choice: EvidencePeriodChoice } | CardActionResponse> {
  const parsed = evidenceSchema.safeParse(data);
  if (!parsed.success) return invalidCard(turn, verb);
  const { deps, actor, locale } = turn;
  const team = await deps.cycles.teams.get(actor.schoolId, parsed.data.teamId);
  if (
    !team ||
    !decide(actor, 'aggregates.read', { kind: 'education-team', schoolId: team.schoolId, leaderIds: team.leaderIds }).allowed
  ) {
    deps.log.warn({ personId: actor.id, teamId: parsed.data.teamId }, 'check evidence refused: not their team');
    return cardResponse(messageCard('pdca.evidence.notYourTeam', locale, 'attention'));
  }
  if (!team.teamsTeamId) return cardResponse(textCard(t(locale, 'pdca.evidence.notLinked', { team: team.id }), true));
  const clock = await schoolClock(deps.modules.qualityCycle.cycle, actor.schoolId);
  const choice = parsed.data.period ?? 'year';
  const { year, period } = evidencePeriod(choice, clock);
  const evidence = await buildCheckEvidence(deps.evidence, {
    schoolId: actor.schoolId,
    team,
    schoolYear: year.id,
    period,
    now: deps.clock.now(),
    related: relatedPeriods(choice, clock),
  });
  deps.log.info({ personId: actor.id, teamId: team.id, from: period.from, to: period.to }, 'check evidence shown');
  return { evidence, choice };
}

export async function evidenceVerb(
  turn: Turn,
  data: Record<string, unknown>,
  withDownloads: boolean,
): Promise<CardActionResponse> {
  const found = await teamEvidence(turn, data, withDownloads ? 'pdca.export' : 'pdca.evidence');
  if (!('evidence' in found)) return found;
  const { deps, actor, locale } = turn;
  const label = activityLabeler(deps, locale);
  let downloads: { csv: string; markdown: string; minutes: number } | undefined;
  if (withDownloads) {
    const e = found.evidence;
    const base = `${t(locale, 'pdca.evidence.title')}-${e.teamId}-${e.from}-${e.to}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    const { urls } = await deps.downloads.create({
      schoolId: actor.schoolId,
      personId: actor.id,
      files: {
        csv: { filename: `${base}.csv`, contentType: 'text/csv; charset=utf-8', body: evidenceCsv(e, locale, label) },
        md: { filename: `${base}.md`, contentType: 'text/markdown; charset=utf-8', body: evidenceMarkdown(e, locale, label) },
      },
    });
    downloads = { csv: urls['csv']!, markdown: urls['md']!, minutes: Math.round(deps.downloads.ttlMs / 60_000) };
    deps.log.info({ personId: actor.id, teamId: e.teamId }, 'check evidence export created');
  }
  return cardResponse(
    evidenceCard(locale, found.evidence, {
      period: found.choice,
      activityLabel: label,
      ...(downloads ? { downloads } : {}),
    }),
  );
}
