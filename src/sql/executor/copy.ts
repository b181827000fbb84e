/**
 * COPY: `COPY t [(cols)] FROM 'path' | STDIN [WITH (…)] [WHERE …]`, `COPY t [(cols)] | (query) TO 'path' | STDOUT
 * [WITH (…)]`. Formats: PostgreSQL's text and CSV (src/formats' codecs, checked against PostgreSQL 15), and
 * kmersearch's FASTA and FASTQ for loading (FASTA also for writing).
 *
 * Why it is built this way:
 * - One statement, one write transaction: rows reach storage in the reader's batches, which storage appends as
 *   unpublished blocks (constant memory), and the statement's commit publishes them all or — on any error, a
 *   malformed record at the end of a 100 GB file included — none.
 * - Relative paths are taken as Node takes them, against the process's working directory (PostgreSQL: its data
 *   directory, which an embedded engine does not have; docs/deviations.md). Messages name the path as written.
 * - PostgreSQL reports where an input error happened in a CONTEXT line (`COPY t, line 3, column n: "x"`).
 *   KmerSearchError has no context field, so the same text goes to the error's DETAIL (after an existing detail).
 */
import { open, type FileHandle } from 'node:fs/promises';
import { KmerSearchError, SqlState, asKmerSearchError } from '../../errors.js';
import {
  CopyInputError,
  type InputBytes,
  checkCopyFieldCount,
  formatFastaRecord,
  openInputFile,
  openSequenceFile,
  readCopyRows,
  readSequenceStream,
  resolveCopyOptions,
  encodeCopyHeader,
  encodeCopyRow,
  streamInput,
  type SequenceReader,
} from '../../formats/index.js';
import { fileOpenError, fileWriteError } from '../../formats/format-errors.js';
import { notNullViolation, type ColumnRecord, type TableRecord } from '../../storage/index.js';
import type * as ast from '../ast.js';
import type { Binder, ExpressionState } from '../binder/binder.js';
import type { BoundExpression, OutputColumn, Row } from '../binder/bound.js';
import { bindExpression } from '../binder/expressions.js';
import { bindColumnDefaults, bindTargetTable } from '../binder/modify.js';
import { bindQuery } from '../binder/query.js';
import { Scope } from '../binder/scope.js';
import { columnSqlType } from '../column-types.js';
import type { Evaluator } from '../expression.js';
import { planQuery, planTableAccess } from '../planner.js';
import type { CopyInput, CopyOutput } from '../result.js';
import { type SqlType, type SqlValue, formatValue, parseValue } from '../types.js';
import { type StatementContext, type StatementOutcome, commandOutcome, topEnvironment, yieldToEventLoop } from './context.js';
import { type CopyStatementOptions, formatOptionsFor, readCopyOptions } from './copy-options.js';
import { insertTableRows } from './modify.js';
import { PAUSE, type RowSource } from './operators.js';
import type { Environment } from './runtime.js';

/** Rows handed to storage at once for text/CSV input. */
const textBatchRows = 2048;
/**
 * FASTA/FASTQ records go to storage in batches of about this many bases: large enough that per-batch costs
 * vanish, small enough that progress and cancellation come several times a second.
 */
const sequenceBatchBases = 1 << 20;
/** Output is written in pieces of about this many characters. */
const outputChunkCharacters = 256 * 1024;
/** COPY TO reports rows written at most this often (the total is unknown until the scan ends). */
const progressIntervalMilliseconds = 100;
/** PostgreSQL's CONTEXT shows at most this much of a bad value (limit_printout_length). */
const contextValueCharacters = 100;

export async function executeCopy(context: StatementContext, statement: ast.CopyStatement): Promise<StatementOutcome> {
  const options = readCopyOptions(context.binder, statement.options);
  const count = statement.direction === 'from' ? await copyFrom(context, statement, options) : await copyTo(context, statement, options);
  return commandOutcome(`COPY ${count}`, count);
}

