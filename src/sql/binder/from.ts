/**
 * FROM: tables, functions (`generate_series(1, 3) AS g(i)`, composite-returning functions spread into columns),
 * subqueries and VALUES, and joins (comma, CROSS, INNER, LEFT, RIGHT, FULL; ON, USING, NATURAL). Each item
 * becomes a bound source plus the range entries its columns are found through.
 */
import { SqlState } from '../../errors.js';
import type * as ast from '../ast.js';
import { columnSqlType } from '../column-types.js';
import { type SqlType, sqlTypes } from '../types.js';
import { leftmostLocation } from './locations.js';
import type { Binder, ExpressionState } from './binder.js';
import type { BoundColumn, BoundExpression, BoundFromItem } from './bound.js';
import { bindExpression, bindOperator } from './expressions.js';
import { type SystemView, findSystemView } from '../system-views.js';
import { isAggregateName, resolveCatalogFunction } from './functions.js';
import { bindQuery } from './query.js';
import { type RangeEntry, Scope, type ScopeColumn, resolveColumn } from './scope.js';

export interface BoundFrom {
  readonly item: BoundFromItem;
  /** Range entries with offsets relative to the item's first column. */
  readonly entries: readonly RangeEntry[];
}

/** The comma-separated FROM list as one source (cross joins), or undefined for a SELECT without FROM. */
export function bindFromList(binder: Binder, items: readonly ast.FromItem[], outer: Scope | undefined): BoundFrom | undefined {
  let combined: BoundFrom | undefined;
  for (const item of items) {
    const next = bindFromItem(binder, item, outer);
    combined = combined === undefined ? next : joinSources(binder, combined, next, 'cross', undefined, undefined, item.location);
  }
  return combined;
}

function bindFromItem(binder: Binder, item: ast.FromItem, outer: Scope | undefined): BoundFrom {
  switch (item.kind) {
    case 'tableReference':
      return bindTable(binder, item);
    case 'functionReference':
      return bindFunctionSource(binder, item, outer);
    case 'subqueryReference':
      return bindSubquerySource(binder, item, outer);
    case 'join':
      return bindJoin(binder, item, outer);
  }
}

function renamed(binder: Binder, columns: readonly ScopeColumn[], alias: ast.Alias | undefined, relationName: string): ScopeColumn[] {
  const names = alias?.columns ?? [];
  if (names.length > columns.length) {
    throw binder.error(
      SqlState.invalidColumnReference,
      `table "${relationName}" has ${columns.length} columns available but ${names.length} columns specified`,
      alias?.location,
    );
  }
  return columns.map((column, index) => ({ ...column, name: names[index] ?? column.name }));
}

function bindTable(binder: Binder, reference: ast.TableReference): BoundFrom {
  const relation = reference.relation;
  const qualifiedName = relation.schema === undefined ? relation.name : `${relation.schema}.${relation.name}`;
  const entry = relation.schema === undefined || relation.schema === 'public' ? binder.view.findRelation(relation.name) : undefined;
  if (entry === undefined) {
    const systemView = relation.schema === undefined || relation.schema === 'public' ? findSystemView(relation.name) : undefined;
    if (systemView !== undefined) return bindSystemView(binder, reference, systemView);
    throw binder.error(SqlState.undefinedTable, `relation "${qualifiedName}" does not exist`, relation.location);
  }
  const table = entry.kind === 'table' ? binder.view.getTable(entry.id) : undefined;
  if (table === undefined) {
    throw binder.error(SqlState.wrongObjectType, `"${relation.name}" is not a table`, relation.location);
  }
  const name = reference.alias?.name ?? table.name;
  const columns = table.columns.map((column) => ({
    name: column.name,
    type: columnSqlType(column.type),
    tableColumn: Object.freeze({ tableId: table.id, columnName: column.name }),
  }));
  const item: BoundFromItem = Object.freeze({ kind: 'table', table, alias: reference.alias?.name, width: columns.length });
  return { item, entries: [{ name, columns: renamed(binder, columns, reference.alias, name), offset: 0 }] };
}

/** A system view: the rows of its function, with the view's name (or the alias) as the range name. */
function bindSystemView(binder: Binder, reference: ast.TableReference, view: SystemView): BoundFrom {
  const resolved = resolveCatalogFunction(binder, view.functionName, [], [], reference.relation.location);
  const resultType = resolved.resultType;
  const fields = resultType.fields ?? [];
  const entryName = reference.alias?.name ?? view.name;
  const columns = renamed(binder, fields.map((field) => ({ name: field.name, type: field.type })), reference.alias, entryName);
  const item: BoundFromItem = Object.freeze({
    kind: 'function',
    name: view.name,
    alias: reference.alias?.name,
    function: resolved.function,
    arguments: resolved.arguments,
    resultType,
    expandRecord: true,
    withOrdinality: false,
    width: columns.length,
  });
  return { item, entries: [{ name: entryName, columns, offset: 0 }] };
}

