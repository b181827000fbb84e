/**
 * Helpers for the SQL front-end tests: trees without locations (so expected shapes can be written by hand) and
 * a compact S-expression view of expressions, which makes precedence visible at a glance.
 */
import { KmerSearchError } from '../../src/errors.js';
import type { Expression, Query, TypeName } from '../../src/sql/ast.js';
import { parseExpression, parseStatements } from '../../src/sql/parser.js';

/** A deep copy without `location` fields. */
export function withoutLocations<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item) => withoutLocations(item)) as T;
  if (value !== null && typeof value === 'object') {
    const copy: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (key !== 'location') copy[key] = withoutLocations(field);
    }
    return copy as T;
  }
  return value;
}

/** The single statement of `sql`, without locations. */
export function statementOf(sql: string): unknown {
  const statements = parseStatements(sql);
  if (statements.length !== 1) throw new Error(`expected one statement, got ${statements.length}`);
  return withoutLocations(statements[0]?.statement);
}

/** The error `run` throws (failing the test if it throws nothing or something that is not a KmerSearchError). */
export function errorOf(run: () => unknown): KmerSearchError {
  try {
    run();
  } catch (error) {
    if (error instanceof KmerSearchError) return error;
    throw new Error(`expected a KmerSearchError, got ${String(error)}`);
  }
  throw new Error('expected an error');
}

function typeText(type: TypeName): string {
  const schema = type.schema === undefined ? '' : `${type.schema}.`;
  const modifiers = type.modifiers.length > 0 ? `(${type.modifiers.join(',')})` : '';
  return `${schema}${type.name}${modifiers}${'[]'.repeat(type.arrayDimensions)}`;
}

function queryText(query: Query): string {
  return `<${query.kind}>`;
}

/** `a =% 'x' AND b > 1` → `(and (=% a 'x') (> b 1))`. */
export function sexp(expression: Expression): string {
  const s = sexp;
  const list = (...items: string[]): string => `(${items.join(' ')})`;
  switch (expression.kind) {
    case 'columnReference':
      return expression.names.join('.');
    case 'star':
      return [...expression.qualifier, '*'].join('.');
    case 'parameter':
      return `$${expression.number}`;
    case 'numberLiteral':
      return expression.text;
    case 'stringLiteral':
      return `'${expression.value}'`;
    case 'booleanLiteral':
      return String(expression.value);
    case 'nullLiteral':
      return 'null';
    case 'typeCast':
      return list('::', s(expression.operand), typeText(expression.type));
    case 'unaryOperation':
      return list(`prefix${expression.operator}`, s(expression.operand));
    case 'binaryOperation':
      return list(expression.operator, s(expression.left), s(expression.right));
    case 'and':
    case 'or':
      return list(expression.kind, ...expression.arguments.map(s));
    case 'not':
      return list('not', s(expression.operand));
    case 'nullTest':
      return list(expression.negated ? 'is-not-null' : 'is-null', s(expression.operand));
    case 'booleanTest':
      return list(`is-${expression.negated ? 'not-' : ''}${expression.test}`, s(expression.operand));
    case 'distinctFrom':
      return list(expression.negated ? 'not-distinct' : 'distinct', s(expression.left), s(expression.right));
    case 'between':
      return list(`${expression.negated ? 'not-' : ''}between${expression.symmetric ? '-symmetric' : ''}`, s(expression.operand), s(expression.low), s(expression.high));
    case 'like': {
      const items = [s(expression.operand), s(expression.pattern)];
      if (expression.escape !== undefined) items.push(s(expression.escape));
      return list(`${expression.negated ? 'not-' : ''}${expression.caseInsensitive ? 'ilike' : 'like'}`, ...items);
    }
    case 'inList':
      return list(expression.negated ? 'not-in' : 'in', s(expression.operand), ...expression.values.map(s));
    case 'inSubquery':
      return list(expression.negated ? 'not-in' : 'in', s(expression.operand), queryText(expression.query));
    case 'quantified': {
      const right = 'kind' in expression.right && ['select', 'values', 'setOperation'].includes(expression.right.kind)
        ? queryText(expression.right as Query)
        : s(expression.right as Expression);
      return list(expression.operator, expression.quantifier, s(expression.left), right);
    }
    case 'arrayConstructor':
      return `[${expression.elements.map(s).join(' ')}]`;
    case 'scalarSubquery':
      return list('subquery', queryText(expression.query));
    case 'exists':
      return list('exists', queryText(expression.query));
    case 'functionCall': {
      const items = [expression.name.join('.')];
      if (expression.star) items.push('*');
      if (expression.distinct) items.push('distinct');
      items.push(...expression.arguments.map(s));
      if (expression.orderBy.length > 0) items.push(list('order-by', ...expression.orderBy.map((key) => s(key.expression))));
      if (expression.filter !== undefined) items.push(list('filter', s(expression.filter)));
      return list('call', ...items);
    }
    case 'namedArgument':
      return list('=>', expression.name, s(expression.value));
    case 'case': {
      const items: string[] = [];
      if (expression.operand !== undefined) items.push(s(expression.operand));
      for (const when of expression.whens) items.push(list('when', s(when.condition), s(when.result)));
      if (expression.elseResult !== undefined) items.push(list('else', s(expression.elseResult)));
      return list('case', ...items);
    }
    case 'fieldSelection':
      return list('.', s(expression.operand), expression.field);
    case 'fieldStar':
      return list('.*', s(expression.operand));
    case 'row':
      return list(expression.explicit ? 'row' : 'implicit-row', ...expression.fields.map(s));
    case 'sqlValueFunction':
      return expression.precision === undefined ? expression.name : `${expression.name}(${expression.precision})`;
    case 'setToDefault':
      return 'default';
  }
}

/** `sexp(parseExpression(sql))`. */
export function shape(sql: string): string {
  return sexp(parseExpression(sql));
}
