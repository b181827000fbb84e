/**
 * kmersearch_parallel_create_index(table, column [, tablespace]) (seed 000, SPEC §7.3, deviation F11): one
 * kmersearch GIN index per partition, named `<partition>_<column>_gin_idx`, with the operator class that fits
 * the current k and b (the narrowest of int2/int4/int8 for 2k + b bits), recording its settings like CREATE
 * INDEX (F7) — with high-frequency exclusion, the analysis of the table (the parent's) whose keys every
 * partition index leaves out, as CREATE INDEX does — built by up to min(max_parallel_workers,
 * max_parallel_maintenance_workers) builds at a time, each on one worker thread and claiming partitions as it
 * finishes them (src/partition). A partition whose build fails gets success = false and its error message; the
 * others go on. The indexes that were built are published by the statement's commit. It waits for worker
 * threads, so it is a statement action (statement-actions.ts): run before the query's rows are produced.
 */
import type { AnalysisRecord } from '../../analysis/index.js';
import { KmerSearchError, SqlState } from '../../errors.js';
import { keyLayout, optimalStorageClass } from '../../kmer/index.js';
import { buildPartitionIndexes, isDnaColumn, partitionSchemeOf, partitionsOf, type PartitionIndexBuild, type PartitionIndexResult } from '../../partition/index.js';
import type { TableRecord, WriteTransaction } from '../../storage/index.js';
import { PARALLEL_CREATE_INDEX_TYPE, recordOf } from '../functions/index.js';
import { currentIndexSettings, indexOptionsFor } from '../kmersearch-index.js';
import type { RecordValue, SqlValue } from '../types.js';
import type { StatementContext } from './context.js';
import { excludedKeysOf, mergeTurns, runIndexBuild } from './index-build.js';
import { requireWrite } from './modify.js';

function resultRecord(result: PartitionIndexResult): RecordValue {
  return recordOf(PARALLEL_CREATE_INDEX_TYPE, [
    result.partitionName,
    result.indexName,
    BigInt(result.rowsProcessed),
    BigInt(result.executionTimeMs),
    result.workerPid,
    result.success,
    result.errorMessage,
  ]);
}

/** The seed's preconditions, in its order: arguments and table, partitioned, high-frequency settings, column. */
function checkPreconditions(context: StatementContext, write: WriteTransaction, tableName: SqlValue, columnName: SqlValue): { parent: TableRecord; columnName: string; analysis: AnalysisRecord | undefined } {
  if (tableName === null) throw new KmerSearchError(SqlState.nullValueNotAllowed, 'table_name must not be NULL');
  if (columnName === null) throw new KmerSearchError(SqlState.nullValueNotAllowed, 'column_name must not be NULL');
  const name = tableName as string;
  const column = columnName as string;
  const entry = write.findRelation(name);
  if (entry === undefined) throw new KmerSearchError(SqlState.undefinedTable, `relation "${name}" does not exist`);
  const parent = entry.kind === 'table' ? write.getTable(entry.id) : undefined;
  if (parent === undefined || partitionSchemeOf(parent) === undefined) {
    throw new KmerSearchError(SqlState.wrongObjectType, `table "${name}" is not a partitioned table`);
  }
  const settings = context.settings;
  // The analysis CREATE INDEX would leave out on each partition (high-frequency.ts: the parent's). No WARNING here:
  // where CREATE INDEX warns (preclude on, no analysis), this function fails with the seed's error instead.
  const analysis = context.runtime.functionContext.highFrequency?.excludingAnalysis(write, parent.id, column, undefined);
  if (settings.precludeHighFrequencyKmers && analysis === undefined) {
    // SPEC §7.3: exclusion works from the stored analysis of (table, column, k, b) (the seed demanded the
    // parallel cache); without one, the seed's error.
    throw new KmerSearchError(SqlState.internalError, 'Parallel high-frequency k-mer cache not loaded or invalid', {
      hint: `Run kmersearch_parallel_highfreq_kmer_cache_load('${name}', '${column}') first`,
    });
  }
  if (!settings.precludeHighFrequencyKmers) {
    context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: 'High-frequency k-mer exclusion disabled (preclude_highfreq_kmer=false)' });
  }
  const columnIndex = parent.columns.findIndex((candidate) => candidate.name === column);
  if (columnIndex < 0) throw new KmerSearchError(SqlState.undefinedColumn, `column "${column}" does not exist`);
  if (!isDnaColumn(parent, columnIndex)) throw new KmerSearchError(SqlState.internalError, `Column '${column}' must be DNA2 or DNA4 type`);
  return { parent, columnName: column, analysis };
}

