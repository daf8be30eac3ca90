import { assertFieldName, type Condition, isRange } from '../document-store.ts';

// The store contract's queries as SQL over the JSON documents: each field is a json_extract (id and pk
// are columns), each value a bound parameter; field names, checked as plain identifiers, are the only
// outside text in a statement.

export type Param = string | number | null;

export function toParam(v: unknown): Param {
  if (typeof v === 'boolean') return v ? 1 : 0; // json_extract yields 1/0 for JSON booleans
  if (typeof v === 'string' || typeof v === 'number') return v;
  if (v === null || v === undefined) return null;
  throw new Error(`unsupported query value: ${typeof v}`);
}

export function fieldExpr(field: string): string {
  return field === 'id' || field === 'pk' ? field : `json_extract(doc, '$.${field}')`;
}

export function condition(field: string, cond: Condition, params: Param[]): string {
  assertFieldName(field);
  const f = fieldExpr(field);
  if (cond === null) return `${f} IS NULL`;
  if (typeof cond !== 'object') {
    params.push(toParam(cond));
    return `${f} = ?`;
  }
  if ('in' in cond) {
    if (cond.in.length === 0) return '0';
    params.push(...cond.in.map(toParam));
    return `${f} IN (${cond.in.map(() => '?').join(', ')})`;
  }
  if ('ne' in cond) {
    params.push(toParam(cond.ne));
    return `(${f} IS NULL OR ${f} <> ?)`;
  }
  if (!isRange(cond)) throw new Error(`unsupported condition on ${field}`);
  const parts: string[] = [];
  for (const [op, sqlOp] of [
    ['lt', '<'],
    ['lte', '<='],
    ['gt', '>'],
    ['gte', '>='],
  ] as const) {
    const v = cond[op];
    if (v !== undefined) {
      params.push(toParam(v));
      parts.push(`${f} ${sqlOp} ?`);
    }
  }
  return `(${parts.join(' AND ')})`;
}
