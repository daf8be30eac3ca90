import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CardSample, cardSamples, hostile, oddTexts } from '../../scripts/card-samples.ts';
import { reflectionCard, templateFiles } from '../../src/core/cards/cards.ts';
import { loadLibrary } from '../../src/core/flows/load-flows.ts';
import { renderCard } from '../helpers/render-card.ts';

// Every card template (src/core/cards/templates, src/modules/*/templates) is rendered with the real adaptivecards renderer against sample data: it must
// parse and validate without problems, stay under 28 KB, and show student text exactly as typed. The
// samples are rendered as the gallery shows them (realistic text) and again with each kind of odd text
// appended to whatever a student or school typed: markup, a very long word, right-to-left text, emoji and
// something that looks like a spreadsheet formula.

const samples = cardSamples();
const runs: [string, CardSample[]][] = [
  ['as in the gallery', samples],
  ...Object.entries(oddTexts).map(([kind, odd]): [string, CardSample[]] => [
    `with ${kind} typed`,
    cardSamples(undefined, { odd }),
  ]),
];
const maxBytes = 28 * 1024;

describe('cards', () => {
  it('has a rendered sample for every card template', () => {
    const templates = [...templateFiles().keys()];
    expect(templates.length).toBeGreaterThan(30);
    expect(templates.filter((tpl) => !samples.some((s) => s.template === tpl))).toEqual([]);
  });

  for (const [label, list] of runs) {
    for (const sample of list) {
      it(`${sample.name} renders, validates and stays under 28 KB, ${label}`, () => {
        const bytes = Buffer.byteLength(JSON.stringify(sample.card));
        expect(bytes).toBeLessThan(maxBytes);
        const { element, problems, text } = renderCard(sample.card);
        expect(problems).toEqual([]);
        expect(text.trim().length).toBeGreaterThan(10);
        // No link, emphasis, image or heading anywhere comes from what a student typed.
        for (const tag of ['a', 'img', 'strong', 'em', 'b', 'h1', 'h2']) {
          for (const el of element.querySelectorAll(tag))
            expect(el.textContent, `${tag} in ${sample.name}`).not.toMatch(/klik|vet|html|schuin|Mentor/);
        }
        expect(element.querySelectorAll('a').length).toBe(0);
        for (const shown of sample.shows ?? []) expect(text).toContain(shown);
        // Inputs have labels for screen readers.
        for (const input of element.querySelectorAll('input, textarea')) {
          const labelled = input.getAttribute('aria-labelledby') || input.getAttribute('aria-label');
          expect(labelled, `unlabelled input in ${sample.name}`).toBeTruthy();
        }
      });
    }
  }

  it('carries the odd text into the samples that show typed text', () => {
    for (const [kind, odd] of Object.entries(oddTexts)) {
      const withOdd = cardSamples(undefined, { odd }).filter((s) => s.shows?.length);
      expect(withOdd.length, kind).toBeGreaterThan(20);
      for (const sample of withOdd)
        expect(
          sample.shows!.some((shown) => shown.includes(odd)),
          `${kind} in ${sample.name}`,
        ).toBe(true);
    }
    // The gallery itself shows none of it.
    expect(JSON.stringify(samples.map((s) => s.card))).not.toMatch(/evil\.example|HYPERLINK|\u202e/i);
  });

  it('has every sample in the committed gallery (npm run cards:gallery), linked from the README', () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const gallery = path.join(root, 'docs', 'card-gallery');
    expect(samples.filter((s) => !fs.existsSync(path.join(gallery, `${s.name}.png`))).map((s) => s.name)).toEqual([]);
    // And as a phone shows it (320 px).
    expect(samples.filter((s) => !fs.existsSync(path.join(gallery, `${s.name}-phone.png`))).map((s) => s.name)).toEqual([]);
    expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain('docs/card-gallery/index.md');
  });

  it('would turn the hostile text into a link if it were read as Markdown (the check can fail)', () => {
    const { element } = renderCard({ type: 'AdaptiveCard', version: '1.5', body: [{ type: 'TextBlock', text: hostile }] });
    expect(element.querySelectorAll('a').length).toBe(1);
    expect(element.querySelectorAll('strong').length).toBe(1);
  });

  it('puts card limits on inputs: required, length and labels from the flow', () => {
    const flows = loadLibrary();
    const flow = flows.get('free')!;
    const card = reflectionCard(
      flow,
      {
        id: 'r',
        version: 1,
        schoolId: 's',
        studentId: 'p',
        flowId: 'free',
        locale: 'nl',
        status: 'open',
        createdAt: '2026-01-01T00:00:00Z',
        answers: {},
        competencies: [],
        routing: 'none',
      },
      { emotion: 'good' },
    );
    const inputs = JSON.stringify(card);
    expect(inputs).toContain('"id":"happened"');
    const { element } = renderCard(card);
    const area = element.querySelector('textarea');
    expect(area?.getAttribute('maxlength')).toBe('500');
    expect(
      JSON.parse(inputs)
        .body.flatMap((b: { items?: { id?: string; isRequired?: boolean }[] }) => b.items ?? [])
        .filter((i: { id?: string; isRequired?: boolean }) => i.id === 'happened')[0].isRequired,
    ).toBe(true);
  });
});
