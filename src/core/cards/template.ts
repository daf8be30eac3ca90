// A small, fast subset of the Adaptive Card Templating language, enough for the templates in cards/:
//   "${path}"            the bound value itself (any JSON type) when the whole string is one expression
//   "a ${path} b"        string interpolation
//   "$when": "${expr}"   keep the element only when expr is truthy
//   "$data": "${path}"   on an array element: repeat it for every item, with the item as the scope
// Expressions: paths (a.b.c, $root.x, $index), string/number/true/false literals, !, ==, !=, &&, ||, ().
// Values are substituted as JSON values, never spliced into JSON text, so bound data cannot change a
// card's structure.

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Scope = { data: unknown; root: unknown; index?: number };

// A template is compiled once into functions (kept per template object: templates are parsed once and
// never changed) and each render only runs them. Interpreting the JSON on every render walked every key
// and tested every string for expressions again, for every card the bot answers with.

type Render = (scope: Scope) => Json | undefined;
const compiled = new WeakMap<object, Render>();

export function expand(template: unknown, data: unknown): Json {
  let render = template && typeof template === 'object' ? compiled.get(template) : undefined;
  if (!render) {
    render = compile(template);
    if (template && typeof template === 'object') compiled.set(template, render);
  }
  const out = render({ data, root: data });
  return out === undefined ? null : out;
}

function compile(value: unknown): Render {
  if (typeof value === 'string') return compileString(value);
  if (Array.isArray(value)) return compileArray(value);
  if (value && typeof value === 'object') return compileObject(value as Record<string, unknown>);
  const constant = value as Json;
  return () => constant;
}

type Element = { repeat?: (scope: Scope) => unknown; render: Render };

function compileArray(value: readonly unknown[]): Render {
  const elements: Element[] = value.map((item) => {
    if (item && typeof item === 'object' && !Array.isArray(item) && '$data' in item) {
      const source = (item as Record<string, unknown>)['$data'];
      const { $data: _ignored, ...rest } = item as Record<string, unknown>;
      return { repeat: typeof source === 'string' ? compileValue(source) : () => source, render: compile(rest) };
    }
    return { render: compile(item) };
  });
  return (scope) => {
    const out: Json[] = [];
    for (const { repeat, render } of elements) {
      if (!repeat) {
        const expanded = render(scope);
        if (expanded !== undefined) out.push(expanded);
        continue;
      }
      const list = repeat(scope);
      const items = Array.isArray(list) ? list : list === undefined || list === null ? [] : [list];
      items.forEach((entry, index) => {
        const expanded = render({ data: entry, root: scope.root, index });
        if (expanded !== undefined) out.push(expanded);
      });
    }
    return out;
  };
}

function compileObject(obj: Record<string, unknown>): Render {
  const when = '$when' in obj ? (typeof obj['$when'] === 'string' ? compileValue(obj['$when']) : () => obj['$when']) : undefined;
  const fields = Object.entries(obj)
    .filter(([k]) => k !== '$when')
    .map(([k, v]) => [k, compile(v)] as const);
  return (scope) => {
    if (when && !truthy(when(scope))) return undefined;
    const out: { [key: string]: Json } = {};
    for (const [k, render] of fields) {
      const expanded = render(scope);
      if (expanded !== undefined) out[k] = expanded;
    }
    return out;
  };
}

const whole = /^\$\{([^{}]*)\}$/;

/** `$when` and `$data`: one whole expression gives its value; any other text is itself. */
function compileValue(text: string): (scope: Scope) => unknown {
  const m = whole.exec(text);
  if (!m) return () => text;
  const expr = compiledExpression(m[1] ?? '');
  return (scope) => expr(scope);
}

function compileString(text: string): Render {
  if (!text.includes('${')) return () => text;
  const m = whole.exec(text);
  if (m) {
    const expr = compiledExpression(m[1] ?? '');
    return (scope) => {
      const v = expr(scope);
      return v === undefined ? undefined : (v as Json);
    };
  }
  // Literal text and expressions in turn: parts[0], expr 0, parts[1], expr 1, …
  const parts: string[] = [];
  const exprs: ((scope: Scope) => unknown)[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$\{([^{}]*)\}/g)) {
    parts.push(text.slice(last, match.index));
    exprs.push(compiledExpression(match[1] ?? ''));
    last = match.index + match[0].length;
  }
  parts.push(text.slice(last));
  return (scope) => {
    let out = parts[0]!;
    for (let i = 0; i < exprs.length; i++) {
      const v = exprs[i]!(scope);
      out += (v === undefined || v === null ? '' : String(v)) + parts[i + 1]!;
    }
    return out;
  };
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

// --- expressions ---------------------------------------------------------------------------------

type Token = { kind: 'path' | 'string' | 'number' | 'op' | 'paren'; text: string };

