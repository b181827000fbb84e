/**
 * Binding of INSERT, UPDATE and DELETE: the target table and columns, the values coerced to the column types by
 * assignment (PostgreSQL's 42804 `column "s" is of type dna2 but expression is of type text`, pointing at the
 * expression), DEFAULT and the columns' default expressions, WHERE, and RETURNING.
 */
import { KmerSearchError, SqlState, asKmerSearchError } from '../../errors.js';
import type { ColumnRecord, TableRecord } from '../../storage/index.js';
import type * as ast from '../ast.js';
import { columnSqlType } from '../column-types.js';
import { tokenize } from '../lexer.js';
import { parseExpression } from '../parser.js';
import {
  type SqlType,
  type SqlValue,
  assignmentTypeMismatchError,
  canCast,
  castValue,
} from '../types.js';
import { leftmostLocation } from './locations.js';
import { Binder, type ExpressionState } from './binder.js';
import type { BoundExpression, BoundQuery, BoundTableSource, BoundTarget, OutputColumn } from './bound.js';
import { bindExpression } from './expressions.js';
import { bindQuery, bindTargetList } from './query.js';
import { type RangeEntry, Scope } from './scope.js';

/** A value for one target column: an expression, or DEFAULT. */
export type InsertValue = BoundExpression | 'default';

export type InsertSource =
  | { readonly kind: 'values'; readonly rows: readonly (readonly InsertValue[])[] }
  | {
      readonly kind: 'query';
      readonly query: BoundQuery;
      /** Assignment casts of the query's columns to the target columns' types. */
      readonly converters: readonly ((value: SqlValue) => SqlValue)[];
    }
  | { readonly kind: 'defaultValues' };

export interface BoundReturning {
  readonly targets: readonly BoundTarget[];
  readonly columns: readonly OutputColumn[];
}

export interface BoundInsert {
  readonly kind: 'insert';
  readonly table: TableRecord;
  /** Table column index of each source column. */
  readonly targetColumns: readonly number[];
  readonly source: InsertSource;
  /** The default of every table column (undefined: NULL). */
  readonly defaults: readonly (BoundExpression | undefined)[];
  readonly returning: BoundReturning | undefined;
}

export interface BoundUpdate {
  readonly kind: 'update';
  readonly table: TableRecord;
  readonly source: BoundTableSource;
  readonly where: BoundExpression | undefined;
  readonly whereSyntax: ast.Expression | undefined;
  readonly assignments: readonly { readonly columnIndex: number; readonly value: InsertValue }[];
  readonly defaults: readonly (BoundExpression | undefined)[];
  readonly returning: BoundReturning | undefined;
}

export interface BoundDelete {
  readonly kind: 'delete';
  readonly table: TableRecord;
  readonly source: BoundTableSource;
  readonly where: BoundExpression | undefined;
  readonly whereSyntax: ast.Expression | undefined;
  readonly returning: BoundReturning | undefined;
}

export type BoundModification = BoundInsert | BoundUpdate | BoundDelete;

/** The table a data-changing statement writes to (42P01 at the name when missing). */
export function bindTargetTable(binder: Binder, relation: ast.RelationName): TableRecord {
  const qualified = relation.schema === undefined ? relation.name : `${relation.schema}.${relation.name}`;
  const entry = relation.schema === undefined || relation.schema === 'public' ? binder.view.findRelation(relation.name) : undefined;
  if (entry === undefined) throw binder.error(SqlState.undefinedTable, `relation "${qualified}" does not exist`, relation.location);
  const table = entry.kind === 'table' ? binder.view.getTable(entry.id) : undefined;
  if (table === undefined) throw binder.error(SqlState.wrongObjectType, `"${relation.name}" is not a table`, relation.location);
  return table;
}

function leftmostOf(expression: ast.Expression | undefined): number | undefined {
  return expression === undefined ? undefined : leftmostLocation(expression);
}

function tableScope(table: TableRecord, alias: string | undefined): Scope {
  const entry: RangeEntry = {
    name: alias ?? table.name,
    columns: table.columns.map((column) => ({
      name: column.name,
      type: columnSqlType(column.type),
      tableColumn: Object.freeze({ tableId: table.id, columnName: column.name }),
    })),
    offset: 0,
  };
  return new Scope([entry], undefined);
}

function tableSource(table: TableRecord, alias: string | undefined): BoundTableSource {
  return Object.freeze({ kind: 'table', table, alias, width: table.columns.length });
}

/**
 * The column defaults of a table, bound from their stored SQL text. Their errors have no position: the text is
 * not part of the statement (PostgreSQL reports none either).
 */
