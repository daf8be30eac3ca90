import { describe, expect, it } from 'vitest';
import { evaluate, expand } from '../../../src/core/cards/template.ts';

describe('card templating', () => {
  it('binds whole values with their type, and interpolates inside strings', () => {
    expect(expand({ a: '${n}', b: 'x ${n} y', c: '${flag}', d: '${missing}', e: 'keep' }, { n: 3, flag: true })).toEqual({
      a: 3,
      b: 'x 3 y',
      c: true,
      e: 'keep',
    });
  });

  it('repeats $data elements with the item as scope, $root and $index available', () => {
    const tpl = { items: [{ $data: '${rows}', text: '${$index}: ${name} of ${$root.title}' }, { text: 'tail' }] };
    expect(expand(tpl, { title: 'T', rows: [{ name: 'a' }, { name: 'b' }] })).toEqual({
      items: [{ text: '0: a of T' }, { text: '1: b of T' }, { text: 'tail' }],
    });
    expect(expand(tpl, { title: 'T' })).toEqual({ items: [{ text: 'tail' }] });
  });

  it('drops elements whose $when is falsy (empty arrays count as false)', () => {
    const tpl = {
      body: [
        { $when: '${show}', t: 1 },
        { $when: '${list}', t: 2 },
        { $when: "${kind == 'x' && !hidden}", t: 3 },
      ],
    };
    expect(expand(tpl, { show: false, list: [], kind: 'x', hidden: false })).toEqual({ body: [{ t: 3 }] });
    expect(expand(tpl, { show: 1, list: [1], kind: 'y' })).toEqual({ body: [{ t: 1 }, { t: 2 }] });
  });

  it('evaluates the expression subset', () => {
    const scope = { data: { a: 'x', b: '', n: 2, o: { p: { q: 'deep' } } }, root: {} };
    expect(evaluate("a == 'x'", scope)).toBe(true);
    expect(evaluate("a != 'x' || n == 2", scope)).toBe(true);
    expect(evaluate('!(b) && o.p.q', scope)).toBe('deep');
    expect(evaluate('o.missing.deeper', scope)).toBeUndefined();
    expect(evaluate('constructor', scope)).toBeUndefined(); // only own properties
    expect(() => evaluate('a ==', scope)).toThrow(/incomplete/);
    expect(() => evaluate('a + 1', scope)).toThrow(/unexpected/);
  });

  it('never lets bound text change the card structure', () => {
    const evil = '"}, {"type": "Action.OpenUrl", "url": "https://evil.example"}, {"x": "${t}';
    const out = expand({ body: [{ type: 'TextBlock', text: '${name}' }] }, { name: evil, t: 'leak' });
    expect(out).toEqual({ body: [{ type: 'TextBlock', text: evil }] });
  });

  it('reads a template once: later renders run the compiled template and do not walk its JSON again', () => {
    // Every read of the template's keys and values is counted through a proxy around each of its objects.
    let reads = 0;
    const watched = (value: unknown): unknown => {
      if (!value || typeof value !== 'object') return value;
      return new Proxy(value as object, {
        get: (target, key, receiver) => {
          reads++;
          return watched(Reflect.get(target, key, receiver));
        },
        ownKeys: (target) => {
          reads++;
          return Reflect.ownKeys(target);
        },
        has: (target, key) => {
          reads++;
          return Reflect.has(target, key);
        },
      });
    };
    const tpl = watched({
      body: [
        { type: 'TextBlock', text: '${title}' },
        { $data: '${rows}', type: 'TextRun', text: '${$index}: ${name}' },
        { $when: '${note}', type: 'TextBlock', text: 'note: ${note}' },
      ],
    });
    const first = expand(tpl, { title: 'A', rows: [{ name: 'x' }], note: '' });
    expect(reads).toBeGreaterThan(0);
    reads = 0;
    const second = expand(tpl, { title: 'B', rows: [{ name: 'y' }, { name: 'z' }], note: 'n' });
    expect(reads).toBe(0);
    expect(first).toEqual({
      body: [
        { type: 'TextBlock', text: 'A' },
        { type: 'TextRun', text: '0: x' },
      ],
    });
    expect(second).toEqual({
      body: [
        { type: 'TextBlock', text: 'B' },
        { type: 'TextRun', text: '0: y' },
        { type: 'TextRun', text: '1: z' },
        { type: 'TextBlock', text: 'note: n' },
      ],
    });
  });

  it('gives every render its own objects, and fails on a malformed expression only where it is shown', () => {
    const tpl = {
      body: [
        { type: 'TextBlock', text: '${name}' },
        { $when: '${broken}', text: '${a ==}' },
      ],
    };
    const one = expand(tpl, { name: 'a' }) as { body: { text: string }[] };
    one.body[0]!.text = 'changed';
    expect(expand(tpl, { name: 'b' })).toEqual({ body: [{ type: 'TextBlock', text: 'b' }] });
    expect(() => expand(tpl, { name: 'c', broken: true })).toThrow(/incomplete template expression: a ==/);
    expect(() => evaluate('(a', { data: {}, root: {} })).toThrow(/missing \)/);
  });
});

describe('a template drawn many times', () => {
  it('gives each drawing its own data, and a bad expression fails only where it is drawn', () => {
    const tpl = {
      body: [
        { $data: '${rows}', text: '${name}', $when: '${show}' },
        { $when: '${bad}', t: '${a +}' },
      ],
    };
    expect(expand(tpl, { rows: [{ name: 'a', show: true }, { name: 'b' }] })).toEqual({ body: [{ text: 'a' }] });
    expect(expand(tpl, { rows: [{ name: 'c', show: true }] })).toEqual({ body: [{ text: 'c' }] });
    expect(() => expand(tpl, { rows: [], bad: true })).toThrow(/unexpected/);
    expect(() => expand(tpl, { rows: [], bad: true })).toThrow(/unexpected/);
    expect(expand(tpl, { rows: [{ name: 'd', show: 1 }] })).toEqual({ body: [{ text: 'd' }] });
  });
});
