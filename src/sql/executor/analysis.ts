/**
 * The statement actions of the high-frequency analysis (reference analysis §2, §2.10, §3; SPEC §6):
 *
 * - `kmersearch_perform_highfreq_analysis(table, column)`: the reference's argument resolution and errors, in its
 *   order; the count by src/analysis on `min(max_parallel_maintenance_workers, max_parallel_workers)` worker
 *   threads of the handle's pool (0: in the calling thread, F12) within `maintenance_work_mem`; progress in blocks
 *   to QueryOptions.onProgress and the reference's final INFO lines (F13); cancellation by the statement's signal
 *   or statement_timeout. The result is stored in the statement's write transaction and replaces the earlier one
 *   of the same (table, column, k, b) (F6): an error, a cancellation or a killed process leaves the earlier one.
 * - `kmersearch_undo_highfreq_analysis(table, column)`: removes every analysis of (table, column).
 * - `kmersearch_delete_tempfiles()`: removes spill files that dead processes left in the database directory.
 */
import { isPartitionedTable, partitionsOf } from '../../partition/index.js';
import {
  type AnalysisSource,
  analyzeHighFrequencyKeys,
  dropAnalyses,
  storeAnalysis,
} from '../../analysis/index.js';
import { KmerSearchError, SqlState, asKmerSearchError } from '../../errors.js';
import type { ExtractKeysTestHooks } from '../../parallel/index.js';
import type { StorageView, TableRecord, WriteTransaction } from '../../storage/index.js';
import { ANALYSIS_RESULT_TYPE, DELETE_TEMPFILES_TYPE, DROP_RESULT_TYPE, recordOf } from '../functions/index.js';
import type { RecordValue, SqlValue } from '../types.js';
import type { StatementContext } from './context.js';

/** The statement's write transaction (SELECTs calling these functions are writers: access.ts). */
function requireWrite(context: StatementContext): WriteTransaction {
  const write = context.runtime.write;
  if (write === undefined) throw new KmerSearchError(SqlState.internalError, 'the analysis functions need the write transaction');
  return write;
}

/** Test-only fault injection for the next analyses of this process; production code never sets it. */
export const analysisTestHooks: { current: ExtractKeysTestHooks | undefined } = { current: undefined };

/** Keys written between two `Written %d/%d high-frequency k-mers...` lines (reference §2.7). */
const writtenReportInterval = 1000;

/** Estimated bytes per stored key that undo reports as freed (reference §3: a fixed 64). */
const bytesPerStoredKey = 64n;

/**
 * `strtoul(text, &end, 10)` when it consumes the whole string, truncated to 32 bits (an Oid); undefined when
 * something is left over. Blanks, then an optional sign, then digits; a minus negates modulo 2^64 and an
 * overflow gives ULONG_MAX, as C does.
 */
function parseUnsignedWhole(text: string): number | undefined {
  const match = /^([ \t\n\v\f\r]*)([+-]?)(\d*)$/.exec(text);
  if (match === null) return undefined;
  const digits = match[3]!;
  if (digits === '') return text === '' ? 0 : undefined;
  const max = (1n << 64n) - 1n;
  let value = BigInt(digits);
  if (value > max) value = max;
  else if (match[2] === '-') value = ((1n << 64n) - value) & max;
  return Number(value & 0xffffffffn);
}

/** `strtol(text, &end, 10)` when it consumes the whole string (LONG_MIN/LONG_MAX on overflow); else undefined. */
function parseSignedWhole(text: string): bigint | undefined {
  const match = /^[ \t\n\v\f\r]*([+-]?)(\d+)$/.exec(text);
  if (match === null) return undefined;
  const limit = match[1] === '-' ? 1n << 63n : (1n << 63n) - 1n;
  const magnitude = BigInt(match[2]!);
  const clamped = magnitude > limit ? limit : magnitude;
  return match[1] === '-' ? -clamped : clamped;
}

function relationDoesNotExist(name: string): KmerSearchError {
  return new KmerSearchError(SqlState.undefinedTable, `relation "${name}" does not exist`);
}

/** The table a name denotes, verbatim (no case folding, no quote stripping, no schema): reference §2.1 / §3. */
function tableIdByName(view: StorageView, name: string): number {
  const relation = view.findRelation(name);
  if (relation === undefined) throw relationDoesNotExist(name);
  return relation.id;
}

export interface AnalysisTarget {
  readonly table: TableRecord;
  readonly columnIndex: number;
  readonly columnName: string;
}

/** Reference analysis §2.1, steps 1, 2 and 4, with its errors in its order. */
export function resolveAnalysisTarget(view: StorageView, tableArgument: string, columnArgument: string): AnalysisTarget {
  const oid = parseUnsignedWhole(tableArgument);
  const tableId = oid !== undefined && oid !== 0 ? oid : tableIdByName(view, tableArgument);
  const table = view.getTable(tableId);
  const attributeNumber = parseSignedWhole(columnArgument);
  let columnIndex: number;
  if (attributeNumber !== undefined && attributeNumber > 0n) {
    if (table === undefined) throw new KmerSearchError(SqlState.internalError, `could not open relation with OID ${tableId}`);
    if (attributeNumber > BigInt(table.columns.length)) {
      throw new KmerSearchError(SqlState.invalidColumnReference, `invalid column number ${attributeNumber}`);
    }
    columnIndex = Number(attributeNumber) - 1;
  } else {
    columnIndex = table?.columns.findIndex((column) => column.name === columnArgument) ?? -1;
    if (columnIndex < 0) throw new KmerSearchError(SqlState.undefinedColumn, `column "${columnArgument}" does not exist`);
  }
  const column = table?.columns[columnIndex];
  if (table === undefined || column === undefined) throw new KmerSearchError(SqlState.internalError, `could not open relation with OID ${tableId}`);
  if (column.type.name !== 'dna2' && column.type.name !== 'dna4') {
    throw new KmerSearchError(SqlState.datatypeMismatch, 'Column must be DNA2 or DNA4 type');
  }
  return { table, columnIndex, columnName: column.name };
}

