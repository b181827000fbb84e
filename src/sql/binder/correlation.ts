/**
 * Whether a subquery reads columns of an enclosing query level. An uncorrelated subquery gives the same rows
 * for every outer row, so the executor runs it once per statement instead of once per row.
 */
import type { BoundExpression, BoundFromItem, BoundQuery } from './bound.js';
import { childrenOf } from './walk.js';

/** True when `query` (nested `depth` levels below the level that asks) references a level outside itself. */
export function isCorrelated(query: BoundQuery, depth = 0): boolean {
  const outside = (expression: BoundExpression | undefined): boolean =>
    expression !== undefined && referencesOutside(expression, depth);
  switch (query.kind) {
    case 'select':
      return (
        (query.from !== undefined && fromIsCorrelated(query.from, depth)) ||
        outside(query.where) ||
        query.targets.some((target) => outside(target.expression)) ||
        (query.grouping !== undefined &&
          (query.grouping.keys.some(outside) ||
            query.grouping.aggregates.some(outside) ||
            outside(query.grouping.having))) ||
        outside(query.limit.limit) ||
        outside(query.limit.offset)
      );
    case 'values':
      return query.rows.some((row) => row.some(outside)) || outside(query.limit.limit) || outside(query.limit.offset);
    case 'setOperation':
      return isCorrelated(query.left, depth) || isCorrelated(query.right, depth);
  }
}

function fromIsCorrelated(item: BoundFromItem, depth: number): boolean {
  switch (item.kind) {
    case 'table':
      return false;
    case 'function':
      return item.arguments.some((argument) => referencesOutside(argument, depth));
    case 'subquery':
      // A FROM subquery is bound in the enclosing scope (no LATERAL), so its levels line up with this one's.
      return isCorrelated(item.query, depth);
    case 'join':
      return (
        fromIsCorrelated(item.left, depth) ||
        fromIsCorrelated(item.right, depth) ||
        (item.condition !== undefined && referencesOutside(item.condition, depth))
      );
  }
}

/** A column `levelsUp` above a node `depth` levels below the asking query is outside when levelsUp > depth. */
function referencesOutside(expression: BoundExpression, depth: number): boolean {
  if (expression.kind === 'column') return expression.levelsUp > depth;
  if (expression.kind === 'subquery') {
    if (isCorrelated(expression.query, depth + 1)) return true;
  }
  return childrenOf(expression).some((child) => referencesOutside(child, depth));
}
