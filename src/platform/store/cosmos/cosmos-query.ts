import type { SqlParameter } from '@azure/cosmos';
import { assertFieldName, type Condition, isRange, type Query } from '../document-store.ts';

// The store contract's queries as Cosmos DB SQL: each value a named parameter; field names, checked as
// plain identifiers, are the only outside text in a query.

/** The query text and its parameters for `SELECT <select> FROM c` with the query's filters, order and limit. */
export function cosmosSql(select: string, query: Query): { text: string; parameters: SqlParameter[] } {
  const parameters: SqlParameter[] = [];
  const param = (value: unknown): string => {
    const name = `@p${parameters.length}`;
    parameters.push({ name, value: value as SqlParameter['value'] });
    return name;
  };
  const clauses: string[] = [];
  if (query.pk !== undefined) clauses.push(`c.pk = ${param(query.pk)}`);
  for (const [field, cond] of Object.entries(query.where ?? {})) clauses.push(condition(field, cond, param));
  const top = query.limit !== undefined ? `TOP ${Math.max(0, Math.floor(query.limit))} ` : '';
  let text = `SELECT ${top}${select} FROM c`;
  if (clauses.length) text += ` WHERE ${clauses.join(' AND ')}`;
  if (query.orderBy) {
    assertFieldName(query.orderBy.field);
    text += ` ORDER BY c.${query.orderBy.field} ${query.orderBy.direction === 'desc' ? 'DESC' : 'ASC'}`;
  }
  return { text, parameters };
}

function condition(field: string, cond: Condition, param: (v: unknown) => string): string {
  assertFieldName(field);
  const f = `c.${field}`;
  if (cond === null) return `(NOT IS_DEFINED(${f}) OR IS_NULL(${f}))`;
  if (typeof cond !== 'object') return `${f} = ${param(cond)}`;
  if ('in' in cond) {
    if (cond.in.length === 0) return 'false';
    return `${f} IN (${cond.in.map((v) => param(v)).join(', ')})`;
  }
  if ('ne' in cond) return `(NOT IS_DEFINED(${f}) OR IS_NULL(${f}) OR ${f} != ${param(cond.ne)})`;
  if (!isRange(cond)) throw new Error(`unsupported condition on ${field}`);
  const parts: string[] = [];
  if (cond.lt !== undefined) parts.push(`${f} < ${param(cond.lt)}`);
  if (cond.lte !== undefined) parts.push(`${f} <= ${param(cond.lte)}`);
  if (cond.gt !== undefined) parts.push(`${f} > ${param(cond.gt)}`);
  if (cond.gte !== undefined) parts.push(`${f} >= ${param(cond.gte)}`);
  return `(${parts.join(' AND ')})`;
}
