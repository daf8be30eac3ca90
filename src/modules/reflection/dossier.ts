import type { FollowUpOutcome, Reflection } from '../../core/entities.ts';
import { type Flow, type FlowCatalog, questionText } from '../../core/flows/flows.ts';
import type { Competency, Emotion, Locale } from '../../core/types.ts';

// The student's dossier: every submitted reflection as an entry in the dossier format of
// ../shared/domain.md: goal, what I did, what I discovered, what I will do with it. The phases of the
// careers conversation map onto it: look back → what I did, reflect → what I discovered, look forward
// and activate → what I will do. The goal is the student's own preparation answer when there is one,
// else what the activity is for.

export interface DossierAnswer {
  question: string;
  answer?: string;
  chosen?: string[];
}

export interface DossierEntry {
  reflectionId: string;
  date: string;
  title: string;
  goal: { text: string; own: boolean };
  emotion?: Emotion;
  /** The student's own emotion word, beside the emotion. */
  emotionWord?: string;
  /** The student's key word for this entry: the dossier groups entries by it (the rode draad). */
  kernwoord?: string;
  did: DossierAnswer[];
  discovered: DossierAnswer[];
  next: DossierAnswer[];
  followUp?: FollowUpOutcome;
  competencies: Competency[];
}

function answersIn(flow: Flow, r: Reflection, locale: Locale, phases: string[]): DossierAnswer[] {
  const out: DossierAnswer[] = [];
  for (const q of flow.questions) {
    if (q.input === 'emotion' || !phases.includes(q.phase)) continue;
    const answer = r.answers[q.id];
    const chosen = (r.choices?.[q.id] ?? []).map((id) => q.options?.find((o) => o.id === id)?.text[locale] ?? id);
    if (!answer && chosen.length === 0) continue;
    out.push({
      question: questionText(q, locale, r.createdAt),
      ...(answer ? { answer } : {}),
      ...(chosen.length ? { chosen } : {}),
    });
  }
  return out;
}

export function dossierEntries(reflections: Reflection[], flows: FlowCatalog, locale: Locale): DossierEntry[] {
  return reflections
    .filter((r) => r.status === 'submitted')
    .sort((a, b) => (a.submittedAt ?? a.createdAt).localeCompare(b.submittedAt ?? b.createdAt))
    .map((r) => {
      const flow = flows.get(r.flowId) ?? flows.defaultFlow();
      return {
        reflectionId: r.id,
        date: r.submittedAt ?? r.createdAt,
        title: flow.title[locale],
        goal: r.preparation ? { text: r.preparation.answer, own: true } : { text: flow.goal[locale], own: false },
        ...(r.emotion ? { emotion: r.emotion } : {}),
        ...(r.emotionWord ? { emotionWord: r.emotionWord } : {}),
        ...(r.kernwoord ? { kernwoord: r.kernwoord } : {}),
        did: answersIn(flow, r, locale, ['look-back']),
        discovered: answersIn(flow, r, locale, ['reflect']),
        next: answersIn(flow, r, locale, ['look-forward', 'activate']),
        ...(r.followUp?.outcome ? { followUp: r.followUp.outcome } : {}),
        competencies: r.competencies,
      };
    });
}
