/**
 * The top-level AND conjuncts of a condition (PostgreSQL's implicit-AND qual lists), in the bound and the written
 * form side by side, and what the planner asks of one conjunct: which columns of its query level it reads, whether
 * PostgreSQL's constant folding (eval_const_expressions) makes it a constant, and which columns a NULL in makes it
 * fail (find_nonnullable_rels, for the reduction of outer joins).
 */
import type * as ast from './ast.js';
import type { BoundExpression } from './binder/bound.js';
import { childrenOf, mapChildren, someNode } from './binder/walk.js';
import type { PlanFilter } from './plan.js';
import { type SqlValue, sqlTypes } from './types.js';

export interface Conjunct {
  readonly condition: BoundExpression;
  readonly syntax: ast.Expression | undefined;
}

/** The top-level AND conjuncts of a filter, the bound and the written form side by side. */
export function conjunctsOf(condition: BoundExpression, syntax: ast.Expression | undefined): Conjunct[] {
  // BETWEEN binds to an AND of comparisons but is one conjunct as written: split only where both trees agree.
  if (condition.kind === 'and' && syntax?.kind === 'and' && syntax.arguments.length === condition.arguments.length) {
    return condition.arguments.flatMap((argument, index) => conjunctsOf(argument, syntax.arguments[index]));
  }
  return [{ condition, syntax }];
}

/** The conjuncts of an optional filter (none for no filter). */
export function filterConjuncts(filter: PlanFilter | undefined): Conjunct[] {
  return filter === undefined ? [] : conjunctsOf(filter.condition, filter.syntax);
}

/** The conjuncts as one filter again (a single conjunct stands alone, as PostgreSQL's qual lists print). */
export function filterOfConjuncts(conjuncts: readonly Conjunct[]): PlanFilter | undefined {
  if (conjuncts.length === 0) return undefined;
  if (conjuncts.length === 1) return conjuncts[0] as Conjunct;
  const syntaxes = conjuncts.map((conjunct) => conjunct.syntax);
  const syntax = syntaxes.every((part): part is ast.Expression => part !== undefined)
    ? Object.freeze({ kind: 'and' as const, arguments: Object.freeze(syntaxes), location: -1 })
    : undefined;
  const condition: BoundExpression = Object.freeze({
    kind: 'and',
    type: sqlTypes.bool,
    arguments: Object.freeze(conjuncts.map((conjunct) => conjunct.condition)),
  });
  return Object.freeze({ condition, syntax });
}

/** True when the expression holds a subquery (whose columns of this level sit at other depths). */
export function containsSubquery(expression: BoundExpression): boolean {
  return someNode(expression, (node) => node.kind === 'subquery');
}

/** The positions of the columns of this query level the expression reads (subqueries not entered). */
export function localColumns(expression: BoundExpression): number[] {
  const found: number[] = [];
  const visit = (node: BoundExpression): void => {
    if (node.kind === 'column' && node.levelsUp === 0) found.push(node.index);
    for (const child of childrenOf(node)) visit(child);
  };
  visit(expression);
  return found;
}

/**
 * The expression with every column of this level moved by `delta` positions (for a conjunct evaluated on a part
 * of the row it was bound on). Only for expressions without subqueries, whose own columns of this level are at
 * other depths.
 */
export function shiftColumns(expression: BoundExpression, delta: number): BoundExpression {
  if (delta === 0) return expression;
  const visit = (node: BoundExpression): BoundExpression =>
    node.kind === 'column' && node.levelsUp === 0 ? Object.freeze({ ...node, index: node.index + delta }) : mapChildren(node, visit);
  return visit(expression);
}

/** A conjunct with its columns of this level moved by `delta` positions (see shiftColumns). */
export function shiftConjunct(conjunct: Conjunct, delta: number): Conjunct {
  return delta === 0 ? conjunct : Object.freeze({ condition: shiftColumns(conjunct.condition, delta), syntax: conjunct.syntax });
}

/** No constant: the expression reads a column or something else not known when planning. */
const unknown: unique symbol = Symbol('not constant');

/**
 * The constant PostgreSQL's eval_const_expressions folds the expression to, in the cases that take columns out
 * of a condition: a strict operator, function or cast with a NULL argument is NULL (`seq = NULL`), NOT of a
 * constant, AND with a false argument is false, OR with a true one true, and AND / OR whose other arguments
 * fold away (TRUE in AND, FALSE in OR) to leave only NULL. Expressions of constants alone that PostgreSQL would
 * evaluate (`1 = 2`) are not folded: they read no column either way.
 */
