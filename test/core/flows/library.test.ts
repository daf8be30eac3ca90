import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { checkAnswers } from '../../../src/core/flows/answer-checks.ts';
import { formatProblem, lintFlow, lintLibrary } from '../../../src/core/flows/flow-lint.ts';
import { answerQuestions, type Flow, pathFor } from '../../../src/core/flows/flows.ts';
import { checkLibrary, FlowLoadError, loadLibrary } from '../../../src/core/flows/load-flows.ts';
import { competencies, emotions, phases, sectors } from '../../../src/core/types.ts';

// The shipped prompt library is linted here (as it is at start-up), and every lint rule is shown to
// reject what it should, naming the file and the question.

const shipped = checkLibrary();
const flows = shipped.entries.map((e) => e.flow);
const byId = (id: string) => structuredClone(flows.find((f) => f.id === id)!);

describe('the shipped prompt library', () => {
  it('passes the schema and the lint', () => {
    expect(shipped.problems.map(formatProblem)).toEqual([]);
    expect(flows.length).toBeGreaterThanOrEqual(20);
  });

  it('has a flow per activity type for each sector where it occurs', () => {
    const has = (type: string, sector: string) =>
      flows.some((f) => f.activityType === type && f.sectors.includes(sector as never));
    const expected: [string, string[]][] = [
      ['internship', ['vo', 'mbo', 'hbo']],
      ['internship-midway', ['mbo', 'hbo']],
      ['internship-end', ['vo', 'mbo', 'hbo']],
      ['taster-internship', ['vo', 'mbo']],
      ['shadow-day', ['vo', 'mbo']],
      ['open-day', ['vo', 'mbo']],
      ['trial-studying', ['vo', 'mbo']],
      ['guest-lesson', ['vo', 'mbo', 'hbo']],
      ['intake', ['mbo', 'hbo']],
      ['profile-choice', ['vo']],
      ['study-choice', ['vo', 'mbo']],
      ['first-100-days', ['hbo']],
      ['minor-choice', ['hbo']],
      ['free', ['vo', 'mbo', 'hbo']],
    ];
    for (const [type, where] of expected) for (const sector of where) expect(has(type, sector), `${type} ${sector}`).toBe(true);
  });

  it('branches every flow on the emotion: qualities after a positive moment, motives after a negative one', () => {
    for (const flow of flows) {
      const good = answerQuestions(flow, 'good');
      const bad = answerQuestions(flow, 'bad');
      expect(
        good.some((q) => q.phase === 'reflect' && q.competencies.includes('qualities')),
        flow.id,
      ).toBe(true);
      expect(
        bad.some((q) => q.phase === 'reflect' && q.competencies.includes('motives')),
        flow.id,
      ).toBe(true);
      expect(good.map((q) => q.id)).not.toEqual(bad.map((q) => q.id));
      // Mixed feelings have a path of their own, not the negative one.
      expect(answerQuestions(flow, 'mixed').map((q) => q.id)).not.toEqual(bad.map((q) => q.id));
      for (const e of emotions) {
        const p = pathFor(flow, e);
        expect(p[0]?.input).toBe('emotion');
        expect(p.at(-1)?.phase).toBe('activate');
        // Short: at most 4 required answers and 3 optional ones besides the tap; one kernwoord, one deepening.
        const inputs = answerQuestions(flow, e);
        expect(inputs.filter((q) => q.required).length).toBeLessThanOrEqual(4);
        expect(inputs.filter((q) => !q.required).length).toBeLessThanOrEqual(3);
        expect(inputs.filter((q) => q.role === 'kernwoord').length, flow.id).toBe(1);
        expect(inputs.filter((q) => q.role === 'deepen').length, flow.id).toBe(1);
        expect(new Set(p.map((q) => q.phase))).toEqual(new Set(phases));
      }
    }
  });

  it('always leaves room for own words next to the starters, and covers every competency', () => {
    for (const flow of flows) for (const q of flow.questions) if (q.options) expect(q.input, `${flow.id}/${q.id}`).toBe('text');
    const tags = new Set(
      flows.flatMap((f) =>
        f.questions.flatMap((q) => [...q.competencies, ...(q.options ?? []).flatMap((o) => o.competencies ?? [])]),
      ),
    );
    expect([...tags].sort()).toEqual([...competencies].sort());
    for (const s of sectors) expect(flows.some((f) => f.activityType === 'free' && f.sectors.includes(s))).toBe(true);
  });

  it('records signals only from chosen options and the emotion', () => {
    const flow = byId('internship-mbo');
    const check = checkAnswers(flow, {
      feeling: 'bad',
      happened: 'Ik moest de hele dag dozen vouwen.',
      important: 'Afwisseling.',
      'important.choices': 'not-me,switch',
      kernwoord: 'afwisseling',
      'next-step': 'Met mijn loopbaanbegeleider praten.',
      'next-step.choices': 'mentor',
    });
    expect(check.ok && check.signals.sort()).toEqual(['doubt-about-fit', 'wants-to-switch']);
    expect(check.ok && check.competencies).toEqual(['motives', 'work-exploration', 'career-steering', 'networking']);
    const words = checkAnswers(flow, {
      feeling: 'awful',
      happened: 'Ik wil stoppen met deze opleiding',
      important: 'x',
      kernwoord: 'z',
      'next-step': 'y',
    });
    expect(words.ok && words.signals).toEqual(['very-negative']);
  });
});

