/**
 * INSERT, UPDATE and DELETE against the statement's write transaction. Rows reach storage in batches, which
 * checks types, NOT NULL and unique constraints with PostgreSQL's errors; a failure anywhere fails the
 * statement and the caller rolls the transaction back, so a statement never leaves part of its rows. Added rows
 * (and the new versions of updated ones) go to the table's kmersearch indexes in the same transaction
 * (index-maintenance.ts); deleted ones vanish from index searches with their visibility. Rows of a partitioned
 * table go through src/partition: routed by hash, moved by an UPDATE of the DNA value, unique across partitions.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import {
  deletePartitionedRows,
  insertPartitionedRows,
  isPartitionedTable,
  updatePartitionedRows,
  type PartitionWrite,
} from '../../partition/index.js';
import type { ColumnValue, RowUpdate, TableRecord, WriteTransaction } from '../../storage/index.js';
import type * as ast from '../ast.js';
import type { BoundExpression, Row } from '../binder/bound.js';
import { type BoundReturning, type InsertValue, bindDelete, bindInsert, bindUpdate } from '../binder/modify.js';
import { runStatementActions } from './statement-actions.js';
import type { Evaluator } from '../expression.js';
import { planQuery, planTableAccess } from '../planner.js';
import type { SqlValue } from '../types.js';
import { type StatementContext, type StatementOutcome, commandOutcome, forEachBatch, rowsOutcome, topEnvironment } from './context.js';
import type { Environment } from './runtime.js';

/** Rows handed to storage at once. */
const writeBatchRows = 512;

/** Marks a value left to the column's default (DEFAULT in VALUES, or a column not in the INSERT's list). */
const DEFAULT: unique symbol = Symbol('default');

export function requireWrite(context: StatementContext): WriteTransaction {
  const write = context.runtime.write;
  if (write === undefined) throw new KmerSearchError(SqlState.internalError, 'data-changing statement without a write transaction');
  return write;
}

/**
 * Appends complete rows to a table in the statement's write transaction. Every statement that adds rows (INSERT,
 * COPY FROM) goes through here, so work that must follow each inserted batch (index maintenance) has one place.
 */
export function insertTableRows(context: StatementContext, table: TableRecord, rows: readonly Row[]): void {
  if (rows.length === 0) return;
  const write = requireWrite(context);
  if (isPartitionedTable(table)) {
    // Each row goes to the partition its DNA value hashes to (src/partition), with that partition's indexes.
    for (const written of insertPartitionedRows(write, table, rows as unknown as ColumnValue[][])) partitionRowsAdded(context, write, written);
    return;
  }
  const rowIds = write.insertRows(table.id, rows as unknown as ColumnValue[][]);
  context.runtime.indexMaintenance.rowsAdded(write, table, rows, rowIds);
}

function partitionRowsAdded(context: StatementContext, write: WriteTransaction, written: PartitionWrite): void {
  context.runtime.indexMaintenance.rowsAdded(write, written.partition, written.rows as unknown as Row[], written.rowIds as number[]);
}

function compileOptional(context: StatementContext, expressions: readonly (BoundExpression | undefined)[]): (Evaluator | undefined)[] {
  return expressions.map((expression) => (expression === undefined ? undefined : context.compiler.expression(expression)));
}

class ReturningRows {
  readonly rows: Row[] = [];
  private readonly targets: Evaluator[];

  constructor(
    context: StatementContext,
    readonly returning: BoundReturning,
  ) {
    this.targets = returning.targets.map((target) => context.compiler.expression(target.expression));
  }

  add(row: Row, environment: Environment): void {
    this.rows.push(this.targets.map((target) => target(row, environment)));
  }
}

function outcome(tag: string, count: number, returning: ReturningRows | undefined): StatementOutcome {
  return returning === undefined ? commandOutcome(tag, count) : rowsOutcome(returning.returning.columns, returning.rows, tag, count);
}