// ---------------------------------------------------------------------------------------------------------------
// Shared pieces

/** CopyGetAttnums: the named columns in order, or all of them; 42703 / 42701 as PostgreSQL words them. */
function copyColumnIndexes(table: TableRecord, names: readonly string[]): number[] {
  if (names.length === 0) return table.columns.map((_, index) => index);
  return names.map((name, position) => {
    const index = table.columns.findIndex((column) => column.name === name);
    if (index < 0) throw new KmerSearchError(SqlState.undefinedColumn, `column "${name}" of relation "${table.name}" does not exist`);
    if (names.indexOf(name) !== position) throw new KmerSearchError(SqlState.duplicateColumn, `column "${name}" specified more than once`);
    return index;
  });
}

/** The error with `where` (PostgreSQL's CONTEXT line) added to its DETAIL. */
function withCopyContext(error: unknown, where: string): KmerSearchError {
  const failure = asKmerSearchError(error);
  if (failure.code === SqlState.queryCanceled) return failure;
  return new KmerSearchError(failure.code, failure.message, {
    detail: failure.detail === undefined ? where : `${failure.detail}\n${where}`,
    hint: failure.hint,
    position: failure.position,
    cause: failure,
  });
}

function shownValue(value: string): string {
  return value.length > contextValueCharacters ? `${value.slice(0, contextValueCharacters)}...` : value;
}

function isDnaColumn(column: ColumnRecord): boolean {
  return column.type.name === 'dna2' || column.type.name === 'dna4';
}

function isTextColumn(column: ColumnRecord): boolean {
  return column.type.name === 'text' || column.type.name === 'varchar';
}

function stdinSource(input: CopyInput | undefined): AsyncIterable<Uint8Array> {
  if (input === undefined) {
    throw new KmerSearchError(SqlState.featureNotSupported, 'COPY FROM STDIN needs the data as QueryOptions.stdin', {
      hint: 'Pass the data as the stdin option of query() or exec(), or COPY FROM a file.',
    });
  }
  return (async function* () {
    for await (const chunk of input) yield typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk;
  })();
}

// ---------------------------------------------------------------------------------------------------------------
// COPY FROM

/** How a parsed input row becomes a table row: target columns, their types, defaults and the WHERE filter. */
class RowBuilder {
  readonly targetTypes: readonly SqlType[];
  private readonly defaults: readonly (Evaluator | undefined)[];
  private readonly isTarget: readonly boolean[];
  private readonly filter: Evaluator | undefined;

  constructor(
    context: StatementContext,
    readonly table: TableRecord,
    readonly targetColumns: readonly number[],
    where: ast.Expression | undefined,
    private readonly environment: Environment,
  ) {
    this.targetTypes = targetColumns.map((index) => columnSqlType((table.columns[index] as ColumnRecord).type));
    const targets = new Set(targetColumns);
    this.isTarget = table.columns.map((_, index) => targets.has(index));
    const others = table.columns.map((_, index) => index).filter((index) => !targets.has(index));
    this.defaults = bindColumnDefaults(context.binder, table, others).map((bound) =>
      bound === undefined ? undefined : context.compiler.expression(bound),
    );
    this.filter = where === undefined ? undefined : context.compiler.expression(bindCopyWhere(context.binder, table, where));
  }

  /** The full row (defaults evaluated, as PostgreSQL does, before WHERE), or undefined when WHERE drops it. */
  build(values: readonly SqlValue[]): Row | undefined {
    const columns = this.table.columns;
    const row: SqlValue[] = new Array<SqlValue>(columns.length);
    for (let index = 0; index < columns.length; index++) {
      if (this.isTarget[index] === true) continue;
      const evaluate = this.defaults[index];
      row[index] = evaluate === undefined ? null : evaluate([], this.environment);
    }
    for (let position = 0; position < this.targetColumns.length; position++) {
      row[this.targetColumns[position] as number] = values[position] ?? null;
    }
    if (this.filter !== undefined && this.filter(row, this.environment) !== true) return undefined;
    return row;
  }