function bindFunctionSource(binder: Binder, reference: ast.FunctionReference, outer: Scope | undefined): BoundFrom {
  const call = reference.call;
  const name = call.name[call.name.length - 1] as string;
  if (isAggregateName(name)) {
    throw binder.error(SqlState.groupingError, 'aggregate functions are not allowed in functions in FROM', call.location);
  }
  if (call.star || call.distinct || call.orderBy.length > 0 || call.filter !== undefined) {
    throw binder.error(SqlState.wrongObjectType, `${call.star ? `${name}(*)` : 'DISTINCT'} specified, but ${name} is not an aggregate function`, call.location);
  }
  // The arguments see no column of this level (no LATERAL), only enclosing ones.
  const state: ExpressionState = { scope: Scope.empty(outer), clause: 'functions in FROM', aggregates: undefined, insideAggregate: false, topOfTarget: false };
  const args = call.arguments.map((argument) => bindExpression(binder, argument, state));
  const resolved = resolveCatalogFunction(binder, name, args, call.arguments.map(leftmostLocation), call.location);
  const fn = resolved.function;
  const resultType = resolved.resultType;
  const fields = resultType.fields;
  const expandRecord = fields !== undefined && fields.length > 0;
  const entryName = reference.alias?.name ?? name;
  let columns: ScopeColumn[] = expandRecord
    ? fields.map((field) => ({ name: field.name, type: field.type }))
    : [{ name: reference.alias !== undefined && reference.alias.columns.length === 0 ? reference.alias.name : name, type: resultType }];
  if (reference.withOrdinality) columns.push({ name: 'ordinality', type: sqlTypes.int8 });
  columns = renamed(binder, columns, reference.alias, entryName);
  const item: BoundFromItem = Object.freeze({
    kind: 'function',
    name,
    alias: reference.alias?.name,
    function: fn,
    arguments: resolved.arguments,
    resultType,
    expandRecord,
    withOrdinality: reference.withOrdinality,
    width: columns.length,
  });
  return { item, entries: [{ name: entryName, columns, offset: 0 }] };
}

function bindSubquerySource(binder: Binder, reference: ast.SubqueryReference, outer: Scope | undefined): BoundFrom {
  const query = bindQuery(binder, reference.query, outer);
  const name = reference.alias?.name ?? (reference.query.kind === 'values' ? '*VALUES*' : 'unnamed_subquery');
  const columns = renamed(binder, query.columns, reference.alias, name);
  const item: BoundFromItem = Object.freeze({ kind: 'subquery', query, name, width: columns.length });
  return { item, entries: [{ name, columns, offset: 0 }] };
}

function bindJoin(binder: Binder, join: ast.JoinExpression, outer: Scope | undefined): BoundFrom {
  if (join.alias !== undefined) {
    throw binder.error(SqlState.featureNotSupported, 'aliases on joins are not supported', join.alias.location);
  }
  const left = bindFromItem(binder, join.left, outer);
  const right = bindFromItem(binder, join.right, outer);
  const usingNames = join.natural ? commonColumnNames(left, right) : join.using;
  return joinSources(binder, left, right, join.joinType, join.on, usingNames, join.location, outer);
}

function visibleNames(from: BoundFrom): string[] {
  return from.entries.flatMap((entry) => entry.columns.filter((column) => column.mergedAway !== true).map((column) => column.name));
}

function commonColumnNames(left: BoundFrom, right: BoundFrom): string[] {
  const rightNames = new Set(visibleNames(right));
  return [...new Set(visibleNames(left))].filter((name) => rightNames.has(name));
}

function joinSources(
  binder: Binder,
  left: BoundFrom,
  right: BoundFrom,
  joinType: ast.JoinExpression['joinType'],
  on: ast.Expression | undefined,
  usingNames: readonly string[] | undefined,
  location: number,
  outer?: Scope,
): BoundFrom {
  const leftWidth = left.item.width;
  for (const entry of right.entries) {
    if (left.entries.some((existing) => existing.name === entry.name)) {
      throw binder.error('42712', `table name "${entry.name}" specified more than once`, undefined);
    }
  }
  let rightEntries: RangeEntry[] = right.entries.map((entry) => ({ ...entry, offset: entry.offset + leftWidth }));
  let condition: BoundExpression | undefined;
  if (usingNames !== undefined && usingNames.length > 0) {
    if (joinType === 'right' || joinType === 'full') {
      throw binder.error(SqlState.featureNotSupported, `${joinType.toUpperCase()} JOIN with USING or NATURAL is not supported`, location);
    }
    const leftScope = new Scope(left.entries, undefined);
    const rightScope = new Scope(rightEntries, undefined);
    const conditions = usingNames.map((name) => {
      const side = (scope: Scope, which: string): BoundColumn => {
        try {
          return resolveColumn(scope, [name], location);
        } catch {
          throw binder.error(SqlState.undefinedColumn, `column "${name}" specified in USING clause does not exist in ${which} table`, location);
        }
      };
      const leftColumn = side(leftScope, 'left');
      const rightColumn = side(rightScope, 'right');
      rightEntries = rightEntries.map((entry) => ({
        ...entry,
        columns: entry.columns.map((column, index) =>
          entry.offset + index === rightColumn.index ? { ...column, mergedAway: true } : column,
        ),
      }));
      return bindOperator(binder, '=', leftColumn, rightColumn, location);
    });
    condition = conditions.length === 1 ? conditions[0] : Object.freeze({ kind: 'and', type: sqlTypes.bool as SqlType, arguments: Object.freeze(conditions) });
  } else if (on !== undefined) {
    const scope = new Scope([...left.entries, ...rightEntries], outer);
    const state: ExpressionState = { scope, clause: 'JOIN conditions', aggregates: undefined, insideAggregate: false, topOfTarget: false };
    condition = binder.requireBoolean(bindExpression(binder, on, state), 'JOIN/ON', leftmostLocation(on));
  }
  const item: BoundFromItem = Object.freeze({
    kind: 'join',
    joinType: joinType === 'inner' && condition === undefined ? 'cross' : joinType,
    left: left.item,
    right: right.item,
    condition,
    conditionSyntax: on,
    width: leftWidth + right.item.width,
  });
  return { item, entries: [...left.entries, ...rightEntries] };
}
