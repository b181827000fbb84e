/**
 * Generic traversal of bound expressions: visiting and rebuilding children, so that the passes over the bound
 * tree (grouping, fingerprints, constant collection, access analysis) do not each repeat the node catalogue.
 * Subqueries are leaves here: their trees belong to another query level.
 */
import type { BoundExpression } from './bound.js';

/** The direct child expressions of a node, in evaluation order. */
export function childrenOf(expression: BoundExpression): readonly BoundExpression[] {
  switch (expression.kind) {
    case 'constant':
    case 'column':
    case 'clock':
      return [];
    case 'cast':
    case 'not':
    case 'nullTest':
    case 'booleanTest':
    case 'fieldSelect':
      return [expression.operand];
    case 'operator':
      return expression.left === undefined ? [expression.right] : [expression.left, expression.right];
    case 'function':
    case 'sessionFunction':
    case 'and':
    case 'or':
    case 'setFunction':
      return expression.arguments;
    case 'distinctFrom':
      return [expression.left, expression.right];
    case 'case':
      return [...expression.whens.flatMap((when) => [when.condition, when.result]), expression.elseResult];
    case 'in':
      return [expression.operand, ...expression.items.map((item) => item.value)];
    case 'like':
      return expression.escape === undefined
        ? [expression.operand, expression.pattern]
        : [expression.operand, expression.pattern, expression.escape];
    case 'row':
      return expression.fields;
    case 'subquery':
      return expression.comparison === undefined ? [] : [expression.comparison.left];
    case 'aggregate': {
      const children: BoundExpression[] = [];
      if (expression.argument !== undefined) children.push(expression.argument);
      if (expression.delimiter !== undefined) children.push(expression.delimiter);
      if (expression.filter !== undefined) children.push(expression.filter);
      for (const ordering of expression.orderBy) children.push(ordering.expression);
      return children;
    }
  }
}

/** A copy of `expression` with every direct child replaced by `map(child)` (the node itself when none changed). */
export function mapChildren(expression: BoundExpression, map: (child: BoundExpression) => BoundExpression): BoundExpression {
  const same = (children: readonly BoundExpression[]): BoundExpression[] | undefined => {
    const mapped = children.map(map);
    return mapped.every((child, index) => child === children[index]) ? undefined : mapped;
  };
  switch (expression.kind) {
    case 'constant':
    case 'column':
    case 'clock':
      return expression;
    case 'cast':
    case 'not':
    case 'nullTest':
    case 'booleanTest':
    case 'fieldSelect': {
      const operand = map(expression.operand);
      return operand === expression.operand ? expression : Object.freeze({ ...expression, operand });
    }
    case 'operator': {
      const left = expression.left === undefined ? undefined : map(expression.left);
      const right = map(expression.right);
      return left === expression.left && right === expression.right ? expression : Object.freeze({ ...expression, left, right });
    }
    case 'function':
    case 'sessionFunction':
    case 'and':
    case 'or':
    case 'setFunction': {
      const mapped = same(expression.arguments);
      return mapped === undefined ? expression : Object.freeze({ ...expression, arguments: Object.freeze(mapped) });
    }
    case 'distinctFrom': {
      const left = map(expression.left);
      const right = map(expression.right);
      return left === expression.left && right === expression.right ? expression : Object.freeze({ ...expression, left, right });
    }
    case 'case': {
      const whens = expression.whens.map((when) => ({ condition: map(when.condition), result: map(when.result) }));
      const elseResult = map(expression.elseResult);
      const unchanged =
        elseResult === expression.elseResult &&
        whens.every((when, index) => when.condition === expression.whens[index]?.condition && when.result === expression.whens[index]?.result);
      return unchanged ? expression : Object.freeze({ ...expression, whens: Object.freeze(whens.map((when) => Object.freeze(when))), elseResult });
    }
    case 'in': {
      const operand = map(expression.operand);
      const items = expression.items.map((item) => ({ ...item, value: map(item.value) }));
      const unchanged = operand === expression.operand && items.every((item, index) => item.value === expression.items[index]?.value);
      return unchanged ? expression : Object.freeze({ ...expression, operand, items: Object.freeze(items.map((item) => Object.freeze(item))) });
    }
    case 'like': {
      const operand = map(expression.operand);
      const pattern = map(expression.pattern);
      const escape = expression.escape === undefined ? undefined : map(expression.escape);
      return operand === expression.operand && pattern === expression.pattern && escape === expression.escape
        ? expression
        : Object.freeze({ ...expression, operand, pattern, escape });
    }
    case 'row': {
      const mapped = same(expression.fields);
      return mapped === undefined ? expression : Object.freeze({ ...expression, fields: Object.freeze(mapped) });
    }
    case 'subquery': {
      const comparison = expression.comparison;
      if (comparison === undefined) return expression;
      const left = map(comparison.left);
      return left === comparison.left ? expression : Object.freeze({ ...expression, comparison: Object.freeze({ ...comparison, left }) });
    }
    case 'aggregate': {
      const argument = expression.argument === undefined ? undefined : map(expression.argument);
      const delimiter = expression.delimiter === undefined ? undefined : map(expression.delimiter);
      const filter = expression.filter === undefined ? undefined : map(expression.filter);
      const orderBy = expression.orderBy.map((ordering) => ({ ...ordering, expression: map(ordering.expression) }));
      const unchanged =
        argument === expression.argument &&
        delimiter === expression.delimiter &&
        filter === expression.filter &&
        orderBy.every((ordering, index) => ordering.expression === expression.orderBy[index]?.expression);
      return unchanged
        ? expression
        : Object.freeze({ ...expression, argument, delimiter, filter, orderBy: Object.freeze(orderBy.map((ordering) => Object.freeze(ordering))) });
    }
  }
}

/** True when `predicate` holds for the expression or any node below it (subqueries not entered). */
export function someNode(expression: BoundExpression, predicate: (node: BoundExpression) => boolean): boolean {
  if (predicate(expression)) return true;
  return childrenOf(expression).some((child) => someNode(child, predicate));
}