  /** NOT NULL with storage's own error, checked here so that the error can say which record broke it. */
  checkNotNull(row: Row): void {
    const columns = this.table.columns;
    for (let index = 0; index < columns.length; index++) {
      if ((columns[index] as ColumnRecord).notNull && row[index] === null) {
        throw notNullViolation(this.table, index, row as never, (type, value) => formatValue(value as SqlValue, columnSqlType(type)));
      }
    }
  }
}

function bindCopyWhere(binder: Binder, table: TableRecord, where: ast.Expression): BoundExpression {
  const scope = new Scope(
    [{ name: table.name, columns: table.columns.map((column) => ({ name: column.name, type: columnSqlType(column.type) })), offset: 0 }],
    undefined,
  );
  const state: ExpressionState = { scope, clause: 'WHERE', aggregates: undefined, insideAggregate: false, topOfTarget: false };
  return binder.requireBoolean(bindExpression(binder, where, state), 'WHERE', where.location);
}

async function copyFrom(context: StatementContext, statement: ast.CopyStatement, options: CopyStatementOptions): Promise<number> {
  const binder = context.binder;
  const relation = statement.relation;
  if (relation === undefined) throw binder.error(SqlState.syntaxError, 'COPY FROM needs a table', statement.location);
  const table = bindTargetTable(binder, relation);
  const environment = topEnvironment(context);
  if (options.format === 'fasta' || options.format === 'fastq') {
    const [nameColumn, sequenceColumn] = sequenceTargetColumns(table, statement.columns, options.format);
    return copyFromSequences(context, statement, options.format, table, nameColumn, sequenceColumn);
  }
  const targetColumns = copyColumnIndexes(table, statement.columns);
  const columnNames = targetColumns.map((index) => (table.columns[index] as ColumnRecord).name);
  const formatOptions = formatOptionsFor(binder, options, columnNames, statement.location);
  resolveCopyOptions(formatOptions, 'from');
  const builder = new RowBuilder(context, table, targetColumns, statement.where, environment);
  return copyFromText(context, statement, builder, formatOptions, columnNames);
}

/**
 * The columns FASTA/FASTQ records fill: the record's name, then its sequence. Without a list, the first
 * text/varchar column takes the name (none: names are dropped) and the first dna2/dna4 column the sequence; a
 * list of two columns is (name, sequence); a list of one is the sequence when it is a DNA column, else the name.
 */
function sequenceTargetColumns(table: TableRecord, names: readonly string[], format: 'fasta' | 'fastq'): [number, number] {
  const columns = table.columns;
  const label = format.toUpperCase();
  if (names.length === 0) {
    const sequence = columns.findIndex(isDnaColumn);
    if (sequence < 0) {
      throw new KmerSearchError(SqlState.invalidColumnReference, `relation "${table.name}" has no dna2 or dna4 column for the ${label} sequences`, {
        hint: `Name the columns that receive the record's name and sequence: COPY ${table.name} (name_column, sequence_column) FROM …`,
      });
    }
    const name = columns.findIndex(isTextColumn);
    return name < 0 ? [-1, sequence] : [name, sequence];
  }
  const indexes = copyColumnIndexes(table, names);
  if (indexes.length > 2) {
    throw new KmerSearchError(SqlState.syntaxError, `COPY FORMAT ${format} takes at most two columns: the record's name and its sequence`);
  }
  if (indexes.length === 1) {
    const only = indexes[0] as number;
    return isDnaColumn(columns[only] as ColumnRecord) ? [-1, only] : [only, -1];
  }
  return [indexes[0] as number, indexes[1] as number];
}

