import { chosenKind } from '../../core/cards/cards.ts';
import type { Person, Reflection, Signal } from '../../core/entities.ts';
import { type FlowCatalog, optionText, questionText } from '../../core/flows/flows.ts';
import { t } from '../../core/i18n.ts';
import { recurringWords } from '../../core/kernwoord-thread.ts';
import type { ReflectionHead } from '../../core/ports.ts';
import { type Competency, competencies, type Locale } from '../../core/types.ts';
import type { MentorFollowUp } from './entities.ts';
import { followUpQuestions, threadQuestions } from './questions.ts';
import type { EntryView, NonResponseView, OpenStep, Priority, StepStatus, StudentSection } from './views.ts';

// Turns a student's reflections into what the mentor sees: entries with the student's own words and
// next step, earlier steps still open, and the questions to ask. Pure functions plus one small class
// that reads what it needs through the mentor's scope.

/** The student's own words: the first "what happened" answer (look-back, free text). */
function wordsOf(reflection: Reflection, flows: FlowCatalog): string | undefined {
  const flow = flows.get(reflection.flowId);
  const text = flow?.questions.filter((q) => q.input === 'text') ?? [];
  const lookBack = text.find((q) => q.phase === 'look-back' && reflection.answers[q.id]);
  const other = text.find((q) => q.phase !== 'activate' && reflection.answers[q.id]);
  const q = lookBack ?? other;
  return q ? reflection.answers[q.id] : undefined;
}

/** The next step the student set: the answer to the flow's activate question. */
function nextStepOf(reflection: Reflection, flows: FlowCatalog): string | undefined {
  const flow = flows.get(reflection.flowId);
  const q = flow?.questions.find((x) => x.input === 'text' && x.phase === 'activate' && reflection.answers[x.id]);
  return q ? reflection.answers[q.id] : undefined;
}

export function flowTitle(flows: FlowCatalog, flowId: string, locale: Locale): string {
  return (flows.get(flowId) ?? flows.defaultFlow()).title[locale];
}

export function discussedOn(followUp: MentorFollowUp | undefined, reflectionId: string): string | undefined {
  return followUp?.discussions.find((d) => d.reflectionIds.includes(reflectionId))?.on;
}

/**
 * Everything the student answered, in the flow's order: the preparation answer first, then each text
 * question with the starter options the student ticked (the options are a start, the words are theirs).
 */
function answersOf(reflection: Reflection, flows: FlowCatalog, locale: Locale) {
  const flow = flows.get(reflection.flowId);
  const rows: { question: string; answer: string; chosen?: string; chosenLabel?: string }[] = [];
  if (flow?.preparation && reflection.preparation) {
    rows.push({ question: flow.preparation.text[locale], answer: reflection.preparation.answer });
  }
  for (const q of flow?.questions ?? []) {
    if (q.input !== 'text') continue;
    const answer = reflection.answers[q.id];
    const chosen = (reflection.choices?.[q.id] ?? []).map((id) => optionText(q, id, locale));
    if (!answer && chosen.length === 0) continue;
    rows.push({
      question: questionText(q, locale, reflection.createdAt),
      answer: answer ?? '',
      // The student's words first; a picked word is shown as named with help, never as their answer.
      ...(chosen.length ? { chosen: chosen.join(', '), chosenLabel: t(locale, `mentors.student.${chosenKind(q)}`) } : {}),
    });
  }
  return rows;
}