/** `kmersearch_parallel_create_index(table, column [, tablespace])`: one result record per partition. */
export async function parallelCreateIndex(args: readonly SqlValue[], context: StatementContext): Promise<readonly SqlValue[]> {
  const write = requireWrite(context);
  const { parent, columnName, analysis } = checkPreconditions(context, write, args[0] ?? null, args[1] ?? null);
  const tablespace = args[2] ?? null;
  if (tablespace !== null && tablespace !== '' && tablespace !== 'pg_default') {
    throw new KmerSearchError(SqlState.undefinedObject, `tablespace "${tablespace as string}" does not exist`);
  }
  const settings = context.settings;
  const layout = keyLayout(settings.kmerSize, settings.occurrenceBits);
  const dnaType = parent.columns.find((column) => column.name === columnName)?.type.name as 'dna2' | 'dna4';
  const operatorClass = `kmersearch_${dnaType}_gin_ops_${optimalStorageClass(layout.totalBits)}`;
  const concurrency = Math.min(settings.maxParallelWorkers, settings.maxParallelMaintenanceWorkers);
  const mergeTurn = mergeTurns();
  // Each partition index records the analysis it leaves out, as CREATE INDEX does (F7: stale once it is replaced).
  const recorded = currentIndexSettings(settings, context.runtime.transactionTimestamp, { fastUpdate: true, pendingListLimitKilobytes: undefined }, analysis?.analysisId);
  // One key set for every build, read by the worker threads without a copy.
  const excludedKeys = excludedKeysOf(context, write, analysis);
  const partitions = partitionsOf(write, parent);
  // Progress of the whole statement in rows: a partition's rows count as done when its index is built (or failed).
  const totalRows = partitions.reduce((sum, partition) => sum + partition.liveRowCount, 0);
  let doneRows = 0;
  const progress = (): void => context.progress({ operation: 'kmersearch_parallel_create_index', done: doneRows, total: totalRows, unit: 'rows' });
  progress();
  const buildOne = async (partition: TableRecord, indexName: string): Promise<PartitionIndexBuild> => {
    // Checked first: a failed catalog change would fail the whole transaction, not just this partition.
    if (write.findRelation(indexName) !== undefined) throw new KmerSearchError(SqlState.duplicateTable, `relation "${indexName}" already exists`);
    const index = write.createIndex({ name: indexName, tableId: partition.id, columnName, method: 'gin', operatorClass, options: indexOptionsFor(recorded) });
    try {
      const report = await runIndexBuild(context, write, index, excludedKeys, { workers: concurrency > 0 ? 1 : 0, mergeTurn, encodeInWorker: true, reportProgress: false });
      return { rowsProcessed: write.getTable(partition.id)?.liveRowCount ?? report.rows, workerPid: report.participants[0]?.threadId ?? 0 };
    } catch (error) {
      write.dropIndex(index.id);
      throw error;
    }
  };
  const results = await buildPartitionIndexes(partitions, columnName, concurrency, async (partition, indexName) => {
    try {
      return await buildOne(partition, indexName);
    } finally {
      doneRows += partition.liveRowCount;
      progress();
    }
  });
  // A cancelled statement fails as a whole, whatever the partitions recorded.
  context.runtime.checkCancelled();
  return results.map(resultRecord);
}