async function openSequenceInput(
  context: StatementContext,
  statement: ast.CopyStatement,
  format: 'fasta' | 'fastq',
): Promise<SequenceReader> {
  if (statement.file === undefined) {
    return readSequenceStream(stdinSource(context.copyInput), { format, fileName: 'STDIN', batchBases: sequenceBatchBases });
  }
  return openSequenceFile(statement.file, { format, batchBases: sequenceBatchBases });
}

async function copyFromSequences(
  context: StatementContext,
  statement: ast.CopyStatement,
  format: 'fasta' | 'fastq',
  table: TableRecord,
  nameColumn: number,
  sequenceColumn: number,
): Promise<number> {
  // A record field that no column receives has column −1.
  const targets = [nameColumn, sequenceColumn].filter((index) => index >= 0);
  const rowBuilder = new RowBuilder(context, table, targets, statement.where, topEnvironment(context));
  const nameType = nameColumn >= 0 ? columnSqlType((table.columns[nameColumn] as ColumnRecord).type) : undefined;
  const sequenceRecord = sequenceColumn >= 0 ? (table.columns[sequenceColumn] as ColumnRecord) : undefined;
  const sequenceType = sequenceRecord === undefined ? undefined : columnSqlType(sequenceRecord.type);
  // DNA input takes either case; anything else (a text column) gets the sequence upper-cased, as DNA prints it.
  const upperCase = sequenceRecord !== undefined && !isDnaColumn(sequenceRecord);
  const reader = await openSequenceInput(context, statement, format);
  const fileLabel = statement.file === undefined ? 'STDIN' : `file "${statement.file}"`;
  const report = (): void => {
    const progress = reader.progress();
    context.progress({ operation: 'COPY', done: progress.bytesRead, total: progress.totalBytes, unit: 'bytes' });
  };
  let copied = 0;
  let firstRecordOfBatch = 1;
  try {
    report();
    for await (const batch of reader) {
      const rows: Row[] = [];
      for (const record of batch) {
        const values: SqlValue[] = [];
        let column = '';
        try {
          if (nameType !== undefined) {
            column = (table.columns[nameColumn] as ColumnRecord).name;
            values.push(parseValue(record.name, nameType));
          }
          if (sequenceType !== undefined) {
            column = (sequenceRecord as ColumnRecord).name;
            values.push(parseValue(upperCase ? record.sequence.toUpperCase() : record.sequence, sequenceType));
          }
          column = '';
          const row = rowBuilder.build(values);
          if (row === undefined) continue;
          rowBuilder.checkNotNull(row);
          rows.push(row);
        } catch (error) {
          const where = `COPY ${table.name}, ${fileLabel}, record ${record.recordNumber} ("${shownValue(record.name)}", header at line ${record.line})`;
          throw withCopyContext(error, column === '' ? where : `${where}, column ${column}`);
        }
      }
      try {
        insertTableRows(context, table, rows);
      } catch (error) {
        const last = firstRecordOfBatch + batch.length - 1;
        throw withCopyContext(error, `COPY ${table.name}, ${fileLabel}, one of records ${firstRecordOfBatch} to ${last}`);
      }
      copied += rows.length;
      firstRecordOfBatch += batch.length;
      report();
      context.runtime.checkCancelled();
    }
  } finally {
    await reader.close();
  }
  return copied;
}

