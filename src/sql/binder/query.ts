/**
 * Binding of queries: SELECT (FROM, WHERE, target list, GROUP BY, HAVING, DISTINCT, ORDER BY, LIMIT/OFFSET),
 * VALUES and UNION / INTERSECT / EXCEPT, with PostgreSQL's rules for output names, ordinals, the grouping
 * check (binder/grouping.ts) and the column types of VALUES and set operations (select_common_type, untyped
 * literals of a set operation's leaves converted to the common type).
 */
import { SqlState } from '../../errors.js';
import type * as ast from '../ast.js';
import { canCast, sqlTypes } from '../types.js';
import { leftmostLocation } from './locations.js';
import type { Binder, ExpressionState } from './binder.js';
import type {
  BoundAggregate,
  BoundExpression,
  BoundGrouping,
  BoundLimit,
  BoundQuery,
  BoundSelect,
  BoundSetOperation,
  BoundSortKey,
  BoundTarget,
  BoundValues,
  OutputColumn,
} from './bound.js';
import { figureColumnName } from './column-name.js';
import { bindExpression, selectField } from './expressions.js';
import { fingerprint } from './fingerprint.js';
import { bindFromList } from './from.js';
import { GroupingRewriter } from './grouping.js';
import { Scope, expandStar, resolveColumn } from './scope.js';
import { someNode } from './walk.js';

export interface QueryOptions {
  /**
   * Resolve untyped literals in the target list to text (PostgreSQL's p_resolve_unknowns). INSERT … SELECT turns
   * it off so that `INSERT INTO t (seq) SELECT 'ACGT'` reads the literal as dna2.
   */
  readonly resolveUnknowns: boolean;
}

const defaultOptions: QueryOptions = { resolveUnknowns: true };

export function bindQuery(binder: Binder, query: ast.Query, outer: Scope | undefined, options: QueryOptions = defaultOptions): BoundQuery {
  switch (query.kind) {
    case 'select':
      return bindSelect(binder, query, outer, options);
    case 'values':
      return bindValues(binder, query, outer);
    case 'setOperation':
      return bindSetOperation(binder, query, outer);
  }
}

function expressionState(scope: Scope | undefined, clause: ExpressionState['clause'], aggregates?: BoundAggregate[]): ExpressionState {
  return { scope, clause, aggregates, insideAggregate: false, topOfTarget: false };
}