export async function executeInsert(context: StatementContext, statement: ast.InsertStatement): Promise<StatementOutcome> {
  const bound = bindInsert(context.binder, statement);
  if (bound.source.kind === 'query') await runStatementActions(context, bound.source.query);
  const environment = topEnvironment(context);
  const table = bound.table;
  const defaults = compileOptional(context, bound.defaults);
  const returning = bound.returning === undefined ? undefined : new ReturningRows(context, bound.returning);
  const position = new Map(bound.targetColumns.map((column, index) => [column, index]));
  let batch: Row[] = [];
  let inserted = 0;

  const flush = (): void => {
    if (batch.length === 0) return;
    insertTableRows(context, table, batch);
    inserted += batch.length;
    if (returning !== undefined) for (const row of batch) returning.add(row, environment);
    batch = [];
    context.runtime.checkCancelled();
  };
  /** The complete row: given values in their columns, defaults (or NULL) elsewhere. */
  const addRow = (values: readonly (SqlValue | typeof DEFAULT)[]): void => {
    const row: Row = table.columns.map((_, column) => {
      const index = position.get(column);
      const value = index === undefined ? DEFAULT : values[index];
      if (value !== DEFAULT && value !== undefined) return value;
      const evaluate = defaults[column];
      return evaluate === undefined ? null : evaluate([], environment);
    });
    batch.push(row);
    if (batch.length >= writeBatchRows) flush();
  };

  const source = bound.source;
  switch (source.kind) {
    case 'defaultValues':
      addRow([]);
      break;
    case 'values': {
      const rows = source.rows.map((row) => row.map((value: InsertValue) => (value === 'default' ? DEFAULT : context.compiler.expression(value))));
      for (const row of rows) addRow(row.map((value) => (value === DEFAULT ? DEFAULT : value([], environment))));
      break;
    }
    case 'query': {
      const { converters } = source;
      const rows = context.compiler.compile(planQuery(source.query, context.compiler.planning));
      await forEachBatch(rows, environment, (emission) => {
        for (const row of emission) addRow(converters.map((convert, index) => {
          const value = row[index] ?? null;
          return value === null ? null : convert(value);
        }));
      });
      break;
    }
  }
  flush();
  return outcome(`INSERT 0 ${inserted}`, inserted, returning);
}

export async function executeUpdate(context: StatementContext, statement: ast.UpdateStatement): Promise<StatementOutcome> {
  const bound = bindUpdate(context.binder, statement);
  const write = requireWrite(context);
  const environment = topEnvironment(context);
  const table = bound.table;
  const width = table.columns.length;
  const filter = bound.where === undefined ? undefined : { condition: bound.where, syntax: bound.whereSyntax };
  const scan = context.compiler.compile(planTableAccess(bound.source, filter, true, context.compiler.planning));
  const defaults = compileOptional(context, bound.defaults);
  const assignments = bound.assignments.map((assignment) => ({
    columnIndex: assignment.columnIndex,
    evaluate: assignment.value === 'default' ? (defaults[assignment.columnIndex] ?? (() => null)) : context.compiler.expression(assignment.value),
  }));
  // The new versions are computed from a complete scan first, then written, so the scan never meets them.
  const updates: RowUpdate[] = [];
  await forEachBatch(scan, environment, (rows) => {
    for (const row of rows) {
      const old = row.slice(0, width);
      const next = old.slice();
      for (const assignment of assignments) next[assignment.columnIndex] = assignment.evaluate(old, environment);
      updates.push({ rowId: row[width] as number, values: next as ColumnValue[] });
    }
  });
  const returning = bound.returning === undefined ? undefined : new ReturningRows(context, bound.returning);
  let updated = 0;
  const partitioned = isPartitionedTable(table);
  for (let start = 0; start < updates.length; start += writeBatchRows) {
    const chunk = updates.slice(start, start + writeBatchRows);
    if (partitioned) {
      // A new version whose DNA value hashes elsewhere moves to that partition (src/partition).
      const outcome = updatePartitionedRows(write, table, chunk);
      for (const written of outcome.writes) partitionRowsAdded(context, write, written);
      outcome.updated.forEach((done, index) => {
        if (!done) return;
        updated++;
        returning?.add((chunk[index] as RowUpdate).values as Row, environment);
      });
      context.runtime.checkCancelled();
      continue;
    }
    const newIds = write.updateRows(table.id, chunk);
    context.runtime.indexMaintenance.rowsAdded(write, table, chunk.map((update) => update.values as Row), newIds);
    newIds.forEach((id, index) => {
      if (id === null) return;
      updated++;
      returning?.add((chunk[index] as RowUpdate).values as Row, environment);
    });
    context.runtime.checkCancelled();
  }
  return outcome(`UPDATE ${updated}`, updated, returning);
}

export async function executeDelete(context: StatementContext, statement: ast.DeleteStatement): Promise<StatementOutcome> {
  const bound = bindDelete(context.binder, statement);
  const write = requireWrite(context);
  const environment = topEnvironment(context);
  const width = bound.table.columns.length;
  const filter = bound.where === undefined ? undefined : { condition: bound.where, syntax: bound.whereSyntax };
  const scan = context.compiler.compile(planTableAccess(bound.source, filter, true, context.compiler.planning));
  const rowIds: number[] = [];
  const returning = bound.returning === undefined ? undefined : new ReturningRows(context, bound.returning);
  await forEachBatch(scan, environment, (rows) => {
    for (const row of rows) {
      rowIds.push(row[width] as number);
      returning?.add(row.slice(0, width), environment);
    }
  });
  const deleted = isPartitionedTable(bound.table)
    ? deletePartitionedRows(write, bound.table, rowIds)
    : write.deleteRows(bound.table.id, rowIds);
  return outcome(`DELETE ${deleted}`, deleted, returning);
}