async function copyFromText(
  context: StatementContext,
  statement: ast.CopyStatement,
  builder: RowBuilder,
  formatOptions: ReturnType<typeof formatOptionsFor>,
  columnNames: readonly string[],
): Promise<number> {
  const table = builder.table;
  const types = builder.targetTypes;
  const ioOptions = context.runtime.ioOptions;
  // PostgreSQL reads COPY files as stored; gzip data would simply be invalid text.
  const input: InputBytes =
    statement.file === undefined
      ? streamInput(stdinSource(context.copyInput), { fileName: 'STDIN', decompress: 'none' })
      : await openInputFile(statement.file, { decompress: 'none' });
  const report = (): void => context.progress({ operation: 'COPY', done: input.bytesRead, total: input.totalBytes, unit: 'bytes' });
  let copied = 0;
  let lineNumber = 0;
  try {
    report();
    let pending: Row[] = [];
    let pendingFirstLine = 0;
    const flush = (): void => {
      if (pending.length === 0) return;
      try {
        insertTableRows(context, table, pending);
      } catch (error) {
        throw withCopyContext(error, `COPY ${table.name}, one of lines ${pendingFirstLine} to ${lineNumber}`);
      }
      copied += pending.length;
      pending = [];
    };
    for await (const rows of readCopyRows(input, formatOptions, { columnNames })) {
      for (const parsed of rows) {
        lineNumber = parsed.lineNumber;
        if (pending.length === 0) pendingFirstLine = lineNumber;
        let column = -1;
        try {
          checkCopyFieldCount(parsed, columnNames);
          const values: SqlValue[] = new Array<SqlValue>(types.length);
          for (column = 0; column < types.length; column++) {
            const field = parsed.fields[column] ?? null;
            values[column] = field === null ? null : parseValue(field, types[column] as SqlType, ioOptions);
          }
          column = -1;
          const row = builder.build(values);
          if (row === undefined) continue;
          builder.checkNotNull(row);
          pending.push(row);
        } catch (error) {
          let where = `COPY ${table.name}, line ${lineNumber}`;
          const field = column >= 0 ? parsed.fields[column] : undefined;
          if (column >= 0) where += `, column ${columnNames[column] ?? ''}${field === undefined || field === null ? '' : `: "${shownValue(field)}"`}`;
          throw withCopyContext(error, where);
        }
        if (pending.length >= textBatchRows) flush();
      }
      flush();
      report();
      context.runtime.checkCancelled();
    }
    flush();
  } catch (error) {
    if (error instanceof CopyInputError) throw withCopyContext(error, `COPY ${table.name}, line ${error.lineNumber}`);
    throw error;
  } finally {
    await input.close();
  }
  return copied;
}

// ---------------------------------------------------------------------------------------------------------------
// COPY TO

/** Where COPY TO's bytes go: a file opened for writing, or the caller's STDOUT sink, in pieces of ~256 KiB. */
class CopyOutputBuffer {
  private pieces: string[] = [];
  private characters = 0;

  private constructor(
    private readonly write: (bytes: Buffer) => Promise<void>,
    private readonly done: () => Promise<void>,
  ) {}

  static async open(path: string | undefined, sink: CopyOutput | undefined): Promise<CopyOutputBuffer> {
    if (path === undefined) {
      if (sink === undefined) {
        throw new KmerSearchError(SqlState.featureNotSupported, 'COPY TO STDOUT needs a receiver as QueryOptions.stdout', {
          hint: 'Pass a stdout callback to query() or exec(), or COPY TO a file.',
        });
      }
      return new CopyOutputBuffer(async (bytes) => sink(bytes), async () => undefined);
    }
    let handle: FileHandle;
    try {
      handle = await open(path, 'w');
    } catch (error) {
      throw fileOpenError(path, error, 'writing');
    }
    return new CopyOutputBuffer(
      async (bytes) => {
        try {
          await handle.write(bytes);
        } catch (error) {
          throw fileWriteError(path, error);
        }
      },
      () => handle.close(),
    );
  }

  async add(text: string): Promise<void> {
    this.pieces.push(text);
    this.characters += text.length;
    if (this.characters >= outputChunkCharacters) await this.flush();
  }

  async flush(): Promise<void> {
    if (this.pieces.length === 0) return;
    const bytes = Buffer.from(this.pieces.join(''), 'utf8');
    this.pieces = [];
    this.characters = 0;
    await this.write(bytes);
  }

  async close(): Promise<void> {
    await this.done();
  }
}

interface CopySource {
  readonly columns: readonly OutputColumn[];
  readonly rows: RowSource;
  readonly label: string;
}