function bindSelect(binder: Binder, select: ast.SelectStatement, outer: Scope | undefined, options: QueryOptions): BoundSelect {
  if (select.distinctOn.length > 0) {
    throw binder.error(SqlState.featureNotSupported, 'SELECT DISTINCT ON is not supported', select.distinctOn[0]?.location);
  }
  const from = bindFromList(binder, select.from, outer);
  const scope = new Scope(from?.entries ?? [], outer);
  const where =
    select.where === undefined
      ? undefined
      : binder.requireBoolean(bindExpression(binder, select.where, expressionState(scope, 'WHERE')), 'WHERE', leftmostLocation(select.where));

  const aggregates: BoundAggregate[] = [];
  let targets = bindTargetList(binder, select.targets, scope, aggregates, options);
  // Without resolveUnknowns (a set operation's leaf, INSERT … SELECT) an untyped literal stays unknown unless
  // DISTINCT, GROUP BY or ORDER BY uses it: PostgreSQL's addTargetToSortList / addTargetToGroupList make it text.
  if (select.distinct) targets = targets.map((target) => resolveTargetUnknown(binder, target));
  const visibleCount = targets.length;
  const groupKeys = select.groupBy.map((key) => {
    const bound = bindGroupKey(binder, key, scope, targets);
    const index = bound.expression.type.id === 'unknown' ? targets.findIndex((target) => target.expression === bound.expression) : -1;
    if (index < 0) return bound;
    targets[index] = resolveTargetUnknown(binder, targets[index] as BoundTarget);
    return { expression: (targets[index] as BoundTarget).expression, syntax: bound.syntax };
  });
  const having =
    select.having === undefined
      ? undefined
      : binder.requireBoolean(bindExpression(binder, select.having, expressionState(scope, 'HAVING', aggregates)), 'HAVING', leftmostLocation(select.having));
  const sortKeys = bindSortKeys(binder, select.orderBy, targets, visibleCount, (expression) => {
    const bound = bindExpression(binder, expression, expressionState(scope, 'ORDER BY', aggregates));
    return binder.resolveUnknown(bound, expression.location);
  }, select.distinct);
  targets = sortKeys.targets;
  const sortKeyList = sortKeys.keys.map((key) => {
    const target = targets[key.index] as BoundTarget;
    if (target.expression.type.id !== 'unknown') return key;
    targets[key.index] = resolveTargetUnknown(binder, target);
    return Object.freeze({ ...key, type: sqlTypes.text });
  });

  let grouping: BoundGrouping | undefined;
  if (aggregates.length > 0 || groupKeys.length > 0 || having !== undefined) {
    const rewriter = new GroupingRewriter(binder, groupKeys.map((key) => key.expression), aggregates);
    targets = targets.map((target) => Object.freeze({ ...target, expression: rewriter.rewrite(target.expression) }));
    grouping = Object.freeze({
      keys: Object.freeze(groupKeys.map((key) => key.expression)),
      keySyntax: Object.freeze(groupKeys.map((key) => key.syntax)),
      aggregates: Object.freeze(rewriter.aggregates),
      having: having === undefined ? undefined : rewriter.rewrite(having),
      havingSyntax: select.having,
    });
  }
  const columns = targets.slice(0, visibleCount).map((target) => Object.freeze({ name: target.name, type: target.expression.type }));
  return Object.freeze({
    kind: 'select',
    from: from?.item,
    where,
    whereSyntax: select.where,
    grouping,
    targets: Object.freeze(targets),
    distinct: select.distinct,
    sortKeys: Object.freeze(sortKeyList),
    limit: bindLimit(binder, select, scope),
    columns: Object.freeze(columns),
    relationCount: from?.entries.length ?? 0,
  });
}

/** A target list (`*`, `t.*` and `(composite).*` expanded); RETURNING uses it too, without aggregates. */
export function bindTargetList(
  binder: Binder,
  targets: readonly ast.Target[],
  scope: Scope,
  aggregates: BoundAggregate[] | undefined,
  options: QueryOptions,
  clause: 'select list' | 'RETURNING' = 'select list',
): BoundTarget[] {
  const bound: BoundTarget[] = [];
  const state: ExpressionState = { scope, clause, aggregates, insideAggregate: false, topOfTarget: clause === 'select list' };
  for (const target of targets) {
    const expression = target.expression;
    if (expression.kind === 'star') {
      const columns = binder.at(expression.location, () => expandStar(scope, expression.qualifier, expression.location));
      for (const column of columns) {
        const syntax: ast.ColumnReference = Object.freeze({ kind: 'columnReference', names: Object.freeze([column.name]), location: expression.location });
        bound.push(Object.freeze({ name: column.name, expression: column, resjunk: false, syntax }));
      }
      continue;
    }
    if (expression.kind === 'fieldStar') {
      const operand = bindExpression(binder, expression.operand, { ...state, topOfTarget: false });
      const fields = operand.type.fields;
      if (fields === undefined || fields.length === 0) {
        throw binder.error(SqlState.wrongObjectType, `type ${operand.type.formatName} is not composite`, expression.location);
      }
      for (const field of fields) {
        const syntax: ast.FieldSelection = Object.freeze({ kind: 'fieldSelection', operand: expression.operand, field: field.name, location: expression.location });
        bound.push(Object.freeze({ name: field.name, expression: selectField(binder, operand, field.name, expression.location), resjunk: false, syntax }));
      }
      continue;
    }
    let value = bindExpression(binder, expression, state);
    if (options.resolveUnknowns) value = binder.resolveUnknown(value, expression.location);
    bound.push(Object.freeze({ name: target.alias ?? figureColumnName(expression), expression: value, resjunk: false, syntax: expression }));
  }
  return bound;
}

