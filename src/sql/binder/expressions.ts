/**
 * Binding of scalar expressions: names to columns, literals to typed constants, operators to the operator the
 * type system (or the function catalog, for `=%`) chooses with PostgreSQL's resolution rules, and the SQL
 * constructs (CASE, IN, BETWEEN, LIKE, IS …, subqueries) to bound nodes. Errors carry the position of the node
 * PostgreSQL points at.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import type * as ast from '../ast.js';
import type { FunctionOperator, ScalarFunction } from '../functions/contract.js';
import {
  type OverloadCandidate,
  type SqlType,
  type SqlValue,
  lookupType,
  recordType,
  resolveBinaryOperator,
  resolvePrefixOperator,
  selectOverload,
  sqlTypes,
  typeNumberLiteral,
} from '../types.js';
import { leftmostLocation } from './locations.js';
import { type Binder, type ExpressionState } from './binder.js';
import type { BoundExpression } from './bound.js';
import { argumentColumnOf, bindFunctionCall } from './functions.js';
import { bindSubquery } from './subquery.js';
import { resolveColumn } from './scope.js';

const boolType = sqlTypes.bool;

/** Binds an expression in `state`. */
export function bindExpression(binder: Binder, expression: ast.Expression, state: ExpressionState): BoundExpression {
  // Only the top of a target list may hold a set-returning function; everything below is an ordinary context.
  const inner: ExpressionState = state.topOfTarget ? { ...state, topOfTarget: false } : state;
  const bind = (child: ast.Expression): BoundExpression => bindExpression(binder, child, inner);
  switch (expression.kind) {
    case 'columnReference':
      return bindColumnReference(binder, expression, state);
    case 'star':
      throw binder.error(SqlState.syntaxError, 'row expansion via "*" is not supported here', expression.location);
    case 'parameter': {
      const parameter = binder.parameters[expression.number - 1];
      if (parameter === undefined) {
        throw binder.error(SqlState.undefinedParameter, `there is no parameter $${expression.number}`, expression.location);
      }
      return binder.constant(parameter.type, parameter.value, expression);
    }
    case 'numberLiteral': {
      const typed = binder.at(expression.location, () => typeNumberLiteral(expression.text));
      return binder.constant(typed.type, typed.value, expression);
    }
    case 'stringLiteral':
      return binder.constant(sqlTypes.unknown, expression.value, expression);
    case 'booleanLiteral':
      return binder.constant(boolType, expression.value, expression);
    case 'nullLiteral':
      return binder.constant(sqlTypes.unknown, null, expression);
    case 'typeCast':
      return bindTypeCast(binder, expression, bind(expression.operand));
    case 'unaryOperation': {
      const operand = bind(expression.operand);
      const operator = binder.at(expression.location, () => resolvePrefixOperator(expression.operator, operand.type));
      const right = binder.coerce(operand, operator.operandType, expression.operand.location);
      const evaluate = (_left: SqlValue, value: SqlValue): SqlValue => operator.evaluate(value);
      return Object.freeze({ kind: 'operator', type: operator.resultType, name: operator.name, left: undefined, right, evaluate });
    }
    case 'binaryOperation':
      return bindOperator(binder, expression.operator, bind(expression.left), bind(expression.right), expression.location);
    case 'and':
    case 'or': {
      const clause = expression.kind === 'and' ? 'AND' : 'OR';
      const args = expression.arguments.map((argument) => binder.requireBoolean(bind(argument), clause, leftmostLocation(argument)));
      return Object.freeze({ kind: expression.kind, type: boolType, arguments: Object.freeze(args) });
    }
    case 'not': {
      const operand = binder.requireBoolean(bind(expression.operand), 'NOT', leftmostLocation(expression.operand));
      return Object.freeze({ kind: 'not', type: boolType, operand });
    }
    case 'nullTest':
      return Object.freeze({ kind: 'nullTest', type: boolType, operand: bind(expression.operand), negated: expression.negated });
    case 'booleanTest': {
      const clause = `IS ${expression.negated ? 'NOT ' : ''}${expression.test.toUpperCase()}`;
      const operand = binder.requireBoolean(bind(expression.operand), clause, leftmostLocation(expression.operand));
      return Object.freeze({ kind: 'booleanTest', type: boolType, operand, test: expression.test, negated: expression.negated });
    }
    case 'distinctFrom': {
      const equality = bindOperator(binder, '=', bind(expression.left), bind(expression.right), expression.location);
      return distinctFromOf(binder, equality, expression.negated, expression.location);
    }
    case 'between':
      return bindBetween(binder, expression, inner);
    case 'like':
      return bindLike(binder, expression, inner);
    case 'inList':
      return bindInList(binder, expression, inner);
    case 'inSubquery': {
      const left = bind(expression.operand);
      return bindSubquery(binder, { mode: 'any', operator: '=', left, query: expression.query, negated: expression.negated, location: expression.location }, inner);
    }
    case 'quantified': {
      const right = expression.right;
      if (!isQuery(right)) {
        throw binder.error(SqlState.featureNotSupported, 'arrays are not supported', right.location);
      }
      const left = bind(expression.left);
      return bindSubquery(binder, { mode: expression.quantifier, operator: expression.operator, left, query: right, negated: false, location: expression.location }, inner);
    }
    case 'arrayConstructor':
      throw binder.error(SqlState.featureNotSupported, 'arrays are not supported', expression.location);
    case 'scalarSubquery':
      return bindSubquery(binder, { mode: 'scalar', query: expression.query, location: expression.location }, inner);
    case 'exists':
      return bindSubquery(binder, { mode: 'exists', query: expression.query, location: expression.location }, inner);
    case 'functionCall':
      return bindFunctionCall(binder, expression, state);
    case 'namedArgument':
      throw binder.error(SqlState.featureNotSupported, 'named arguments are not supported', expression.location);
    case 'case':
      return bindCase(binder, expression, inner);
    case 'fieldSelection':
      return selectField(binder, bind(expression.operand), expression.field, expression.location);
    case 'fieldStar':
      throw binder.error(SqlState.featureNotSupported, 'row expansion via "*" is not supported here', expression.location);
    case 'row': {
      const fields = expression.fields.map((field) => binder.resolveUnknown(bind(field), field.location));
      const type = recordType(fields.map((field, index) => ({ name: `f${index + 1}`, type: field.type })));
      return Object.freeze({ kind: 'row', type, fields: Object.freeze(fields) });
    }
    case 'sqlValueFunction':
      return bindSqlValueFunction(binder, expression);
    case 'setToDefault':
      throw binder.error(SqlState.syntaxError, 'DEFAULT is not allowed in this context', expression.location);
  }
}

