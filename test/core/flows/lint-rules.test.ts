import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatProblem, lintFlow } from '../../../src/core/flows/flow-lint.ts';
import type { Flow, Question } from '../../../src/core/flows/flows.ts';
import { readFlowFolder } from '../../../src/core/flows/load-flows.ts';
import { lix, readabilityLimits } from '../../../src/core/flows/readability.ts';

// The lint's rules for the careers conversation, one at a time: a fixture flow that passes, broken in one
// place per case. Every problem names the file and the question.

const fixtures = path.resolve(import.meta.dirname, '../../fixtures/flows');
const file = 'school/lint-fixture.yaml';

function fixture(): Flow {
  const { entries, problems } = readFlowFolder(fixtures, 'school');
  expect(problems).toEqual([]);
  return structuredClone(entries.find((e) => e.flow.id === 'lint-fixture')!.flow);
}

function broken(change: (flow: Flow, q: (id: string) => Question) => void): string[] {
  const flow = fixture();
  change(flow, (id) => flow.questions.find((x) => x.id === id)!);
  return lintFlow(flow, file).map(formatProblem);
}

describe('the lint of a flow', () => {
  it('accepts the fixture as it is', () => {
    expect(lintFlow(fixture(), file)).toEqual([]);
  });

  it.each([
    ['nl', 'Waarom koos je voor deze dag?', 'Waarom'],
    ['nl', 'Hoe komt het dat je dit leuk vond?', 'Hoe komt het'],
    ['nl', 'Waardoor ging het goed?', 'Waardoor'],
    ['nl', 'Wat is de reden dat je bleef?', 'Wat is de reden'],
    ['nl', 'Om welke reden deed je mee?', 'Om welke reden'],
    ['en', 'Why did you choose this day?', 'Why'],
    ['en', 'How come it went well?', 'How come'],
    ['en', 'What made you stay?', 'What made you'],
  ] as const)('rejects a why-question in disguise (%s): %s', (locale, text, word) => {
    const problems = broken((_, q) => {
      q('good-at').text[locale] = text;
    });
    expect(problems).toContain(
      `${file}: question "good-at": text (${locale}) is a why-question in disguise ("${word}"): ask what happened`,
    );
  });

  it('rejects two questions in one, with or without a second question mark', () => {
    expect(
      broken((_, q) => {
        q('good-at').text.nl = 'Wat ging goed en wat wil je anders?';
      }),
    ).toContain(`${file}: question "good-at": text (nl) asks two questions in one ("en wat")`);
    expect(
      broken((_, q) => {
        q('good-at').text.en = 'What went well, and how did you notice?';
      }),
    ).toContain(`${file}: question "good-at": text (en) asks two questions in one ("and how")`);
    expect(
      broken((_, q) => {
        q('explore').text.nl = 'Wat wil je weten? Bij wie?';
        q('explore').text.en = 'What do you want to know? From whom?';
      }),
    ).toContain(`${file}: question "explore": text (nl) asks more than one question`);
  });

  it.each([
    ['nl', 'Bijvoorbeeld een open dag uitkiezen'],
    ['nl', 'Ik wil…'],
    ['en', 'e.g. ask your mentor'],
    ['en', 'For example, choose an open day'],
  ] as const)('rejects a placeholder that suggests the answer (%s): %s', (locale, text) => {
    const problems = broken((_, q) => {
      q('next-step').placeholder![locale] = text;
    });
    expect(problems).toContain(
      `${file}: question "next-step": placeholder (${locale}) suggests an answer; say how long or how concrete, not what`,
    );
  });

  it('rejects an option list offered before the own words', () => {
    const problems = broken((_, q) => {
      q('good-at').optionsShown = 'before-own-words';
    });
    expect(problems).toEqual([
      `${file}: question "good-at": the options are offered before the student's own words; set optionsShown: after-own-words and label them as help to name it`,
    ]);
  });

  it('rejects a flow without a kernwoord step, or without a deepening question', () => {
    const withoutKernwoord = broken((flow) => {
      flow.questions = flow.questions.filter((x) => x.role !== 'kernwoord');
    });
    expect(withoutKernwoord).toEqual([
      `${file}: after a positive emotion there is no kernwoord question (role: kernwoord)`,
      `${file}: after a mixed emotion there is no kernwoord question (role: kernwoord)`,
      `${file}: after a negative emotion there is no kernwoord question (role: kernwoord)`,
    ]);
    const withoutDeepen = broken((flow) => {
      flow.questions = flow.questions.filter((x) => x.role !== 'deepen');
    });
    expect(withoutDeepen).toContain(
      `${file}: after a positive emotion there is no deepening or broadening question (role: deepen)`,
    );
  });

  it('rejects mixed feelings sent down the negative branch', () => {
    const problems = broken((flow, q) => {
      flow.questions = flow.questions.filter((x) => x.id !== 'both-sides');
      q('important').when = ['neutral', 'negative'];
    });
    expect(problems).toEqual([
      `${file}: after a mixed emotion there is no reflect question of its own (when: [neutral]) about both sides`,
    ]);
  });

  it(`rejects a vo or mbo question over LIX ${readabilityLimits.plain}, and allows hbo up to ${readabilityLimits.hbo}`, () => {
    const hard = 'Welke beroepsvaardigheden herkende je tijdens deze oriënterende praktijkervaring?';
    const easy = 'Wat kon jij daar al goed, denk je?';
    expect(lix(hard)).toBeGreaterThan(readabilityLimits.hbo);
    expect(lix(easy)).toBeLessThanOrEqual(readabilityLimits.plain);
    const problems = broken((_, q) => {
      q('good-at').text.nl = hard;
    });
    expect(problems).toContain(
      `${file}: question "good-at": text (nl) has LIX ${lix(hard)}, over the limit of ${readabilityLimits.plain} for vo: shorter sentences, everyday words`,
    );
    // Between the two limits: too hard for vmbo and mbo 1–2, fine for hbo.
    const middle = 'Wat wil je de komende periode uitproberen?';
    expect(lix(middle)).toBeGreaterThan(readabilityLimits.plain);
    expect(lix(middle)).toBeLessThanOrEqual(readabilityLimits.hbo);
    const change = (sectors: Flow['sectors']) =>
      broken((flow, q) => {
        flow.sectors = sectors;
        q('good-at').text.nl = middle;
      }).filter((p) => p.includes('LIX'));
    expect(change(['mbo'])).toHaveLength(1);
    expect(change(['hbo'])).toEqual([]);
  });

  it('rejects Dutch and English that do not ask the same thing in the same shape', () => {
    const problems = broken((_, q) => {
      q('happened').text.en = 'What happened at that moment? Who was there? Tell it in your own words.';
    });
    expect(problems).toContain(
      `${file}: question "happened": text: the Dutch and English texts do not match in shape ("Wat gebeurde er op dat moment? Vertel het in je eigen woorden." / "What happened at that moment? Who was there? Tell it in your own words.")`,
    );
  });
});