/** The target with an unknown-typed expression resolved to text. */
function resolveTargetUnknown(binder: Binder, target: BoundTarget): BoundTarget {
  if (target.expression.type.id !== 'unknown') return target;
  const location = target.syntax === undefined ? -1 : leftmostLocation(target.syntax);
  return Object.freeze({ ...target, expression: binder.resolveUnknown(target.expression, location) });
}

function containsAggregate(expression: BoundExpression): boolean {
  return someNode(expression, (node) => node.kind === 'aggregate');
}

/** GROUP BY item: an ordinal, an input column, an output column name (SQL92), or an expression on input columns. */
function bindGroupKey(
  binder: Binder,
  key: ast.Expression,
  scope: Scope,
  targets: readonly BoundTarget[],
): { readonly expression: BoundExpression; readonly syntax: ast.Expression | undefined } {
  const fromTarget = (target: BoundTarget): { expression: BoundExpression; syntax: ast.Expression | undefined } => {
    if (containsAggregate(target.expression)) {
      throw binder.error(SqlState.groupingError, 'aggregate functions are not allowed in GROUP BY', key.location);
    }
    return { expression: target.expression, syntax: target.syntax };
  };
  if (key.kind === 'numberLiteral' && key.isInteger) {
    const target = targets[Number(key.text) - 1];
    if (target === undefined || target.resjunk) {
      throw binder.error(SqlState.invalidColumnReference, `GROUP BY position ${key.text} is not in select list`, key.location);
    }
    return fromTarget(target);
  }
  if (key.kind === 'columnReference' && key.names.length === 1) {
    const name = key.names[0] as string;
    let isInputColumn = true;
    try {
      resolveColumn(new Scope(scope.entries, undefined), key.names, key.location);
    } catch {
      isInputColumn = false;
    }
    if (!isInputColumn) {
      const target = targets.find((candidate) => !candidate.resjunk && candidate.name === name);
      if (target !== undefined) return fromTarget(target);
    }
  }
  const expression = bindExpression(binder, key, expressionState(scope, 'GROUP BY'));
  return { expression: binder.resolveUnknown(expression, key.location), syntax: key };
}

/**
 * ORDER BY (SQL99 with the SQL92 extras): an output column name, an ordinal, or an expression, which is matched
 * to an equal target or added as a resjunk target.
 */
function bindSortKeys(
  binder: Binder,
  orderBy: readonly ast.SortKey[],
  targets: readonly BoundTarget[],
  visibleCount: number,
  bindSortExpression: (expression: ast.Expression) => BoundExpression,
  distinct: boolean,
): { readonly keys: readonly BoundSortKey[]; readonly targets: BoundTarget[] } {
  const all = [...targets];
  const keys = orderBy.map((key) => {
    const expression = key.expression;
    let index = findOutputColumn(binder, expression, all.slice(0, visibleCount), 'ORDER BY');
    if (index === undefined) {
      const bound = bindSortExpression(expression);
      const print = fingerprint(bound);
      index = all.findIndex((target) => fingerprint(target.expression) === print);
      if (index < 0) {
        if (distinct) {
          throw binder.error(
            SqlState.invalidColumnReference,
            'for SELECT DISTINCT, ORDER BY expressions must appear in select list',
            expression.location,
          );
        }
        index = all.length;
        all.push(Object.freeze({ name: '?column?', expression: bound, resjunk: true, syntax: expression }));
      }
    }
    const target = all[index] as BoundTarget;
    return sortKey(key, index, target.expression.type, target.syntax ?? expression);
  });
  return { keys: Object.freeze(keys), targets: all };
}

function sortKey(key: ast.SortKey, index: number, type: OutputColumn['type'], syntax: ast.Expression | undefined): BoundSortKey {
  const descending = key.direction === 'desc';
  // PostgreSQL's default: NULLS LAST ascending, NULLS FIRST descending.
  const nullsFirst = key.nulls === 'default' ? descending : key.nulls === 'first';
  return Object.freeze({ index, type, descending, nullsFirst, syntax });
}

