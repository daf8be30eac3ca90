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

export function expand(template: unknown, data: unknown): Json {
  const out = node(template, { data, root: data });
  return out === undefined ? null : out;
}

function node(value: unknown, scope: Scope): Json | undefined {
  if (typeof value === 'string') return str(value, scope);
  if (Array.isArray(value)) {
    const out: Json[] = [];
    for (const item of value) {
      if (item && typeof item === 'object' && !Array.isArray(item) && '$data' in item) {
        const source = (item as Record<string, unknown>)['$data'];
        const list = typeof source === 'string' ? evaluateString(source, scope) : source;
        const { $data: _ignored, ...rest } = item as Record<string, unknown>;
        const items = Array.isArray(list) ? list : list === undefined || list === null ? [] : [list];
        items.forEach((entry, index) => {
          const expanded = node(rest, { data: entry, root: scope.root, index });
          if (expanded !== undefined) out.push(expanded);
        });
        continue;
      }
      const expanded = node(item, scope);
      if (expanded !== undefined) out.push(expanded);
    }
    return out;
  }
  if (value && typeof value === 'object') {
    const obj = value as Record<string, unknown>;
    if ('$when' in obj) {
      const cond = typeof obj['$when'] === 'string' ? evaluateString(obj['$when'] as string, scope) : obj['$when'];
      if (!truthy(cond)) return undefined;
    }
    const out: { [key: string]: Json } = {};
    for (const [k, v] of Object.entries(obj)) {
      if (k === '$when') continue;
      const expanded = node(v, scope);
      if (expanded !== undefined) out[k] = expanded;
    }
    return out;
  }
  return value as Json;
}

const whole = /^\$\{([^{}]*)\}$/;

function evaluateString(text: string, scope: Scope): unknown {
  const m = whole.exec(text);
  return m ? evaluate(m[1] ?? '', scope) : text;
}

function str(text: string, scope: Scope): Json | undefined {
  if (!text.includes('${')) return text;
  const m = whole.exec(text);
  if (m) {
    const v = evaluate(m[1] ?? '', scope);
    return v === undefined ? undefined : (v as Json);
  }
  return text.replace(/\$\{([^{}]*)\}/g, (_all, expr: string) => {
    const v = evaluate(expr, scope);
    return v === undefined || v === null ? '' : String(v);
  });
}

function truthy(v: unknown): boolean {
  if (Array.isArray(v)) return v.length > 0;
  return Boolean(v);
}

// --- expressions ---------------------------------------------------------------------------------

type Token = { kind: 'path' | 'string' | 'number' | 'op' | 'paren'; text: string };

const tokenCache = new Map<string, Token[]>();

function tokenize(expr: string): Token[] {
  const cached = tokenCache.get(expr);
  if (cached) return cached;
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
  tokenCache.set(expr, tokens);
  return tokens;
}

export function evaluate(expr: string, scope: Scope): unknown {
  const tokens = tokenize(expr);
  let pos = 0;
  const peek = () => tokens[pos];
  const orExpr = (): unknown => {
    let left = andExpr();
    while (peek()?.text === '||') {
      pos++;
      const right = andExpr();
      left = truthy(left) ? left : right;
    }
    return left;
  };
  const andExpr = (): unknown => {
    let left = eqExpr();
    while (peek()?.text === '&&') {
      pos++;
      const right = eqExpr();
      left = truthy(left) ? right : left;
    }
    return left;
  };
  const eqExpr = (): unknown => {
    const left = unary();
    const op = peek();
    if (op?.text === '==' || op?.text === '!=') {
      pos++;
      const right = unary();
      return op.text === '==' ? left === right : left !== right;
    }
    return left;
  };
  const unary = (): unknown => {
    if (peek()?.text === '!') {
      pos++;
      return !truthy(unary());
    }
    return primary();
  };
  const primary = (): unknown => {
    const tok = tokens[pos++];
    if (!tok) throw new Error(`incomplete template expression: ${expr}`);
    if (tok.kind === 'string') return tok.text;
    if (tok.kind === 'number') return Number(tok.text);
    if (tok.text === '(') {
      const v = orExpr();
      if (tokens[pos++]?.text !== ')') throw new Error(`missing ) in template expression: ${expr}`);
      return v;
    }
    if (tok.kind === 'path') return resolve(tok.text, scope);
    throw new Error(`unexpected "${tok.text}" in template expression: ${expr}`);
  };
  const value = orExpr();
  if (pos !== tokens.length) throw new Error(`unexpected "${tokens[pos]?.text}" in template expression: ${expr}`);
  return value;
}

function resolve(path: string, scope: Scope): unknown {
  if (path === 'true') return true;
  if (path === 'false') return false;
  if (path === 'null') return null;
  const parts = path.split('.');
  let current: unknown;
  const head = parts[0];
  if (head === '$root') {
    current = scope.root;
    parts.shift();
  } else if (head === '$index') {
    return scope.index;
  } else if (head === '$data') {
    current = scope.data;
    parts.shift();
  } else {
    current = scope.data;
  }
  for (const part of parts) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (!Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