function isQuery(value: ast.Expression | ast.Query): value is ast.Query {
  return value.kind === 'select' || value.kind === 'values' || value.kind === 'setOperation';
}

function bindColumnReference(binder: Binder, reference: ast.ColumnReference, state: ExpressionState): BoundExpression {
  if (state.clause === 'DEFAULT expressions') {
    throw binder.error(SqlState.featureNotSupported, 'cannot use column reference in DEFAULT expression', reference.location);
  }
  const column = binder.at(reference.location, () => resolveColumn(state.scope, reference.names, reference.location));
  binder.columnRelations.set(reference, column.relationName);
  if ((state.clause === 'LIMIT' || state.clause === 'OFFSET') && column.levelsUp === 0) {
    throw binder.error(SqlState.invalidColumnReference, `argument of ${state.clause} must not contain variables`, reference.location);
  }
  return column;
}

/** A type name as a cast or column definition writes it (serial is not a type here). */
export function bindTypeName(binder: Binder, type: ast.TypeName): SqlType {
  if (type.arrayDimensions > 0) {
    throw binder.error(SqlState.featureNotSupported, 'array types are not supported', type.location);
  }
  if (type.schema !== undefined && type.schema !== 'pg_catalog' && type.schema !== 'public') {
    throw binder.error(SqlState.undefinedObject, `type "${type.schema}.${type.name}" does not exist`, type.location);
  }
  return binder.at(type.location, () => lookupType(type.name, type.modifiers));
}