describe('the lint', () => {
  const problems = (flow: Flow) => lintFlow(flow, 'prompts/test.yaml').map(formatProblem);

  it('rejects a why-question, naming file and question', () => {
    const flow = byId('free');
    flow.questions[1]!.text.nl = 'Waarom ging het zo? Vertel het in je eigen woorden.';
    expect(problems(flow)).toEqual([
      'prompts/test.yaml: question "happened": text (nl) is a why-question in disguise ("Waarom"): ask what happened',
    ]);
    flow.questions[1]!.text.nl = 'Wat gebeurde er op dat moment? Vertel het in je eigen woorden.';
    flow.questions[1]!.placeholder!.en = 'Tell us why';
    expect(problems(flow)[0]).toMatch(/question "happened": placeholder \(en\) is a why-question/);
  });

  it('rejects a flow that does not end in an activate step', () => {
    const flow = byId('free');
    flow.questions = flow.questions.filter((q) => q.phase !== 'activate');
    expect(problems(flow)).toContain(
      'prompts/test.yaml: after a positive emotion the flow does not end in an activate step (it ends with "explore")',
    );
  });

  it('rejects more than 4 inputs on a path', () => {
    const flow = byId('free');
    flow.questions.splice(2, 0, { ...flow.questions[1]!, id: 'more' }, { ...flow.questions[1]!, id: 'more2' });
    expect(problems(flow).join('\n')).toMatch(
      /after a positive emotion the student gets 5 required and 3 optional inputs \(happened, more, more2, good-at, broaden, kernwoord, explore, next-step\); at most 4 required and 3 optional/,
    );
  });

  it('rejects a question over 140 characters, and one with two questions in it', () => {
    const flow = byId('free');
    const explore = flow.questions.find((q) => q.id === 'explore')!;
    explore.text.en = `${'Very '.repeat(28)}long?`;
    expect(problems(flow)).toContain('prompts/test.yaml: question "explore": text (en) is over 140 characters');
    explore.text.en = 'What next? And then?';
    expect(problems(flow)).toContain('prompts/test.yaml: question "explore": text (en) asks more than one question');
  });

  it('rejects markup and links in flow texts', () => {
    const flow = byId('free');
    flow.questions[2]!.options![0]!.text.nl = 'Klik [hier](https://evil.example)';
    expect(problems(flow)[0]).toMatch(/question "good-at": option "helping" \(nl\) contains markup or a link/);
  });

  it('rejects a flow that does not open with the emotion or does not branch', () => {
    const noBranch = byId('free');
    noBranch.questions = noBranch.questions.filter((q) => q.id !== 'important');
    expect(problems(noBranch).join('\n')).toMatch(/after a negative emotion there is no reflect question about motives/);
    const late = byId('free');
    late.questions.push(late.questions.shift()!);
    expect(problems(late).join('\n')).toMatch(/opens with exactly one emotion question/);
  });

  it('rejects a library that misses a competency', () => {
    const entries = shipped.entries.map((e) => ({
      ...e,
      flow: {
        ...e.flow,
        questions: e.flow.questions.map((q) => ({ ...q, options: q.options?.map((o) => ({ ...o, competencies: undefined })) })),
      },
    }));
    const withoutNetworking = entries.filter(
      (e) =>
        !e.flow.questions.some((q) => q.competencies.includes('networking')) &&
        !e.flow.preparation?.competencies.includes('networking'),
    );
    const result = checkLibraryOf(withoutNetworking);
    expect(result).toContain('(library): no question covers the competency networking');
  });
});