/** An ORDER BY name or ordinal that denotes an output column, or undefined when the item is an expression. */
function findOutputColumn(
  binder: Binder,
  expression: ast.Expression,
  outputs: readonly { readonly name: string; readonly expression?: BoundExpression }[],
  clause: string,
): number | undefined {
  if (expression.kind === 'columnReference' && expression.names.length === 1) {
    const name = expression.names[0] as string;
    let found: number | undefined;
    outputs.forEach((output, index) => {
      if (output.name !== name) return;
      if (found !== undefined) {
        const previous = outputs[found]?.expression;
        if (previous === undefined || output.expression === undefined || fingerprint(previous) !== fingerprint(output.expression)) {
          throw binder.error(SqlState.ambiguousColumn, `${clause} "${name}" is ambiguous`, expression.location);
        }
        return;
      }
      found = index;
    });
    return found;
  }
  if (expression.kind === 'numberLiteral' && expression.isInteger) {
    const position = Number(expression.text);
    if (!Number.isSafeInteger(position) || position < 1 || position > outputs.length) {
      throw binder.error(SqlState.invalidColumnReference, `${clause} position ${expression.text} is not in select list`, expression.location);
    }
    return position - 1;
  }
  return undefined;
}

/** ORDER BY of VALUES and of set operations: output names and ordinals only. */
function bindOutputSortKeys(binder: Binder, query: ast.ValuesStatement | ast.SetOperationStatement, columns: readonly OutputColumn[]): readonly BoundSortKey[] {
  return Object.freeze(
    query.orderBy.map((key) => {
      const index = findOutputColumn(binder, key.expression, columns, 'ORDER BY');
      if (index === undefined) {
        if (query.kind === 'setOperation') {
          throw binder.error(SqlState.featureNotSupported, 'invalid UNION/INTERSECT/EXCEPT ORDER BY clause', key.expression.location, {
            detail: 'Only result column names can be used, not expressions or functions.',
            hint: 'Add the expression/function to every SELECT, or move the UNION into a FROM clause.',
          });
        }
        throw binder.error(SqlState.featureNotSupported, 'ORDER BY expressions on VALUES are not supported', key.expression.location);
      }
      const column = columns[index] as OutputColumn;
      const syntax: ast.ColumnReference = Object.freeze({ kind: 'columnReference', names: Object.freeze([column.name]), location: key.location });
      return sortKey(key, index, column.type, syntax);
    }),
  );
}

function bindLimit(binder: Binder, query: ast.Query, scope: Scope): BoundLimit {
  const bindClause = (expression: ast.Expression | undefined, clause: 'LIMIT' | 'OFFSET'): BoundExpression | undefined => {
    if (expression === undefined) return undefined;
    const bound = bindExpression(binder, expression, expressionState(scope, clause));
    if (bound.type.id !== 'unknown' && !canCast(bound.type, sqlTypes.int8, 'implicit') && bound.type.id !== 'int8') {
      throw binder.error(SqlState.datatypeMismatch, `argument of ${clause} must be type bigint, not type ${bound.type.formatName}`, leftmostLocation(expression));
    }
    return binder.coerce(bound, sqlTypes.int8, expression.location);
  };
  return Object.freeze({ limit: bindClause(query.limit, 'LIMIT'), offset: bindClause(query.offset, 'OFFSET') });
}

function locationOf(expression: ast.Expression | undefined, fallback: number): number {
  return expression === undefined ? fallback : leftmostLocation(expression);
}

function bindValues(binder: Binder, values: ast.ValuesStatement, outer: Scope | undefined): BoundValues {
  const scope = Scope.empty(outer);
  const width = values.rows[0]?.length ?? 0;
  const rows = values.rows.map((row) => {
    if (row.length !== width) {
      throw binder.error(SqlState.syntaxError, 'VALUES lists must all be the same length', row[0]?.location ?? values.location);
    }
    return row.map((expression) => bindExpression(binder, expression, expressionState(scope, 'VALUES')));
  });
  const columns: OutputColumn[] = [];
  for (let column = 0; column < width; column++) {
    const inputs = rows.map((row, rowIndex) => ({
      type: (row[column] as BoundExpression).type,
      location: locationOf(values.rows[rowIndex]?.[column], values.location),
    }));
    columns.push(Object.freeze({ name: `column${column + 1}`, type: binder.commonType(inputs, 'VALUES') }));
  }
  const coerced = rows.map((row, rowIndex) =>
    Object.freeze(
      row.map((expression, column) =>
        binder.coerce(expression, (columns[column] as OutputColumn).type, values.rows[rowIndex]?.[column]?.location ?? values.location),
      ),
    ),
  );
  return Object.freeze({
    kind: 'values',
    rows: Object.freeze(coerced),
    sortKeys: bindOutputSortKeys(binder, values, columns),
    limit: bindLimit(binder, values, scope),
    columns: Object.freeze(columns),
  });
}