/**
 * What the analysis counts: the table itself, or a partitioned table's partitions in partition-bound order, empty
 * ones skipped (F12; the reference fails on an empty first partition). src/analysis adds the counts and
 * total_rows of several sources up, so a partitioned table gives the result of its unpartitioned twin.
 */
export function analysisSources(view: StorageView, target: AnalysisTarget): AnalysisSource[] {
  if (!isPartitionedTable(target.table)) return [{ tableId: target.table.id, columnIndex: target.columnIndex }];
  return partitionsOf(view, target.table)
    .filter((partition) => partition.liveRowCount > 0)
    .map((partition) => ({ tableId: partition.id, columnIndex: target.columnIndex }));
}

function info(context: StatementContext, message: string): void {
  context.notice({ severity: 'INFO', code: SqlState.successfulCompletion, message });
}

/** A failed analysis as the user sees it: a cancellation as the statement's 57014, anything else unchanged. */
function analysisFailure(context: StatementContext, error: unknown): KmerSearchError {
  context.runtime.checkCancelled();
  return asKmerSearchError(error);
}

/** `kmersearch_perform_highfreq_analysis(table_name text, column_name text)`. */
export async function performHighFrequencyAnalysis(args: readonly SqlValue[], context: StatementContext): Promise<RecordValue> {
  const write: WriteTransaction = requireWrite(context);
  const target = resolveAnalysisTarget(write, args[0] as string, args[1] as string);
  const settings = context.settings;
  const kmerSize = settings.kmerSize;
  const occurrenceBits = settings.occurrenceBits;
  const maxAppearanceRate = settings.maxAppearanceRate;
  const maxAppearanceNrow = settings.maxAppearanceRowCount;
  const workers = Math.min(settings.maxParallelMaintenanceWorkers, settings.maxParallelWorkers);
  const workspace = context.runtime.indexes;
  const pool = workers > 0 ? await workspace.workerPool(settings.maxParallelWorkers) : null;
  const abort = context.runtime.cancellation.abortSignal();
  context.progress({ operation: 'analysis', done: 0, unit: 'blocks' });
  let result;
  try {
    result = await analyzeHighFrequencyKeys(write, analysisSources(write, target), {
      databasePath: workspace.database.path,
      kmerSize,
      occurrenceBits,
      maxAppearanceRate,
      maxAppearanceNrow,
      pool,
      workers,
      memoryBudgetBytes: settings.maintenanceWorkMemoryKilobytes * 1024,
      signal: abort.signal,
      onProgress: (progress) => context.progress({ operation: 'analysis', done: progress.blocksDone, total: progress.blocksTotal, unit: 'blocks' }),
      testHooks: analysisTestHooks.current,
    });
  } catch (error) {
    throw analysisFailure(context, error);
  } finally {
    abort.dispose();
  }
  context.progress({ operation: 'analysis', done: result.blocks, total: result.blocks, unit: 'blocks' });
  context.runtime.checkCancelled();
  const count = result.keys.count;
  info(context, `Writing ${count} high-frequency k-mers to kmersearch_highfreq_kmer table...`);
  for (let written = writtenReportInterval; written <= count; written += writtenReportInterval) {
    info(context, `Written ${written}/${count} high-frequency k-mers...`);
  }
  storeAnalysis(write, {
    tableId: target.table.id,
    columnName: target.columnName,
    kmerSize,
    occurrenceBits,
    maxAppearanceRate,
    maxAppearanceNrow,
    result,
    timestamp: context.runtime.transactionTimestamp,
  });
  info(context, `Successfully wrote ${count} high-frequency k-mers to database.`);
  return recordOf(ANALYSIS_RESULT_TYPE, [
    BigInt(result.totalRows),
    count,
    result.parallelWorkersUsed,
    Math.fround(maxAppearanceRate),
    result.threshold,
  ]);
}

/** `kmersearch_undo_highfreq_analysis(table_name text, column_name text)`: reference §3. */
export async function undoHighFrequencyAnalysis(args: readonly SqlValue[], context: StatementContext): Promise<RecordValue> {
  const write = requireWrite(context);
  const tableId = tableIdByName(write, args[0] as string);
  const { droppedAnalyses, droppedKeys } = dropAnalyses(write, tableId, args[1] as string);
  return recordOf(DROP_RESULT_TYPE, [droppedAnalyses, droppedKeys, BigInt(droppedKeys) * bytesPerStoredKey]);
}

/** `kmersearch_delete_tempfiles()`: one row, with the reference's INFO/WARNING lines about each file. */
export async function deleteTemporaryFiles(_args: readonly SqlValue[], context: StatementContext): Promise<readonly SqlValue[]> {
  const cleanup = context.runtime.indexes.database.deleteLeftoverSpillFiles();
  for (const message of cleanup.messages) {
    context.notice({
      severity: message.severity,
      code: message.severity === 'WARNING' ? SqlState.ioError : SqlState.successfulCompletion,
      message: message.message,
    });
  }
  return [recordOf(DELETE_TEMPFILES_TYPE, [cleanup.deletedCount, BigInt(cleanup.deletedSize), cleanup.errorCount])];
}