function bindTypeCast(binder: Binder, cast: ast.TypeCast, operand: BoundExpression): BoundExpression {
  const target = bindTypeName(binder, cast.type);
  // PostgreSQL coerces a literal while parsing, so its input errors point at the literal.
  const literalLocation = cast.operand.location;
  const coerced = binder.tryCoerce(operand, target, 'explicit', literalLocation);
  if (coerced !== undefined) return coerced;
  throw binder.error(SqlState.cannotCoerce, `cannot cast type ${operand.type.formatName} to ${target.formatName}`, cast.location);
}

interface OperatorCandidate extends OverloadCandidate {
  readonly operator: FunctionOperator;
}

/**
 * `left name right`: first the function-backed operators of the catalog (`=%` calls kmersearch_dna2_match), then
 * the built-in ones of types/operators.ts, whose resolution raises PostgreSQL's 42883 `operator does not exist`.
 */
export function bindOperator(binder: Binder, name: string, left: BoundExpression, right: BoundExpression, location: number): BoundExpression {
  const catalogOperators = binder.catalog.operators(name);
  if (catalogOperators.length > 0) {
    const candidates: OperatorCandidate[] = catalogOperators.map((operator) => ({
      operator,
      argumentTypes: [operator.leftType, operator.rightType],
    }));
    const selection = selectOverload(candidates, [left.type, right.type]);
    if (selection.kind === 'found') {
      const operator = selection.candidate.operator;
      const implementation = findOperatorFunction(binder, operator, location);
      const args = [binder.coerce(left, operator.leftType, location), binder.coerce(right, operator.rightType, location)];
      return Object.freeze({
        kind: 'function',
        type: implementation.resultType,
        function: implementation,
        arguments: Object.freeze(args),
        operatorName: name,
        ...argumentColumnOf(implementation, args),
      });
    }
  }
  const operator = binder.at(location, () => resolveBinaryOperator(name, left.type, right.type, binder.ioOptions));
  return Object.freeze({
    kind: 'operator',
    type: operator.resultType,
    name: operator.name,
    left: binder.coerce(left, operator.leftType, location),
    right: binder.coerce(right, operator.rightType, location),
    evaluate: operator.evaluate,
  });
}

function findOperatorFunction(binder: Binder, operator: FunctionOperator, location: number): ScalarFunction {
  const implementation = binder.catalog
    .lookup(operator.functionName)
    .find(
      (candidate): candidate is ScalarFunction =>
        !candidate.returnsSet &&
        candidate.argumentTypes.length === 2 &&
        candidate.argumentTypes[0]?.id === operator.leftType.id &&
        candidate.argumentTypes[1]?.id === operator.rightType.id,
    );
  if (implementation === undefined) {
    throw binder.error(SqlState.internalError, `operator ${operator.name} refers to missing function ${operator.functionName}`, location);
  }
  return implementation;
}

function distinctFromOf(binder: Binder, equality: BoundExpression, negated: boolean, location: number): BoundExpression {
  if (equality.kind !== 'operator' || equality.left === undefined) {
    throw binder.error(SqlState.featureNotSupported, 'IS DISTINCT FROM is not supported for these types', location);
  }
  return Object.freeze({
    kind: 'distinctFrom',
    type: boolType,
    left: equality.left,
    right: equality.right,
    equals: equality.evaluate,
    negated,
  });
}

