/**
 * Functions that wait for other threads and so cannot run inside the synchronous row sources: the executor runs
 * them before the query, for each call in a FROM clause of the statement's plan, and the function scan returns
 * their rows (runtime.preparedFunctionRows). One such function so far:
 *
 * kmersearch_parallel_create_index(table, column [, tablespace]) (seed 000, SPEC §7.3, deviation F11): one
 * kmersearch GIN index per partition, named `<partition>_<column>_gin_idx`, with the operator class that fits
 * the current k and b (the narrowest of int2/int4/int8 for 2k + b bits), recording its settings like CREATE
 * INDEX (F7), built by up to min(max_parallel_workers, max_parallel_maintenance_workers) builds at a time, each
 * on one worker thread and claiming partitions as it finishes them (src/partition). A partition whose build
 * fails gets success = false and its error message; the others go on. The indexes that were built are
 * published by the statement's commit.
 */
import { KmerSearchError, SqlState } from '../../errors.js';
import { keyLayout, optimalStorageClass } from '../../kmer/index.js';
import { buildPartitionIndexes, partitionSchemeOf, partitionsOf, type PartitionIndexResult } from '../../partition/index.js';
import type { TableRecord, WriteTransaction } from '../../storage/index.js';
import type { BoundFunctionSource } from '../binder/bound.js';
import { PARALLEL_CREATE_INDEX_TYPE, statementLevelFunctionNames } from '../functions/index.js';
import { currentIndexSettings, indexOptionsFor } from '../kmersearch-index.js';
import type { PlanNode } from '../plan.js';
import type { RecordValue, SqlValue } from '../types.js';
import { type StatementContext, topEnvironment } from './context.js';
import { runIndexBuild } from './index-build.js';
import { requireWrite } from './modify.js';

/** The FROM function calls of a plan (subquery plans are built later and are not searched). */
function functionSources(node: PlanNode, found: BoundFunctionSource[]): BoundFunctionSource[] {
  if (node.kind === 'functionScan') found.push(node.source);
  for (const key of ['input', 'outer', 'inner', 'left', 'right'] as const) {
    const child = (node as unknown as Record<string, unknown>)[key];
    if (typeof child === 'object' && child !== null && 'kind' in child) functionSources(child as PlanNode, found);
  }
  return found;
}

/** Runs the plan's statement-level function calls and keeps their rows for the function scans. */
export async function prepareStatementFunctions(context: StatementContext, plan: PlanNode): Promise<void> {
  for (const source of functionSources(plan, [])) {
    if (!statementLevelFunctionNames.has(source.function.name)) continue;
    const environment = topEnvironment(context);
    const args = source.arguments.map((argument) => context.compiler.expression(argument)([], environment));
    const results = await parallelCreateIndex(context, args);
    context.runtime.preparedFunctionRows.set(source, results.map(resultRecord));
  }
}

function resultRecord(result: PartitionIndexResult): RecordValue {
  return Object.freeze({
    fields: PARALLEL_CREATE_INDEX_TYPE.fields ?? [],
    values: Object.freeze([
      result.partitionName,
      result.indexName,
      BigInt(result.rowsProcessed),
      BigInt(result.executionTimeMs),
      result.workerPid,
      result.success,
      result.errorMessage,
    ]),
  });
}

function isDna(table: TableRecord, columnIndex: number): boolean {
  const name = table.columns[columnIndex]?.type.name;
  return name === 'dna2' || name === 'dna4';
}

/** The seed's preconditions, in its order: arguments and table, partitioned, high-frequency settings, column. */
function checkPreconditions(context: StatementContext, write: WriteTransaction, tableName: SqlValue, columnName: SqlValue): { parent: TableRecord; columnName: string } {
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
  if (context.settings.precludeHighFrequencyKmers) {
    // No stored analysis can be found yet (the analysis is not part of this engine so far), so no cache or
    // analysis of (table, column, k, b) is valid: the seed's error.
    throw new KmerSearchError(SqlState.internalError, 'Parallel high-frequency k-mer cache not loaded or invalid', {
      hint: `Run kmersearch_parallel_highfreq_kmer_cache_load('${name}', '${column}') first`,
    });
  }
  context.notice({ severity: 'NOTICE', code: SqlState.successfulCompletion, message: 'High-frequency k-mer exclusion disabled (preclude_highfreq_kmer=false)' });
  const columnIndex = parent.columns.findIndex((candidate) => candidate.name === column);
  if (columnIndex < 0) throw new KmerSearchError(SqlState.undefinedColumn, `column "${column}" does not exist`);
  if (!isDna(parent, columnIndex)) throw new KmerSearchError(SqlState.internalError, `Column '${column}' must be DNA2 or DNA4 type`);
  return { parent, columnName: column };
}

/** Hands the merge phase (LMDB append-mode page writes) to one build at a time. */
function mergeTurns(): () => Promise<() => void> {
  let queue: Promise<void> = Promise.resolve();
  return () => {
    let release!: () => void;
    const turn = new Promise<void>((resolve) => {
      release = resolve;
    });
    const ready = queue.then(() => release);
    queue = queue.then(() => turn);
    return ready;
  };
}

async function parallelCreateIndex(context: StatementContext, args: readonly SqlValue[]): Promise<PartitionIndexResult[]> {
  const write = requireWrite(context);
  const { parent, columnName } = checkPreconditions(context, write, args[0] ?? null, args[1] ?? null);
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
  const recorded = currentIndexSettings(settings, context.runtime.transactionTimestamp, { fastUpdate: true, pendingListLimitKilobytes: undefined });
  const results = await buildPartitionIndexes(partitionsOf(write, parent), columnName, concurrency, async (partition, indexName) => {
    // Checked first: a failed catalog change would fail the whole transaction, not just this partition.
    if (write.findRelation(indexName) !== undefined) throw new KmerSearchError(SqlState.duplicateTable, `relation "${indexName}" already exists`);
    const index = write.createIndex({ name: indexName, tableId: partition.id, columnName, method: 'gin', operatorClass, options: indexOptionsFor(recorded) });
    try {
      const report = await runIndexBuild(context, write, index, { workers: concurrency > 0 ? 1 : 0, mergeTurn });
      return { rowsProcessed: write.getTable(partition.id)?.liveRowCount ?? report.rows, workerPid: report.participants[0]?.threadId ?? 0 };
    } catch (error) {
      write.dropIndex(index.id);
      throw error;
    }
  });
  // A cancelled statement fails as a whole, whatever the partitions recorded.
  context.runtime.checkCancelled();
  return results;
}