export function bindColumnDefaults(binder: Binder, table: TableRecord, columnIndexes: readonly number[]): (BoundExpression | undefined)[] {
  const defaults: (BoundExpression | undefined)[] = table.columns.map(() => undefined);
  for (const index of columnIndexes) {
    const column = table.columns[index] as ColumnRecord;
    if (column.defaultExpression === null) continue;
    const text = column.defaultExpression;
    const defaultBinder = new Binder({ source: text, catalog: binder.catalog, view: binder.view, relations: binder.relations, parameters: [] });
    try {
      const state: ExpressionState = { scope: Scope.empty(), clause: 'DEFAULT expressions', aggregates: undefined, insideAggregate: false, topOfTarget: false };
      const bound = bindExpression(defaultBinder, parseExpression(text), state);
      const type = columnSqlType(column.type);
      defaults[index] = defaultBinder.tryCoerce(bound, type, 'assignment', 0) ?? bound;
    } catch (error) {
      const failure = asKmerSearchError(error);
      failure.position = undefined;
      throw failure;
    }
  }
  return defaults;
}

/** Offsets of the names in `INSERT INTO t (a, b, …)`, for the positions of errors about them. */
function columnListLocations(binder: Binder, insert: ast.InsertStatement): number[] {
  const tokens = tokenize(binder.source);
  let index = tokens.findIndex((token) => token.offset > insert.table.location && token.text === '(');
  const locations: number[] = [];
  if (index < 0) return locations;
  for (index++; index < tokens.length; index++) {
    const token = tokens[index];
    if (token === undefined || token.text === ')') break;
    if (token.type === 'word' || token.type === 'quotedIdentifier') locations.push(token.offset);
  }
  return locations;
}

function coerceToColumn(binder: Binder, value: BoundExpression, column: ColumnRecord, location: number): BoundExpression {
  const type = columnSqlType(column.type);
  const coerced = binder.tryCoerce(value, type, 'assignment', location);
  if (coerced === undefined) {
    throw assignmentTypeMismatchError(column.name, type, value.type).withPosition(binder.position(location));
  }
  return coerced;
}

function bindReturning(binder: Binder, targets: readonly ast.Target[], scope: Scope): BoundReturning | undefined {
  if (targets.length === 0) return undefined;
  const bound = bindTargetList(binder, targets, scope, undefined, { resolveUnknowns: true }, 'RETURNING');
  return Object.freeze({
    targets: Object.freeze(bound),
    columns: Object.freeze(bound.map((target) => Object.freeze({ name: target.name, type: target.expression.type }))),
  });
}

function unsupported(binder: Binder, what: string, location: number): KmerSearchError {
  return binder.error(SqlState.featureNotSupported, `${what} is not supported`, location);
}

