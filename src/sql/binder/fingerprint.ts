/**
 * Structural identity of bound expressions: two expressions with the same fingerprint compute the same value
 * from the same row. PostgreSQL matches GROUP BY expressions, ORDER BY expressions and identical aggregate calls
 * with equal(); this is that comparison as a string, so it can key a Map.
 */
import { groupingKey } from '../types.js';
import type { BoundExpression } from './bound.js';
import { childrenOf } from './walk.js';

let subqueryCounter = 0;
const subqueryIds = new WeakMap<object, number>();

function typeKey(expression: BoundExpression): string {
  const modifier = expression.type.modifier === undefined ? '' : JSON.stringify(expression.type.modifier);
  return `${expression.type.id}${modifier}`;
}

/** Node-specific part of the fingerprint (what is not a child expression). */
function ownKey(expression: BoundExpression): string {
  switch (expression.kind) {
    case 'constant':
      return `c:${groupingKey(expression.value, expression.type)}`;
    case 'column':
      return `v:${expression.levelsUp}:${expression.index}`;
    case 'operator':
      return `o:${expression.name}:${expression.left === undefined ? 'prefix' : 'infix'}`;
    case 'function':
      return `f:${expression.function.name}:${expression.function.argumentTypes.map((type) => type.id).join(',')}`;
    case 'setFunction':
      return `s:${expression.function.name}:${expression.function.argumentTypes.map((type) => type.id).join(',')}`;
    case 'sessionFunction':
      return `q:${expression.name}`;
    case 'nullTest':
      return `n:${expression.negated}`;
    case 'booleanTest':
      return `b:${expression.test}:${expression.negated}`;
    case 'distinctFrom':
      return `d:${expression.negated}`;
    case 'in':
      return `i:${expression.negated}`;
    case 'like':
      return `l:${expression.negated}:${expression.caseInsensitive}`;
    case 'fieldSelect':
      return `s:${expression.fieldIndex}`;
    case 'clock':
      return `t:${expression.which}`;
    case 'subquery': {
      // Subqueries are never equal to each other (PostgreSQL compares them, but no query here needs it).
      let id = subqueryIds.get(expression);
      if (id === undefined) {
        id = ++subqueryCounter;
        subqueryIds.set(expression, id);
      }
      return `sub:${id}`;
    }
    case 'aggregate':
      return `a:${expression.name}:${expression.distinct}:${expression.argument === undefined ? '*' : ''}:${expression.filter === undefined ? '' : 'F'}:${expression.orderBy.map((ordering) => `${ordering.descending}${ordering.nullsFirst}`).join(',')}`;
    default:
      return expression.kind;
  }
}

export function fingerprint(expression: BoundExpression): string {
  const children = childrenOf(expression).map(fingerprint);
  return `${ownKey(expression)}/${typeKey(expression)}(${children.join(',')})`;
}