function comparison(binder: Binder, name: string, left: BoundExpression, right: BoundExpression, location: number): BoundExpression {
  const bound = bindOperator(binder, name, left, right, location);
  return binder.requireBoolean(bound, name, location);
}

/** BETWEEN as the planner sees it: `x >= low AND x <= high` (NOT: `x < low OR x > high`; SYMMETRIC: both orders). */
function bindBetween(binder: Binder, between: ast.Between, state: ExpressionState): BoundExpression {
  const bind = (child: ast.Expression): BoundExpression => bindExpression(binder, child, state);
  const range = (low: ast.Expression, high: ast.Expression): BoundExpression => {
    const location = between.location;
    if (between.negated) {
      return Object.freeze({
        kind: 'or',
        type: boolType,
        arguments: Object.freeze([
          comparison(binder, '<', bind(between.operand), bind(low), location),
          comparison(binder, '>', bind(between.operand), bind(high), location),
        ]),
      });
    }
    return Object.freeze({
      kind: 'and',
      type: boolType,
      arguments: Object.freeze([
        comparison(binder, '>=', bind(between.operand), bind(low), location),
        comparison(binder, '<=', bind(between.operand), bind(high), location),
      ]),
    });
  };
  if (!between.symmetric) return range(between.low, between.high);
  const kind = between.negated ? 'and' : 'or';
  return Object.freeze({
    kind,
    type: boolType,
    arguments: Object.freeze([range(between.low, between.high), range(between.high, between.low)]),
  });
}

function bindLike(binder: Binder, like: ast.Like, state: ExpressionState): BoundExpression {
  const operand = bindExpression(binder, like.operand, state);
  const pattern = bindExpression(binder, like.pattern, state);
  const operatorName = `${like.negated ? '!' : ''}~~${like.caseInsensitive ? '*' : ''}`;
  const textual = (type: SqlType): boolean => ['text', 'varchar', 'name', 'unknown'].includes(type.id);
  if (!textual(operand.type) || !textual(pattern.type)) {
    throw binder.error(
      SqlState.undefinedFunction,
      `operator does not exist: ${operand.type.formatName} ${operatorName} ${pattern.type.formatName}`,
      like.location,
      { hint: 'No operator matches the given name and argument types. You might need to add explicit type casts.' },
    );
  }
  const escape = like.escape === undefined ? undefined : binder.coerce(bindExpression(binder, like.escape, state), sqlTypes.text, like.escape.location);
  return Object.freeze({
    kind: 'like',
    type: boolType,
    operand: binder.coerce(operand, sqlTypes.text, like.operand.location),
    pattern: binder.coerce(pattern, sqlTypes.text, like.pattern.location),
    escape,
    negated: like.negated,
    caseInsensitive: like.caseInsensitive,
  });
}

function bindInList(binder: Binder, inList: ast.InList, state: ExpressionState): BoundExpression {
  const operand = bindExpression(binder, inList.operand, state);
  const values = inList.values.map((value) => bindExpression(binder, value, state));
  let operandType = operand.type;
  if (operand.type.id === 'unknown') {
    // An untyped operand compares as the common type of the operand and the list (text when all are untyped).
    try {
      operandType = binder.commonType(
        [operand, ...values].map((value, index) => ({ type: value.type, location: leftmostLocation((index === 0 ? inList.operand : inList.values[index - 1]) ?? inList) })),
        'IN',
      );
    } catch (error) {
      // Without one, PostgreSQL's transformAExprIn compares the operand with each value on its own: an OR of `=`
      // (NOT IN: an AND of `<>`), each operator resolved for its pair, so `'a' IN (1, 'b'::text)` fails reading
      // 'a' as an integer, and `'b' IN ('b'::text, 2::bigint)` … as a bigint.
      if (!(error instanceof KmerSearchError) || (error.code !== SqlState.datatypeMismatch && error.code !== SqlState.cannotCoerce)) throw error;
      const operator = inList.negated ? '<>' : '=';
      const comparisons = values.map((value) => comparison(binder, operator, operand, value, inList.location));
      return Object.freeze({ kind: inList.negated ? 'and' : 'or', type: boolType, arguments: Object.freeze(comparisons) });
    }
  }
  const typedOperand = binder.coerce(operand, operandType, inList.operand.location);
  const items = values.map((value, index) => {
    const location = inList.values[index]?.location ?? inList.location;
    // PostgreSQL reports a missing operator at the IN (or NOT) keyword, and NOT IN's operator as `<>`.
    const operator = binder.at(inList.location, () => {
      try {
        return resolveBinaryOperator('=', operandType, value.type, binder.ioOptions);
      } catch (error) {
        if (inList.negated) resolveBinaryOperator('<>', operandType, value.type, binder.ioOptions);
        throw error;
      }
    });
    const convertOperand = binder.converter(operandType, operator.leftType, location);
    return Object.freeze({ value: binder.coerce(value, operator.rightType, location), convertOperand, equals: operator.evaluate });
  });
  return Object.freeze({ kind: 'in', type: boolType, operand: typedOperand, items: Object.freeze(items), negated: inList.negated });
}

