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
/** A template node made ready once: what it gives for a scope (undefined: left out). */
type Compiled = (scope: Scope) => Json | undefined;

// A template is walked once into closures and kept (templates are loaded once and never changed): a
// digest draws the same student template for thousands of sections. Expressions are still parsed when
// first evaluated, so a bad one in a branch never drawn fails as late as it always did.
const compiledTemplates = new WeakMap<object, Compiled>();

export function expand(template: unknown, data: unknown): Json {
  let compiled = template && typeof template === 'object' ? compiledTemplates.get(template) : undefined;
  if (!compiled) {
    compiled = compile(template);
    if (template && typeof template === 'object') compiledTemplates.set(template, compiled);
  }
  const out = compiled({ data, root: data });
  return out === undefined ? null : out;
}

function compile(value: unknown): Compiled {
  if (typeof value === 'string') return compileString(value);
  if (Array.isArray(value)) return compileArray(value);
  if (value && typeof value === 'object') return compileObject(value as Record<string, unknown>);
  return () => value as Json;
}

function compileArray(value: readonly unknown[]): Compiled {
  const parts = value.map((item): { repeat: (scope: Scope) => unknown; each: Compiled } | Compiled => {
    if (item && typeof item === 'object' && !Array.isArray(item) && '$data' in item) {
      const source = (item as Record<string, unknown>)['$data'];
      const { $data: _ignored, ...rest } = item as Record<string, unknown>;
      return {
        repeat: typeof source === 'string' ? (scope) => evaluateString(source, scope) : () => source,
        each: compileObject(rest),
      };
    }
    return compile(item);
  });
  return (scope) => {
    const out: Json[] = [];
    for (const part of parts) {
      if (typeof part === 'function') {
        const expanded = part(scope);
        if (expanded !== undefined) out.push(expanded);
        continue;
      }
      const list = part.repeat(scope);
      const items = Array.isArray(list) ? list : list === undefined || list === null ? [] : [list];
      items.forEach((entry, index) => {
        const expanded = part.each({ data: entry, root: scope.root, index });
        if (expanded !== undefined) out.push(expanded);
      });
    }
    return out;
  };
}

function compileObject(obj: Record<string, unknown>): Compiled {
  const when = obj['$when'];
  const test =
    '$when' in obj ? (typeof when === 'string' ? (scope: Scope) => evaluateString(when, scope) : () => when) : undefined;
  const fields = Object.entries(obj)
    .filter(([k]) => k !== '$when')
    .map(([k, v]) => [k, compile(v)] as const);
  return (scope) => {
    if (test && !truthy(test(scope))) return undefined;
    const out: { [key: string]: Json } = {};
    for (const [k, field] of fields) {
      const expanded = field(scope);
      if (expanded !== undefined) out[k] = expanded;
    }
    return out;
  };
}

const whole = /^\$\{([^{}]*)\}$/;

function evaluateString(text: string, scope: Scope): unknown {
  const m = whole.exec(text);
  return m ? evaluate(m[1] ?? '', scope) : text;
}

function compileString(text: string): Compiled {
  if (!text.includes('${')) return () => text;
  const m = whole.exec(text);
  if (m) {
    const expr = m[1] ?? '';
    return (scope) => {
      const v = evaluate(expr, scope);
      return v === undefined ? undefined : (v as Json);
    };
  }
  // Literal text and expressions in turn, as the interpolation pattern splits them.
  const literals: string[] = [];
  const exprs: string[] = [];
  let last = 0;
  for (const hit of text.matchAll(/\$\{([^{}]*)\}/g)) {
    literals.push(text.slice(last, hit.index));
    exprs.push(hit[1] ?? '');
    last = hit.index + hit[0].length;
  }
  const tail = text.slice(last);
  return (scope) => {
    let out = '';
    for (let i = 0; i < exprs.length; i++) {
      const v = evaluate(exprs[i]!, scope);
      out += literals[i]! + (v === undefined || v === null ? '' : String(v));
    }
    return out + tail;
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

type Expr = (scope: Scope) => unknown;

/** Each expression parsed once into a closure; one that does not parse is not kept, and throws each time. */
const exprCache = new Map<string, Expr>();

export function evaluate(expr: string, scope: Scope): unknown {
  let compiled = exprCache.get(expr);
  if (!compiled) {
    compiled = parse(expr);
    exprCache.set(expr, compiled);
  }
  return compiled(scope);
}

function parse(expr: string): Expr {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  // Both sides of || and && are evaluated, as the template language does; neither has side effects.
  const orExpr = (): Expr => {
    let left = andExpr();
    while (peek()?.text === '||') {
      pos++;
      const a = left;
      const b = andExpr();
      left = (scope) => {
        const x = a(scope);
        const y = b(scope);
        return truthy(x) ? x : y;
      };
    }
    return left;
  };
  const andExpr = (): Expr => {
    let left = eqExpr();
    while (peek()?.text === '&&') {
      pos++;
      const a = left;
      const b = eqExpr();
      left = (scope) => {
        const x = a(scope);
        const y = b(scope);
        return truthy(x) ? y : x;
      };
    }
    return left;
  };
  const eqExpr = (): Expr => {
    const left = unary();
    const op = peek();
    if (op?.text === '==' || op?.text === '!=') {
      pos++;
      const right = unary();
      return op.text === '==' ? (scope) => left(scope) === right(scope) : (scope) => left(scope) !== right(scope);
    }
    return left;
  };
  const unary = (): Expr => {
    if (peek()?.text === '!') {
      pos++;
      const operand = unary();
      return (scope) => !truthy(operand(scope));
    }
    return primary();
  };
  const primary = (): Expr => {
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
    if (tok.kind === 'path') return pathOf(tok.text);
    throw new Error(`unexpected "${tok.text}" in template expression: ${expr}`);
  };
  const value = orExpr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]?.text}" in template expression: ${expr}`);
  return value;
}

/** A path, split once: the bound data's own properties only. */
function pathOf(path: string): Expr {
  if (path === 'true') return () => true;
  if (path === 'false') return () => false;
  if (path === 'null') return () => null;
  const parts = path.split('.');
  const head = parts[0];
  if (head === '$index') return (scope) => scope.index;
  const fromRoot = head === '$root';
  const rest = fromRoot || head === '$data' ? parts.slice(1) : parts;
  return (scope) => {
    let current = fromRoot ? scope.root : scope.data;
    for (const part of rest) {
      if (current === null || current === undefined || typeof current !== 'object') return undefined;
      if (!Object.hasOwn(current, part)) return undefined;
      current = (current as Record<string, unknown>)[part];
    }
    return current;
  };
}