function tokenize(expr: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < expr.length) {
    const c = expr[i] as string;
    if (/\s/.test(c)) {
      i++;
    } else if (c === "'" || c === '"') {
      const end = expr.indexOf(c, i + 1);
      if (end < 0) throw new Error(`unterminated string in template expression: ${expr}`);
      tokens.push({ kind: 'string', text: expr.slice(i + 1, end) });
      i = end + 1;
    } else if (/[0-9]/.test(c)) {
      const m = /^[0-9]+(\.[0-9]+)?/.exec(expr.slice(i));
      tokens.push({ kind: 'number', text: m?.[0] ?? c });
      i += m?.[0].length ?? 1;
    } else if (/[A-Za-z_$]/.test(c)) {
      const m = /^[A-Za-z_$][A-Za-z0-9_$]*(\.[A-Za-z0-9_$]+)*/.exec(expr.slice(i));
      tokens.push({ kind: 'path', text: m?.[0] ?? c });
      i += m?.[0].length ?? 1;
    } else if (c === '(' || c === ')') {
      tokens.push({ kind: 'paren', text: c });
      i++;
    } else {
      const two = expr.slice(i, i + 2);
      if (two === '==' || two === '!=' || two === '&&' || two === '||') {
        tokens.push({ kind: 'op', text: two });
        i += 2;
      } else if (c === '!') {
        tokens.push({ kind: 'op', text: '!' });
        i++;
      } else {
        throw new Error(`unexpected "${c}" in template expression: ${expr}`);
      }
    }
  }
  return tokens;
}

type Evaluate = (scope: Scope) => unknown;
const expressions = new Map<string, Evaluate>();

/** Evaluates one expression (compiled once per expression text). */
export function evaluate(expr: string, scope: Scope): unknown {
  return compiledExpression(expr)(scope);
}

/**
 * An expression as a function of the scope. A malformed one throws when it is evaluated, as before it was
 * compiled: a template branch that is never shown does not fail.
 */
function compiledExpression(expr: string): Evaluate {
  let fn = expressions.get(expr);
  if (!fn) {
    try {
      fn = parse(expr);
    } catch (err) {
      fn = () => {
        throw err;
      };
    }
    expressions.set(expr, fn);
  }
  return fn;
}

function parse(expr: string): Evaluate {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  // Both sides are always evaluated (as the interpreter did); evaluation reads only, so that is the same.
  const orExpr = (): Evaluate => {
    let left = andExpr();
    while (peek()?.text === '||') {
      pos++;
      const l = left;
      const r = andExpr();
      left = (s) => {
        const a = l(s);
        const b = r(s);
        return truthy(a) ? a : b;
      };
    }
    return left;
  };
  const andExpr = (): Evaluate => {
    let left = eqExpr();
    while (peek()?.text === '&&') {
      pos++;
      const l = left;
      const r = eqExpr();
      left = (s) => {
        const a = l(s);
        const b = r(s);
        return truthy(a) ? b : a;
      };
    }
    return left;
  };
  const eqExpr = (): Evaluate => {
    const left = unary();
    const op = peek();
    if (op?.text === '==' || op?.text === '!=') {
      pos++;
      const right = unary();
      return op.text === '==' ? (s) => left(s) === right(s) : (s) => left(s) !== right(s);
    }
    return left;
  };
  const unary = (): Evaluate => {
    if (peek()?.text === '!') {
      pos++;
      const inner = unary();
      return (s) => !truthy(inner(s));
    }
    return primary();
  };
  const primary = (): Evaluate => {
    const tok = tokens[pos++];
    if (!tok) throw new Error(`incomplete template expression: ${expr}`);
    if (tok.kind === 'string') {
      const text = tok.text;
      return () => text;
    }
    if (tok.kind === 'number') {
      const n = Number(tok.text);
      return () => n;
    }
    if (tok.text === '(') {
      const v = orExpr();
      if (tokens[pos++]?.text !== ')') throw new Error(`missing ) in template expression: ${expr}`);
      return v;
    }
    if (tok.kind === 'path') return resolver(tok.text);
    throw new Error(`unexpected "${tok.text}" in template expression: ${expr}`);
  };
  const value = orExpr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]?.text}" in template expression: ${expr}`);
  return value;
}

function resolver(path: string): Evaluate {
  if (path === 'true') return () => true;
  if (path === 'false') return () => false;
  if (path === 'null') return () => null;
  const parts = path.split('.');
  const head = parts[0];
  if (head === '$index') return (scope) => scope.index;
  const fromRoot = head === '$root';
  if (fromRoot || head === '$data') parts.shift();
  return (scope) => {
    let current: unknown = fromRoot ? scope.root : scope.data;
    for (const part of parts) {
      if (current === null || current === undefined || typeof current !== 'object') return undefined;
      if (!Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}