/**
 * UNION / INTERSECT / EXCEPT as PostgreSQL's transformSetOperationTree: the leaves are bound without resolving
 * their untyped literals, each column's type is select_common_type of the two sides (`SELECT 1 UNION SELECT '2'`
 * is integer, `SELECT 'a' UNION SELECT 'b'` text), and an untyped literal of a leaf is then converted to that type
 * through its input function — so `SELECT 1 UNION SELECT 'a'` fails at the literal with 22P02.
 */
function bindSetOperation(binder: Binder, operation: ast.SetOperationStatement, outer: Scope | undefined): BoundSetOperation {
  const leafOptions: QueryOptions = { resolveUnknowns: false };
  let left = bindQuery(binder, operation.left, outer, leafOptions);
  let right = bindQuery(binder, operation.right, outer, leafOptions);
  const name = operation.operator.toUpperCase();
  if (left.columns.length !== right.columns.length) {
    throw binder.error(SqlState.syntaxError, `each ${name} query must have the same number of columns`, operation.right.location);
  }
  const columns = left.columns.map((column, index) => {
    const other = right.columns[index] as OutputColumn;
    const type = binder.commonType(
      [
        { type: column.type, location: outputLocation(left, index) },
        { type: other.type, location: outputLocation(right, index) },
      ],
      name,
    );
    left = coerceUnknownOutput(binder, left, index, type);
    right = coerceUnknownOutput(binder, right, index, type);
    return Object.freeze({ name: column.name, type });
  });
  return Object.freeze({
    kind: 'setOperation',
    operator: operation.operator,
    all: operation.all,
    left,
    right,
    sortKeys: bindOutputSortKeys(binder, operation, columns),
    limit: bindLimit(binder, operation, Scope.empty(outer)),
    columns: Object.freeze(columns),
  });
}

/**
 * PostgreSQL's exprLocation of a query's output column, where a set operation places its type errors: the leaf's
 * target expression, nothing for VALUES (its columns are references to the VALUES list), and for a nested set
 * operation the input whose type it took.
 */
function outputLocation(query: BoundQuery, index: number): number | undefined {
  switch (query.kind) {
    case 'select': {
      const syntax = query.targets[index]?.syntax;
      return syntax === undefined ? undefined : leftmostLocation(syntax);
    }
    case 'values':
      return undefined;
    case 'setOperation': {
      const type = query.columns[index]?.type.id;
      const fromRight = query.left.columns[index]?.type.id !== type && query.right.columns[index]?.type.id === type;
      return outputLocation(fromRight ? query.right : query.left, index);
    }
  }
}

/** A set operation's leaf with its untyped output literal `index` converted to the operation's column type. */
function coerceUnknownOutput(binder: Binder, query: BoundQuery, index: number, type: OutputColumn['type']): BoundQuery {
  if (query.kind !== 'select') return query;
  const target = query.targets[index] as BoundTarget;
  if (target.expression.type.id !== 'unknown') return query;
  const location = target.syntax === undefined ? -1 : leftmostLocation(target.syntax);
  const expression = binder.coerce(target.expression, type, location);
  const targets = query.targets.map((entry, position) => (position === index ? Object.freeze({ ...target, expression }) : entry));
  const columns = query.columns.map((column, position) => (position === index ? Object.freeze({ ...column, type }) : column));
  return Object.freeze({ ...query, targets: Object.freeze(targets), columns: Object.freeze(columns) });
}