export function entryView(
  reflection: Reflection,
  ctx: { flows: FlowCatalog; locale: Locale; status?: StepStatus; followUp?: MentorFollowUp; full?: boolean },
): EntryView {
  const words = wordsOf(reflection, ctx.flows);
  const step = nextStepOf(reflection, ctx.flows);
  const discussed = discussedOn(ctx.followUp, reflection.id);
  return {
    ...(ctx.full ? { answers: answersOf(reflection, ctx.flows, ctx.locale) } : {}),
    reflectionId: reflection.id,
    flowTitle: flowTitle(ctx.flows, reflection.flowId, ctx.locale),
    at: reflection.submittedAt ?? reflection.createdAt,
    ...(reflection.emotion ? { emotion: reflection.emotion } : {}),
    ...(reflection.emotionWord ? { emotionWord: reflection.emotionWord } : {}),
    ...(words ? { words } : {}),
    ...(step ? { nextStep: { text: step, status: ctx.status ?? 'open' } } : {}),
    competencies: reflection.competencies,
    wantsToTalk: reflection.wantsToTalk === true,
    signals: reflection.signals ?? [],
    late: reflection.late === true,
    ...(discussed ? { discussedOn: discussed } : {}),
  };
}

const rank: Record<Priority, number> = { talk: 0, signal: 1, other: 2 };

/** Most important first: asked to talk, then signals, then the rest; newest entry first within each. */
export function compareSections(a: StudentSection, b: StudentSection): number {
  if (rank[a.priority] !== rank[b.priority]) return rank[a.priority] - rank[b.priority];
  const la = a.entries[0]?.at ?? '';
  const lb = b.entries[0]?.at ?? '';
  if (la !== lb) return la < lb ? 1 : -1;
  return a.student.name.localeCompare(b.student.name);
}

export function followUpSummary(followUp: MentorFollowUp | undefined): StudentSection['followUp'] {
  const last = followUp?.discussions[0];
  const plan = followUp?.plan;
  const planOpen = plan && (!last || last.at < plan.at);
  return {
    ...(last ? { lastDiscussedOn: last.on } : {}),
    ...(planOpen ? { plannedAt: plan.at, remindAt: plan.remindAt } : {}),
    notesSent: followUp?.notesSent ?? 0,
  };
}

export function coverageOf(reflections: readonly Reflection[]): Record<Competency, number> {
  const counts = Object.fromEntries(competencies.map((c) => [c, 0])) as Record<Competency, number>;
  for (const r of reflections) for (const c of r.competencies) counts[c]++;
  return counts;
}

export interface SectionInput<R extends ReflectionHead = Reflection> {
  student: Pick<Person, 'id' | 'name'>;
  /** Every submitted reflection of the student, newest first. */
  reflections: readonly R[];
  /** The reflections to show as entries (e.g. the new ones of a digest); the rest is history. */
  show: (r: R) => boolean;
  maxEntries: number;
  statuses: ReadonlyMap<string, StepStatus>;
  followUp: MentorFollowUp | undefined;
  nonResponses?: NonResponseView[];
  /** Show whole answers instead of the short form. */
  full?: boolean;
}

/** The whole reflection (with the answers) of a head, when it was read. */
export type WholeOf<R extends ReflectionHead> = (r: R) => Reflection | undefined;

const openStepsShown = 3;
/** When not everything fits, the entries the student asked to talk about or with a signal come first. */
const weight = (r: ReflectionHead) => (r.wantsToTalk ? 0 : r.signals?.length ? 1 : 2);
const at = (r: ReflectionHead) => r.submittedAt ?? r.createdAt;

/** The entries a section shows (by id): at most maxEntries of the period, the most important first. */
function chosenEntries(period: readonly ReflectionHead[], maxEntries: number): Set<string> {
  return new Set(
    [...period]
      .sort((a, b) => weight(a) - weight(b) || (at(a) < at(b) ? 1 : -1))
      .slice(0, maxEntries)
      .map((r) => r.id),
  );
}

/** History whose next step may be listed as still open (its answers tell whether it has one). */
function openStepCandidate(r: ReflectionHead, statuses: ReadonlyMap<string, StepStatus>): boolean {
  const status = statuses.get(r.id) ?? 'open';
  return status === 'open' || status === 'not-yet';
}

/** A student's section, from their whole reflections. */
export function buildSection(input: SectionInput, ctx: { flows: FlowCatalog; locale: Locale }): StudentSection {
  return sectionOf(input, (r) => r, ctx);
}