function foldedConstant(expression: BoundExpression): SqlValue | typeof unknown {
  switch (expression.kind) {
    case 'constant':
      return expression.value;
    case 'cast':
      return foldedConstant(expression.operand) === null ? null : unknown;
    case 'operator': {
      const operands = expression.left === undefined ? [expression.right] : [expression.left, expression.right];
      return operands.some((operand) => foldedConstant(operand) === null) ? null : unknown;
    }
    case 'function':
      return expression.function.strict && expression.function.callTyping !== 'coalesce' && expression.arguments.some((argument) => foldedConstant(argument) === null)
        ? null
        : unknown;
    case 'not': {
      const operand = foldedConstant(expression.operand);
      return operand === null ? null : typeof operand === 'boolean' ? !operand : unknown;
    }
    case 'and':
    case 'or': {
      // simplify_and_arguments / simplify_or_arguments: the decisive value wins, the neutral one drops out, and
      // NULL stays as one argument.
      const decisive = expression.kind === 'or';
      let sawNull = false;
      let remaining = 0;
      for (const argument of expression.arguments) {
        const value = foldedConstant(argument);
        if (value === decisive) return decisive;
        if (value === !decisive) continue;
        if (value === null) sawNull = true;
        else remaining++;
      }
      if (remaining > 0) return unknown;
      return sawNull ? null : !decisive;
    }
    case 'nullTest': {
      const operand = foldedConstant(expression.operand);
      if (operand === unknown) return unknown;
      return (operand === null) !== expression.negated;
    }
    case 'in': {
      // A ScalarArrayOpExpr folds only when all of it is constant.
      if (foldedConstant(expression.operand) !== null) return unknown;
      return expression.items.every((item) => item.value.kind === 'constant') ? null : unknown;
    }
    default:
      return unknown;
  }
}

/**
 * True when PostgreSQL folds the conjunct to a constant FALSE or NULL: a condition no row passes, which PostgreSQL
 * does not attach to any relation of the query (a pseudoconstant qual) and which makes what it gates empty.
 */
export function foldsToFalse(expression: BoundExpression): boolean {
  const value = foldedConstant(expression);
  return value === null || value === false;
}

/** True when PostgreSQL folds the conjunct to some constant (it then reads no column). */
export function foldsToConstant(expression: BoundExpression): boolean {
  return foldedConstant(expression) !== unknown;
}

/**
 * The relations (numbered by `relationOf`, from the position of a column of this level) the condition cannot be
 * true for when all their columns are NULL: PostgreSQL's find_nonnullable_rels, on the condition as
 * eval_const_expressions leaves it. `topLevel` is true for a qual list (its AND is the union of its arguments').
 */
export function nonnullableRelations(expression: BoundExpression, relationOf: (column: number) => number, topLevel = true): Set<number> {
  const none = new Set<number>();
  const strictArguments = (children: readonly BoundExpression[]): Set<number> => {
    const found = new Set<number>();
    for (const child of children) for (const relation of nonnullableRelations(child, relationOf, false)) found.add(relation);
    return found;
  };
  if (foldsToConstant(expression)) return none;
  switch (expression.kind) {
    case 'column':
      return expression.levelsUp === 0 ? new Set([relationOf(expression.index)]) : none;
    case 'cast':
      return nonnullableRelations(expression.operand, relationOf, topLevel);
    case 'operator':
      // Built-in operators are strict (types/operators.ts; expression.ts returns NULL for a NULL operand).
      return strictArguments(expression.left === undefined ? [expression.right] : [expression.left, expression.right]);
    case 'function':
      return expression.function.strict && expression.function.callTyping !== 'coalesce' ? strictArguments(expression.arguments) : none;
    case 'not':
      return nonnullableRelations(expression.operand, relationOf, false);
    case 'and':
    case 'or': {
      // Arguments that fold to the neutral constant are gone after eval_const_expressions.
      const neutral = expression.kind === 'or' ? false : true;
      const kept = expression.arguments.filter((argument) => foldedConstant(argument) !== neutral);
      if (expression.kind === 'and' && topLevel) return unionOf(kept, relationOf);
      // OR, and AND below the top level: NULL only when every argument is NULL, so the intersection.
      let common: Set<number> | undefined;
      for (const argument of kept) {
        const relations = nonnullableRelations(argument, relationOf, false);
        common = common === undefined ? relations : new Set([...common].filter((relation) => relations.has(relation)));
        if (common.size === 0) break;
      }
      return common ?? none;
    }
    case 'nullTest':
      // IS NOT NULL of a scalar rejects NULL, at the top level only (NOT (x IS NOT NULL) accepts it).
      return topLevel && expression.negated && expression.operand.kind !== 'row' ? nonnullableRelations(expression.operand, relationOf, false) : none;
    case 'booleanTest': {
      // IS TRUE, IS FALSE and IS NOT UNKNOWN reject NULL, at the top level only.
      const rejectsNull = expression.test === 'unknown' ? expression.negated : !expression.negated;
      return topLevel && rejectsNull ? nonnullableRelations(expression.operand, relationOf, false) : none;
    }
    case 'in':
      // A strict ScalarArrayOpExpr over a non-empty list: NULL (or false) when its left operand is NULL.
      return expression.items.length > 0 ? nonnullableRelations(expression.operand, relationOf, false) : none;
    default:
      return none;
  }
}

function unionOf(expressions: readonly BoundExpression[], relationOf: (column: number) => number): Set<number> {
  const found = new Set<number>();
  for (const expression of expressions) for (const relation of nonnullableRelations(expression, relationOf, true)) found.add(relation);
  return found;
}

/** True when the expression calls a volatile function (PostgreSQL's contain_volatile_functions). */
export function containsVolatileFunction(expression: BoundExpression): boolean {
  return someNode(
    expression,
    (node) =>
      (node.kind === 'function' && node.function.volatility === 'volatile') ||
      (node.kind === 'sessionFunction' && node.name !== 'current_setting'),
  );
}