export function bindInsert(binder: Binder, insert: ast.InsertStatement): BoundInsert {
  if (insert.onConflict !== undefined) throw unsupported(binder, 'INSERT ... ON CONFLICT', insert.onConflict.location);
  const table = bindTargetTable(binder, insert.table);
  const explicitColumns = insert.columns.length > 0;
  const locations = explicitColumns ? columnListLocations(binder, insert) : [];
  const targetColumns = explicitColumns
    ? insert.columns.map((name, position) => {
        const index = table.columns.findIndex((column) => column.name === name);
        const location = locations[position] ?? insert.table.location;
        if (index < 0) {
          throw binder.error(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`, location);
        }
        if (insert.columns.indexOf(name) !== position) {
          throw binder.error(SqlState.duplicateColumn, `column "${name}" specified more than once`, location);
        }
        return index;
      })
    : table.columns.map((_, index) => index);
  const tooManyColumns = (count: number): KmerSearchError =>
    binder.error(SqlState.syntaxError, 'INSERT has more target columns than expressions', locations[count] ?? insert.table.location);

  let source: InsertSource;
  let width = 0;
  const query = insert.source;
  if (query === null) {
    source = { kind: 'defaultValues' };
  } else if (query.kind === 'values' && query.orderBy.length === 0 && query.limit === undefined && query.offset === undefined) {
    // Each VALUES row is coerced to the target columns directly (transformInsertRow), so literals read as dna2.
    const state: ExpressionState = { scope: Scope.empty(), clause: 'VALUES', aggregates: undefined, insideAggregate: false, topOfTarget: false };
    const rows = query.rows.map((row) => {
      if (row.length !== (query.rows[0]?.length ?? 0)) {
        throw binder.error(SqlState.syntaxError, 'VALUES lists must all be the same length', row[0]?.location ?? query.location);
      }
      if (row.length > targetColumns.length) {
        throw binder.error(SqlState.syntaxError, 'INSERT has more expressions than target columns', leftmostOf(row[targetColumns.length]));
      }
      if (explicitColumns && row.length < targetColumns.length) throw tooManyColumns(row.length);
      width = Math.max(width, row.length);
      return Object.freeze(
        row.map((expression, position): InsertValue => {
          if (expression.kind === 'setToDefault') return 'default';
          const column = table.columns[targetColumns[position] as number] as ColumnRecord;
          return coerceToColumn(binder, bindExpression(binder, expression, state), column, leftmostLocation(expression));
        }),
      );
    });
    source = { kind: 'values', rows: Object.freeze(rows) };
  } else {
    const bound = bindQuery(binder, query, undefined, { resolveUnknowns: false });
    const columns = bound.columns;
    const targetLocation = (position: number): number =>
      query.kind === 'select' ? leftmostOf(query.targets[position]?.expression) ?? query.location : query.location;
    if (columns.length > targetColumns.length) {
      throw binder.error(SqlState.syntaxError, 'INSERT has more expressions than target columns', targetLocation(targetColumns.length));
    }
    if (explicitColumns && columns.length < targetColumns.length) throw tooManyColumns(columns.length);
    width = columns.length;
    const converters = columns.map((output, position) => {
      const column = table.columns[targetColumns[position] as number] as ColumnRecord;
      return assignmentConverter(binder, output.type, column, targetLocation(position));
    });
    source = { kind: 'query', query: bound, converters: Object.freeze(converters) };
  }
  const used = targetColumns.slice(0, width);
  const defaultColumns = table.columns.map((_, index) => index).filter((index) => !used.includes(index) || source.kind === 'values');
  const defaults = bindColumnDefaults(binder, table, defaultColumns);
  return Object.freeze({
    kind: 'insert',
    table,
    targetColumns: Object.freeze(used),
    source,
    defaults: Object.freeze(defaults),
    returning: bindReturning(binder, insert.returning, tableScope(table, insert.alias)),
  });
}

function assignmentConverter(binder: Binder, source: SqlType, column: ColumnRecord, location: number): (value: SqlValue) => SqlValue {
  const target = columnSqlType(column.type);
  if (source.id === target.id && source.modifier === undefined && target.modifier === undefined) return (value) => value;
  if (source.id !== 'unknown' && !canCast(source, target, 'assignment')) {
    throw assignmentTypeMismatchError(column.name, target, source).withPosition(binder.position(location));
  }
  const options = binder.ioOptions;
  return (value) => castValue(value, source, target, 'assignment', options);
}

export function bindUpdate(binder: Binder, update: ast.UpdateStatement): BoundUpdate {
  if (update.from.length > 0) throw unsupported(binder, 'UPDATE ... FROM', update.from[0]?.location ?? update.location);
  const table = bindTargetTable(binder, update.table);
  const scope = tableScope(table, update.alias);
  const where = bindWhere(binder, update.where, scope);
  const state: ExpressionState = { scope, clause: 'UPDATE', aggregates: undefined, insideAggregate: false, topOfTarget: false };
  const assigned = new Set<number>();
  const assignments = update.assignments.map((assignment) => {
    const columnIndex = table.columns.findIndex((column) => column.name === assignment.column);
    if (columnIndex < 0) {
      throw binder.error(SqlState.undefinedColumn, `column "${assignment.column}" of relation "${table.name}" does not exist`, assignment.location);
    }
    if (assigned.has(columnIndex)) {
      throw binder.error(SqlState.syntaxError, `multiple assignments to same column "${assignment.column}"`, assignment.location);
    }
    assigned.add(columnIndex);
    const column = table.columns[columnIndex] as ColumnRecord;
    const value: InsertValue =
      assignment.value.kind === 'setToDefault'
        ? 'default'
        : coerceToColumn(binder, bindExpression(binder, assignment.value, state), column, leftmostLocation(assignment.value));
    return Object.freeze({ columnIndex, value });
  });
  const defaultColumns = assignments.filter((assignment) => assignment.value === 'default').map((assignment) => assignment.columnIndex);
  return Object.freeze({
    kind: 'update',
    table,
    source: tableSource(table, update.alias),
    where,
    whereSyntax: update.where,
    assignments: Object.freeze(assignments),
    defaults: Object.freeze(bindColumnDefaults(binder, table, defaultColumns)),
    returning: bindReturning(binder, update.returning, scope),
  });
}

export function bindDelete(binder: Binder, statement: ast.DeleteStatement): BoundDelete {
  if (statement.using.length > 0) throw unsupported(binder, 'DELETE ... USING', statement.using[0]?.location ?? statement.location);
  const table = bindTargetTable(binder, statement.table);
  const scope = tableScope(table, statement.alias);
  return Object.freeze({
    kind: 'delete',
    table,
    source: tableSource(table, statement.alias),
    where: bindWhere(binder, statement.where, scope),
    whereSyntax: statement.where,
    returning: bindReturning(binder, statement.returning, scope),
  });
}

function bindWhere(binder: Binder, where: ast.Expression | undefined, scope: Scope): BoundExpression | undefined {
  if (where === undefined) return undefined;
  const state: ExpressionState = { scope, clause: 'WHERE', aggregates: undefined, insideAggregate: false, topOfTarget: false };
  return binder.requireBoolean(bindExpression(binder, where, state), 'WHERE', leftmostLocation(where));
}