function bindCase(binder: Binder, expression: ast.CaseExpression, state: ExpressionState): BoundExpression {
  const bind = (child: ast.Expression): BoundExpression => bindExpression(binder, child, state);
  const operand = expression.operand;
  const conditions = expression.whens.map((when) => {
    if (operand === undefined) return binder.requireBoolean(bind(when.condition), 'CASE/WHEN', leftmostLocation(when.condition));
    return comparison(binder, '=', bind(operand), bind(when.condition), when.condition.location);
  });
  const results = expression.whens.map((when) => ({ bound: bind(when.result), location: leftmostLocation(when.result) }));
  const elseResult =
    expression.elseResult === undefined
      ? { bound: binder.constant(sqlTypes.unknown, null), location: expression.location }
      : { bound: bind(expression.elseResult), location: leftmostLocation(expression.elseResult) };
  const all = [...results, elseResult];
  const type = binder.commonType(all.map((result) => ({ type: result.bound.type, location: result.location })), 'CASE');
  const coerce = (result: { bound: BoundExpression; location: number }): BoundExpression => {
    const coerced = binder.tryCoerce(result.bound, type, 'implicit', result.location);
    if (coerced === undefined) {
      throw binder.error(SqlState.datatypeMismatch, `CASE could not convert type ${result.bound.type.formatName} to ${type.formatName}`, result.location);
    }
    return coerced;
  };
  return Object.freeze({
    kind: 'case',
    type,
    whens: Object.freeze(conditions.map((condition, index) => Object.freeze({ condition, result: coerce(results[index] as { bound: BoundExpression; location: number }) }))),
    elseResult: coerce(elseResult),
  });
}

/** `(composite).field`; 42703 `column "x" not found in data type integer` as PostgreSQL. */
export function selectField(binder: Binder, operand: BoundExpression, field: string, location: number): BoundExpression {
  const fields = operand.type.fields;
  const index = fields === undefined ? -1 : fields.findIndex((candidate) => candidate.name === field);
  const selected = fields?.[index];
  if (selected === undefined) {
    throw binder.error(SqlState.undefinedColumn, `column "${field}" not found in data type ${operand.type.formatName}`, location);
  }
  return Object.freeze({ kind: 'fieldSelect', type: selected.type, operand, fieldIndex: index });
}

function bindSqlValueFunction(binder: Binder, expression: ast.SqlValueFunction): BoundExpression {
  switch (expression.name) {
    case 'current_timestamp':
      return Object.freeze({ kind: 'clock', type: sqlTypes.timestamptz, which: 'transaction' });
    default:
      throw binder.error(SqlState.featureNotSupported, `${expression.name.toUpperCase()} is not supported`, expression.location);
  }
}