/**
 * The reflections of a section built from heads (sectionOf) whose whole document it needs and that were
 * not read yet: the entries it shows, and history up to the open steps it lists. Ask again after reading
 * them: a reflection without a next step makes room for an older one.
 */
export function wholeNeeded<R extends ReflectionHead>(input: SectionInput<R>, whole: WholeOf<R>, flows: FlowCatalog): R[] {
  const period = input.reflections.filter((r) => input.show(r));
  const chosen = chosenEntries(period, input.maxEntries);
  const needed = period.filter((r) => chosen.has(r.id) && !whole(r));
  let steps = 0;
  for (const r of input.reflections) {
    if (steps >= openStepsShown) break;
    if (input.show(r) || !openStepCandidate(r, input.statuses)) continue;
    const known = whole(r);
    if (!known) {
      needed.push(r);
      steps++;
    } else if (nextStepOf(known, flows)) steps++;
  }
  return needed;
}

/**
 * A student's section from heads of their reflections: the answers are read from `whole`, which must
 * hold the reflections wholeNeeded names (one missing there is left out, as if it had been erased).
 */
export function sectionOf<R extends ReflectionHead>(
  input: SectionInput<R>,
  whole: WholeOf<R>,
  ctx: { flows: FlowCatalog; locale: Locale },
): StudentSection {
  const period: R[] = [];
  const openSteps: OpenStep[] = [];
  for (const r of input.reflections) {
    if (input.show(r)) {
      period.push(r);
      continue;
    }
    if (openSteps.length >= openStepsShown || !openStepCandidate(r, input.statuses)) continue;
    const known = whole(r);
    const text = known && nextStepOf(known, ctx.flows);
    if (text) openSteps.push({ reflectionId: r.id, text, status: input.statuses.get(r.id) ?? 'open', at: at(r) });
  }
  const chosen = chosenEntries(period, input.maxEntries);
  const shown = period
    .filter((r) => chosen.has(r.id))
    .flatMap((r) => {
      const known = whole(r);
      return known ? [known] : [];
    })
    .map((r) =>
      entryView(r, { ...ctx, status: input.statuses.get(r.id) ?? 'open', followUp: input.followUp, full: input.full === true }),
    );
  const signals = [...new Set(period.flatMap((r) => r.signals ?? []))] as Signal[];
  const priority: Priority = period.some((r) => r.wantsToTalk) ? 'talk' : signals.length ? 'signal' : 'other';
  const kernwoorden = recurringWords(input.reflections, (r) => r.kernwoord);
  const emotionWords = recurringWords(input.reflections, (r) => r.emotionWord).map(({ word, count }) => ({ word, count }));
  return {
    student: { id: input.student.id, name: input.student.name },
    priority,
    signals,
    entries: shown,
    moreEntries: period.length - shown.length,
    openSteps,
    nonResponses: input.nonResponses ?? [],
    recurring: kernwoorden.map(({ word, count, reflections }) => ({
      word,
      count,
      where: reflections.map((r) => ({
        flowTitle: flowTitle(ctx.flows, r.flowId, ctx.locale),
        at: r.submittedAt ?? r.createdAt,
      })),
    })),
    recurringEmotions: emotionWords,
    questions: [
      ...threadQuestions(kernwoorden[0], emotionWords[0]),
      ...followUpQuestions(shown[0] ?? latestOf(input.reflections)),
    ],
    followUp: followUpSummary(input.followUp),
  };
}

function latestOf(reflections: readonly ReflectionHead[]) {
  const r = reflections[0];
  return r ? { reflectionId: r.id, ...(r.emotion ? { emotion: r.emotion } : {}) } : undefined;
}

/**
 * Whether the student did each next step: their own answer to the follow-up question some days after the
 * reflection (done / not yet / changed my mind); no answer yet means the step is open.
 */
export function stepStatuses(reflections: readonly ReflectionHead[]): ReadonlyMap<string, StepStatus> {
  return new Map(reflections.map((r) => [r.id, r.followUp?.outcome ?? 'open']));
}
