/**
 * Restrictions of a subquery in FROM pushed into it, as PostgreSQL 16 does (allpaths.c set_subquery_pathlist,
 * subquery_is_pushdown_safe, qual_is_pushdown_safe, subquery_push_qual) or as its pull-up of a simple subquery
 * amounts to: `SELECT … FROM (SELECT … FROM t) s WHERE s.seq = 'ACGT'` restricts t's scan to `seq = 'ACGT'`,
 * which prunes a partitioned t (partition-pruning.ts).
 *
 * A restriction goes in when the subquery may take it — it has no LIMIT / OFFSET, is not an EXCEPT, and every
 * branch of a UNION / INTERSECT is a SELECT (a VALUES branch is not taken here) whose column types equal the set
 * operation's — and the restriction itself is safe: it reads columns of the subquery, none computed by a
 * set-returning function, a volatile function or a subquery, and holds no subquery or volatile function itself.
 * Its column references are replaced by the subquery's target expressions; it joins the WHERE clause of each
 * SELECT (of each branch of a set operation), or HAVING when it reads an aggregate's result. The others stay on
 * the Subquery Scan.
 */
import { KmerSearchError, SqlState } from '../errors.js';
import * as ast from './ast.js';
import type { BoundExpression, BoundQuery, BoundSelect, OutputColumn } from './binder/bound.js';
import { mapChildren, someNode } from './binder/walk.js';
import {
  type Conjunct,
  containsSubquery,
  containsVolatileFunction,
  filterConjuncts,
  filterOfConjuncts,
  localColumns,
} from './conjuncts.js';

/** The query with the restrictions it may take pushed in, and the restrictions it may not. */
export function pushIntoSubquery(query: BoundQuery, restrictions: readonly Conjunct[]): { readonly query: BoundQuery; readonly remaining: readonly Conjunct[] } {
  const safe = safeColumns(query, query.columns);
  if (safe === undefined || restrictions.length === 0) return { query, remaining: restrictions };
  const pushed: Conjunct[] = [];
  const remaining: Conjunct[] = [];
  for (const restriction of restrictions) {
    const condition = restriction.condition;
    const columns = localColumns(condition);
    const pushable = columns.length > 0 && columns.every((column) => safe[column] === true) && !containsSubquery(condition) && !containsVolatileFunction(condition);
    (pushable ? pushed : remaining).push(restriction);
  }
  return pushed.length === 0 ? { query, remaining } : { query: pushConjuncts(query, pushed), remaining };
}

/**
 * Which output columns a restriction may read for the query to take it, or undefined when it takes none
 * (subquery_is_pushdown_safe, check_output_expressions and compare_tlist_datatypes against `columns`, the
 * outermost set operation's).
 */
function safeColumns(query: BoundQuery, columns: readonly OutputColumn[]): boolean[] | undefined {
  if (query.limit.limit !== undefined || query.limit.offset !== undefined) return undefined;
  const sameType = (column: OutputColumn | undefined, index: number): boolean => {
    const wanted = columns[index];
    return column !== undefined && wanted !== undefined && column.type.id === wanted.type.id && column.type.modifier === wanted.type.modifier;
  };
  switch (query.kind) {
    case 'values':
      return undefined;
    case 'select':
      return query.columns.map((column, index) => {
        const target = query.targets[index]?.expression;
        if (target === undefined || !sameType(column, index)) return false;
        return !containsSubquery(target) && !containsVolatileFunction(target) && !someNode(target, (node) => node.kind === 'setFunction');
      });
    case 'setOperation': {
      if (query.operator === 'except') return undefined;
      const left = safeColumns(query.left, columns);
      const right = safeColumns(query.right, columns);
      if (left === undefined || right === undefined) return undefined;
      return columns.map((_, index) => left[index] === true && right[index] === true);
    }
  }
}

function pushConjuncts(query: BoundQuery, conjuncts: readonly Conjunct[]): BoundQuery {
  switch (query.kind) {
    case 'values':
      return query;
    case 'setOperation':
      return Object.freeze({ ...query, left: pushConjuncts(query.left, conjuncts), right: pushConjuncts(query.right, conjuncts) });
    case 'select':
      return pushIntoSelect(query, conjuncts);
  }
}

function pushIntoSelect(select: BoundSelect, conjuncts: readonly Conjunct[]): BoundSelect {
  const where: Conjunct[] = filterConjuncts(select.where === undefined ? undefined : { condition: select.where, syntax: select.whereSyntax });
  const grouping = select.grouping;
  const having: Conjunct[] = filterConjuncts(grouping?.having === undefined ? undefined : { condition: grouping.having, syntax: grouping.havingSyntax });
  for (const conjunct of conjuncts) {
    const substituted = substitute(conjunct, select);
    if (grouping === undefined) {
      where.push(substituted);
      continue;
    }
    // With grouping the targets read the aggregate rows [keys…, aggregate results…]. A condition on the keys
    // alone moves to WHERE (subquery_planner moves such HAVING quals when there is a GROUP BY); one on an
    // aggregate's result, or without GROUP BY, stays in HAVING.
    const keys = grouping.keys;
    const readsAggregate = localColumns(substituted.condition).some((column) => column >= keys.length);
    if (readsAggregate || keys.length === 0) having.push(substituted);
    else where.push({ condition: onInputRows(substituted.condition, keys), syntax: substituted.syntax });
  }
  const whereFilter = filterOfConjuncts(where);
  const havingFilter = filterOfConjuncts(having);
  return Object.freeze({
    ...select,
    where: whereFilter?.condition,
    whereSyntax: whereFilter?.syntax,
    grouping: grouping === undefined ? undefined : Object.freeze({ ...grouping, having: havingFilter?.condition, havingSyntax: havingFilter?.syntax }),
  });
}

/** The conjunct with each column of the subquery replaced by the target that computes it (bound and as written). */
function substitute(conjunct: Conjunct, select: BoundSelect): Conjunct {
  const writtenAt = new Map<number, ast.Expression>();
  let written = true;
  const visit = (node: BoundExpression): BoundExpression => {
    if (node.kind !== 'column' || node.levelsUp !== 0) return mapChildren(node, visit);
    const target = select.targets[node.index];
    if (target === undefined) throw new KmerSearchError(SqlState.internalError, `no target ${node.index} in a subquery`);
    if (target.syntax === undefined || node.location < 0) written = false;
    else writtenAt.set(node.location, target.syntax);
    return target.expression;
  };
  const condition = visit(conjunct.condition);
  const syntax = written && conjunct.syntax !== undefined ? ast.mapColumnReferences(conjunct.syntax, (reference) => writtenAt.get(reference.location) ?? reference) : conjunct.syntax;
  return Object.freeze({ condition, syntax });
}

/** An expression on aggregate rows that reads only the keys, as the same expression on the input rows. */
function onInputRows(expression: BoundExpression, keys: readonly BoundExpression[]): BoundExpression {
  const visit = (node: BoundExpression): BoundExpression =>
    node.kind === 'column' && node.levelsUp === 0 ? (keys[node.index] as BoundExpression) : mapChildren(node, visit);
  return visit(expression);
}
