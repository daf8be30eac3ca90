import { describe, expect, it } from 'vitest';
import { answerRows, reflectionCard } from '../../../src/core/cards/cards.ts';
import type { Reflection } from '../../../src/core/entities.ts';
import { formatProblem, lintFlow } from '../../../src/core/flows/flow-lint.ts';
import { answerQuestions, type Flow, questionText } from '../../../src/core/flows/flows.ts';
import { checkLibrary, createFlowCatalog } from '../../../src/core/flows/load-flows.ts';
import { lix, readabilityLimit } from '../../../src/core/flows/readability.ts';
import { defaultFlowFor } from '../../../src/modules/campaigns/default-flow.ts';
import { cardText } from '../../helpers/playground.ts';
import { renderCard } from '../../helpers/render-card.ts';

// The flows for the rest of the school year (issue 12, item 8): each in the sectors where it happens, each
// passing the lint at the limit of the lowest level that reads it; the BPV weekly check-in varies its
// wording week by week and stays short.

const shipped = checkLibrary();
const flows = shipped.entries.map((e) => e.flow);
const byId = (id: string) => structuredClone(flows.find((f) => f.id === id)!);

function reflectionOn(flow: Flow, createdAt: string): Reflection {
  return {
    id: 'r1',
    version: 1,
    schoolId: 's',
    studentId: 'p',
    flowId: flow.id,
    locale: 'nl',
    status: 'open',
    createdAt,
    answers: {},
    competencies: [],
    routing: 'none',
  };
}

describe('the flows for the rest of the school year', () => {
  it('are shipped for the sectors and levels where the activity happens, and pass the lint', () => {
    expect(shipped.problems.map(formatProblem)).toEqual([]);
    const expected: [string, string[], string[]?][] = [
      ['real-life-assignment', ['vo', 'mbo', 'hbo']],
      ['interview', ['vo', 'mbo', 'hbo']],
      ['profile-paper', ['vo'], ['havo', 'vwo']],
      ['elective-choice', ['mbo']],
      ['graduation', ['mbo', 'hbo']],
      ['study-progress', ['hbo']],
      ['applying', ['vo', 'mbo', 'hbo']],
      ['bpv-week', ['mbo']],
    ];
    for (const [type, sectors, levels] of expected) {
      const flow = flows.find((f) => f.activityType === type);
      expect(flow, type).toBeDefined();
      expect(flow!.sectors, type).toEqual(sectors);
      expect(flow!.levels, type).toEqual(levels);
    }
  });

  it('hold a flow to the limit of the lowest level that reads it', () => {
    // vo as a whole includes vmbo; havo/vwo only is held to havo's limit; hbo to 50.
    expect(readabilityLimit({ sectors: ['vo'] })).toBe(40);
    expect(readabilityLimit(byId('profile-paper'))).toBe(45);
    expect(readabilityLimit({ sectors: ['mbo'], levels: ['mbo-3', 'mbo-4'] })).toBe(45);
    expect(readabilityLimit({ sectors: ['hbo'] })).toBe(50);
    // A sentence between 40 and 45: too hard for vmbo, fine for havo/vwo.
    const middle = 'Welke vaardigheden wil je oefenen?';
    expect(lix(middle)).toBeGreaterThan(40);
    expect(lix(middle)).toBeLessThanOrEqual(45);
    const paper = byId('profile-paper');
    paper.questions.find((q) => q.id === 'good-at')!.text.nl = middle;
    expect(lintFlow(paper, 'profile-paper.yaml').filter((p) => p.rule === 'readability')).toEqual([]);
    paper.levels = ['vmbo', 'havo'];
    expect(lintFlow(paper, 'profile-paper.yaml').map(formatProblem)).toContain(
      `profile-paper.yaml: question "good-at": text (nl) has LIX ${lix(middle)}, over the limit of 40 for vmbo/havo: shorter sentences, everyday words`,
    );
  });

  it('rejects a level outside the flow’s sectors', () => {
    const paper = byId('profile-paper');
    paper.levels = ['havo', 'mbo-2'];
    expect(lintFlow(paper, 'p.yaml').map(formatProblem)).toContain(
      "p.yaml: levels: mbo-2 is a mbo level, not one of the flow's sectors (vo)",
    );
  });

  it('lints each variant of a question as its text', () => {
    const week = byId('bpv-week');
    week.questions.find((q) => q.id === 'happened')!.variants![0]!.nl = 'Waarom ging het zo?';
    expect(lintFlow(week, 'bpv-week.yaml').map(formatProblem)).toContain(
      'bpv-week.yaml: question "happened": variant 1 (nl) is a why-question in disguise ("Waarom"): ask what happened',
    );
  });

  it('vary the BPV check-in week by week, the same wording on the card and in what the mentor reads', () => {
    const week = byId('bpv-week');
    const happened = week.questions.find((q) => q.id === 'happened')!;
    const mondays = ['2026-11-02T09:00:00Z', '2026-11-09T09:00:00Z', '2026-11-16T09:00:00Z'];
    const asked = mondays.map((at) => questionText(happened, 'nl', at));
    expect(new Set(asked).size).toBe(3);
    // Within one week the wording holds.
    expect(questionText(happened, 'nl', '2026-11-04T15:00:00Z')).toBe(asked[0]);

    for (const at of mondays) {
      const r = reflectionOn(week, at);
      const card = reflectionCard(week, r, { emotion: 'good' });
      const rendered = renderCard(card);
      expect(rendered.problems).toEqual([]);
      expect(rendered.text).toContain(questionText(happened, 'nl', at));
      const rows = answerRows(week, { ...r, answers: { happened: 'Ik hielp bij de inventaris.' } }, 'nl');
      expect(rows.find((row) => row.answer === 'Ik hielp bij de inventaris.')?.question).toBe(questionText(happened, 'nl', at));
    }
  });

  it('keep the BPV check-in under a minute: three short answers, the rest may stay empty', () => {
    const week = byId('bpv-week');
    for (const emotion of ['good', 'mixed', 'bad'] as const) {
      const inputs = answerQuestions(week, emotion);
      expect(inputs.filter((q) => q.required)).toHaveLength(3);
      for (const q of inputs) expect(q.maxLength, q.id).toBeLessThanOrEqual(200);
      for (const q of inputs)
        for (const text of [q.text, ...(q.variants ?? [])]) expect(text.nl.split(/\s+/).length).toBeLessThanOrEqual(12);
    }
    expect(cardText(reflectionCard(week, reflectionOn(week, '2026-11-02T09:00:00Z')))).toContain('BPV-week');
  });

  it('propose the weekly BPV check-in to an mbo campaign, the mid-way flow to hbo', () => {
    const catalog = createFlowCatalog(shipped.entries);
    const kinds = ['bpv-week', 'internship-midway', 'internship'];
    expect(defaultFlowFor(catalog, kinds, 'mbo').id).toBe('bpv-week');
    expect(defaultFlowFor(catalog, kinds, 'hbo').id).toBe('internship-midway-hbo');
  });
});
