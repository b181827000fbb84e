/**
 * PostgreSQL's exprLocation: an expression's position is its leftmost token, so `WHERE 1 + 1` points at the
 * first `1` and `'x'::text` at the literal. Errors about a whole expression (wrong type in WHERE, in an INSERT
 * column, in a CASE branch) use it; errors about an operator or a cast point at that token instead.
 */
import type * as ast from '../ast.js';

function leftChild(expression: ast.Expression): ast.Expression | undefined {
  switch (expression.kind) {
    case 'binaryOperation':
    case 'distinctFrom':
      return expression.left;
    case 'quantified':
      return expression.left;
    case 'typeCast':
    case 'nullTest':
    case 'booleanTest':
    case 'between':
    case 'like':
    case 'inList':
    case 'inSubquery':
    case 'fieldSelection':
    case 'fieldStar':
      return expression.operand;
    case 'and':
    case 'or':
      return expression.arguments[0];
    default:
      return undefined;
  }
}

export function leftmostLocation(expression: ast.Expression): number {
  const child = leftChild(expression);
  if (child === undefined) return expression.location;
  return Math.min(expression.location, leftmostLocation(child));
}