function checkLibraryOf(entries: Parameters<typeof lintLibrary>[0]): string[] {
  return lintLibrary(entries).map(formatProblem);
}

describe("a school's own flows", () => {
  const dirs: string[] = [];
  const folder = (files: Record<string, unknown>) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lob-flows-'));
    dirs.push(dir);
    for (const [name, content] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), typeof content === 'string' ? content : stringify(content));
    }
    return dir;
  };
  afterEach(() => {
    for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  });

  it('are added, and replace the shipped flow for their activity and sector', () => {
    const own = { ...byId('open-day-vo'), id: 'open-day-school', title: { nl: 'Onze open dag', en: 'Our open day' } };
    const catalog = loadLibrary({ schoolDir: folder({ 'open-day.yaml': own }) });
    expect(catalog.forActivity('open-day', 'vo')?.id).toBe('open-day-school');
    expect(catalog.forActivity('open-day', 'mbo')?.id).toBe('open-day-mbo');
    expect(
      catalog
        .forSector('vo')
        .filter((f) => f.activityType === 'open-day')
        .map((f) => f.id),
    ).toEqual(['open-day-school']);
  });

  it('pass the same lint or stop the start with one line naming file and question', () => {
    const bad = byId('shadow-day-vo');
    bad.id = 'school-shadow';
    bad.questions[1]!.text.en = 'Why did you go there? Tell it in your own words.';
    const dir = folder({ 'shadow.yaml': bad });
    expect(() => loadLibrary({ schoolDir: dir })).toThrow(FlowLoadError);
    try {
      loadLibrary({ schoolDir: dir });
    } catch (err) {
      expect((err as Error).message).toBe(
        `${path.join(dir, 'shadow.yaml')}: question "happened": text (en) is a why-question in disguise ("Why"): ask what happened`,
      );
    }
  });

  it('name the question in schema errors: a missing language and an unknown competency', () => {
    const flow = byId('free') as unknown as { id: string; questions: { text: Record<string, string>; competencies: string[] }[] };
    flow.id = 'school-free';
    delete flow.questions[1]!.text['en'];
    expect(() => loadLibrary({ schoolDir: folder({ 'a.yaml': flow }) })).toThrow(
      /a\.yaml: question "happened": text: missing language en/,
    );
    const other = byId('free') as unknown as typeof flow;
    other.id = 'school-free';
    other.questions[1]!.competencies = ['ambition'];
    expect(() => loadLibrary({ schoolDir: folder({ 'b.yaml': other }) })).toThrow(
      /b\.yaml: question "happened": unknown competency tag "ambition" \(known: qualities, motives/,
    );
    expect(() => loadLibrary({ schoolDir: folder({ 'c.yaml': 'id: [unclosed' }) })).toThrow(/c\.yaml: not valid YAML/);
    expect(() => loadLibrary({ schoolDir: path.join(os.tmpdir(), 'no-such-folder-lob') })).toThrow(/does not exist/);
  });
});
