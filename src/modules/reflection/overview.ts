import type { FollowUpOutcome, Reflection } from '../../core/entities.ts';
import type { Flow, FlowCatalog } from '../../core/flows/flows.ts';
import { recurringKernwoorden } from '../../core/kernwoord-thread.ts';
import { type Competency, competencies, type Emotion } from '../../core/types.ts';

// The student's own overview (`mijn reflecties`): submitted entries newest first, grouped by activity,
// and the career competencies they touched so far, as growth over time.

/** A feedforward note a mentor wrote to the student about an entry (the mentors' side fills these in). */
export interface OverviewNote {
  from: string;
  text: string;
}

export interface OverviewEntry {
  reflectionId: string;
  date: string;
  emotion?: Emotion;
  happened?: string;
  nextStep?: string;
  followUp?: FollowUpOutcome;
  notes: OverviewNote[];
}

export interface OverviewGroup {
  activityType: string;
  title: Flow['title'];
  /** Entries of this activity over all pages. */
  total: number;
  entries: OverviewEntry[];
}

export interface Overview {
  total: number;
  page: number;
  pages: number;
  growth: { competency: Competency; count: number; since?: string }[];
  /** Kernwoorden named in two or more reflections (the thread), most often first. */
  recurring: { word: string; count: number }[];
  groups: OverviewGroup[];
}

/** The first answer of a flow in a phase (what happened: look-back; the step: activate). */
export function answerInPhase(flow: Flow, reflection: Reflection, phase: 'look-back' | 'activate'): string | undefined {
  for (const q of flow.questions) {
    if (q.phase === phase && q.input === 'text' && reflection.answers[q.id]) return reflection.answers[q.id];
  }
  return undefined;
}

export function buildOverview(
  reflections: Reflection[],
  flows: FlowCatalog,
  options: { page?: number; pageSize?: number; notesFor?: (r: Reflection) => OverviewNote[] } = {},
): Overview {
  const done = reflections
    .filter((r) => r.status === 'submitted')
    .sort((a, b) => (b.submittedAt ?? b.createdAt).localeCompare(a.submittedAt ?? a.createdAt));
  const pageSize = options.pageSize ?? 8;
  const pages = Math.max(1, Math.ceil(done.length / pageSize));
  const page = Math.min(Math.max(1, Math.floor(options.page ?? 1)), pages);

  const growth = competencies.map((competency) => {
    const touched = done.filter((r) => r.competencies.includes(competency));
    const since = touched.map((r) => r.submittedAt ?? r.createdAt).sort()[0];
    return { competency, count: touched.length, ...(since ? { since } : {}) };
  });

  const totals = new Map<string, number>();
  for (const r of done) {
    const type = r.activityType ?? flows.get(r.flowId)?.activityType ?? 'free';
    totals.set(type, (totals.get(type) ?? 0) + 1);
  }
  const groups = new Map<string, OverviewGroup>();
  for (const r of done.slice((page - 1) * pageSize, page * pageSize)) {
    const flow = flows.get(r.flowId) ?? flows.defaultFlow();
    const type = r.activityType ?? flow.activityType;
    let group = groups.get(type);
    if (!group) {
      group = { activityType: type, title: flow.title, total: totals.get(type) ?? 0, entries: [] };
      groups.set(type, group);
    }
    const happened = answerInPhase(flow, r, 'look-back');
    const nextStep = answerInPhase(flow, r, 'activate');
    group.entries.push({
      reflectionId: r.id,
      date: r.submittedAt ?? r.createdAt,
      ...(r.emotion ? { emotion: r.emotion } : {}),
      ...(happened ? { happened } : {}),
      ...(nextStep ? { nextStep } : {}),
      ...(r.followUp?.outcome ? { followUp: r.followUp.outcome } : {}),
      notes: options.notesFor?.(r) ?? [],
    });
  }
  return { total: done.length, page, pages, growth, recurring: recurringKernwoorden(done), groups: [...groups.values()] };
}