function copyToSource(context: StatementContext, statement: ast.CopyStatement): CopySource {
  const binder = context.binder;
  if (statement.query !== undefined) {
    const query = statement.query;
    if (query.kind !== 'select' && query.kind !== 'values' && query.kind !== 'setOperation') {
      throw binder.error(SqlState.featureNotSupported, `COPY (${query.kind.toUpperCase()} …) TO is not supported`, statement.location);
    }
    const bound = bindQuery(binder, query, undefined);
    return { columns: bound.columns, rows: context.compiler.compile(planQuery(bound, context.compiler.planning)), label: 'query' };
  }
  const relation = statement.relation as ast.RelationName;
  const table = bindTargetTable(binder, relation);
  const indexes = copyColumnIndexes(table, statement.columns);
  const scan = context.compiler.compile(planTableAccess({ kind: 'table', table, alias: undefined, width: table.columns.length }, undefined, false, context.compiler.planning));
  const wanted = indexes.every((index, position) => index === position) && indexes.length === table.columns.length;
  const rows: CopySource['rows'] = wanted
    ? scan
    : function* (environment) {
        for (const emission of scan(environment)) {
          yield emission === PAUSE ? PAUSE : emission.map((row) => indexes.map((index) => row[index] ?? null));
        }
      };
  const columns = indexes.map((index) => {
    const column = table.columns[index] as ColumnRecord;
    return { name: column.name, type: columnSqlType(column.type) };
  });
  return { columns, rows, label: table.name };
}

async function copyTo(context: StatementContext, statement: ast.CopyStatement, options: CopyStatementOptions): Promise<number> {
  const binder = context.binder;
  if (options.format === 'fastq') {
    throw binder.error(SqlState.featureNotSupported, 'COPY TO in FASTQ format is not supported', statement.location, {
      hint: 'COPY TO writes FASTA, text or CSV.',
    });
  }
  const source = copyToSource(context, statement);
  const columnNames = source.columns.map((column) => column.name);
  const types = source.columns.map((column) => column.type);
  const ioOptions = context.runtime.ioOptions;
  const formatRow = (row: Row): (string | null)[] =>
    types.map((type, index) => {
      const value = row[index] ?? null;
      return value === null ? null : formatValue(value, type, ioOptions);
    });

  let encode: (row: Row) => string;
  let header = '';
  if (options.format === 'fasta') {
    if (types.length !== 2) {
      throw binder.error(SqlState.syntaxError, 'COPY TO in FASTA format needs two columns: the name and the sequence', statement.location);
    }
    encode = (row) => {
      const [name, sequence] = formatRow(row);
      return formatFastaRecord({ name: name ?? '', sequence: sequence ?? '' });
    };
  } else {
    const formatOptions = formatOptionsFor(binder, options, columnNames, statement.location);
    const resolved = resolveCopyOptions(formatOptions, 'to');
    if (resolved.header === true) header = encodeCopyHeader(columnNames, resolved);
    encode = (row) => encodeCopyRow(formatRow(row), resolved);
  }

  const output = await CopyOutputBuffer.open(statement.file, context.copyOutput);
  const environment = topEnvironment(context);
  let copied = 0;
  let lastReport = 0;
  try {
    if (header.length > 0) await output.add(header);
    for (const emission of source.rows(environment)) {
      if (emission === PAUSE) {
        await yieldToEventLoop();
        environment.runtime.eventLoop.taken();
        environment.runtime.checkCancelled();
        continue;
      }
      for (const row of emission) {
        await output.add(encode(row));
        copied++;
      }
      const now = Date.now();
      if (now - lastReport >= progressIntervalMilliseconds) {
        lastReport = now;
        context.progress({ operation: 'COPY', done: copied, unit: 'rows' });
      }
    }
    await output.flush();
  } finally {
    await output.close();
  }
  context.progress({ operation: 'COPY', done: copied, total: copied, unit: 'rows' });
  return copied;
}
