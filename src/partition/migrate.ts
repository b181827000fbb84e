/**
 * kmersearch_partition_table and kmersearch_unpartition_table (analysis §9.1, §9.3) on the statement's write
 * transaction: the reference's preconditions, error texts and INFO progress lines, partitions `<table>_<i>`
 * routed by PostgreSQL's hash partitioning, with deviations F10 (the table keeps its columns, defaults, serial
 * counters, NOT NULL, primary-key and unique constraints, enforced across partitions, and so its analyses) and
 * F12 (a NULL argument is an error). The reference's NOTICE about preserved analyses is kept.
 *
 * The table keeps its catalog record and id (scheme.ts); partitioning creates the children, moves the rows into
 * them in batches sized from maintenance_work_mem, and empties the parent's heap by TRUNCATE's switch to fresh
 * storage; unpartitioning moves the rows back and drops the children. Everything happens in the statement's
 * write transaction, so it is published by its commit or not at all. kmersearch GIN indexes of the table (or of
 * the partitions, and the partitioned indexes of the parent) are not carried over, as in the reference.
 */
import { listAnalyses } from '../analysis/index.js';
import { KmerSearchError, SqlState } from '../errors.js';
import { scanTable, type ColumnValue, type TableRecord, type WriteTransaction } from '../storage/index.js';
import { insertPartitionedRows } from './rows.js';
import { membershipOptions, partitionMembershipOf, partitionSchemeOf, partitionsOf, withScheme } from './scheme.js';

export interface MigrationOptions {
  /** `maintenance_work_mem` in kB: sizes the migration batches as the reference does. */
  readonly maintenanceWorkMemoryKilobytes: number;
  /** Receives the reference's INFO lines. */
  readonly info: (message: string) => void;
  /** Receives the reference's NOTICE lines. */
  readonly notice: (message: string) => void;
}

/**
 * The table keeps its id, so its analyses stay attached without re-pointing (F10); the reference re-points them
 * to its new table and says so.
 */
function reportPreservedAnalyses(write: WriteTransaction, table: TableRecord, options: MigrationOptions): void {
  if (listAnalyses(write).some((analysis) => analysis.tableId === table.id)) {
    options.notice('High-frequency k-mer analysis preserved for partitioned table');
  }
}

function nullArgument(name: string): KmerSearchError {
  return new KmerSearchError(SqlState.nullValueNotAllowed, `${name} must not be NULL`);
}

/** Whether column `index` of a table is of type dna2 or dna4. */
export function isDnaColumn(table: TableRecord, index: number): boolean {
  const name = table.columns[index]?.type.name;
  return name === 'dna2' || name === 'dna4';
}

/** The one DNA2/DNA4 column of a table, with the reference's errors for none or several. */
function dnaColumnIndex(table: TableRecord | undefined): number {
  const indexes = table === undefined ? [] : table.columns.map((_, index) => index).filter((index) => isDnaColumn(table, index));
  if (indexes.length === 0) throw new KmerSearchError(SqlState.wrongObjectType, 'table must have at least one DNA2 or DNA4 column');
  if (indexes.length > 1) {
    throw new KmerSearchError(SqlState.featureNotSupported, `table has ${indexes.length} DNA2/DNA4 columns, but exactly one is required`);
  }
  return indexes[0] as number;
}

/** The relation named verbatim (no schema, no OID form), or 42P01; undefined for a relation that is not a table. */
function resolveTable(write: WriteTransaction, name: string): TableRecord | undefined {
  const entry = write.findRelation(name);
  if (entry === undefined) throw new KmerSearchError(SqlState.undefinedTable, `relation "${name}" does not exist`);
  return entry.kind === 'table' ? write.getTable(entry.id) : undefined;
}

/**
 * The reference's batch size: (maintenance_work_mem / 4) / average row width, within [1000, 100000]. The width is
 * PostgreSQL's default for a table without statistics (1024 bytes); kmersearch keeps no page statistics.
 */
export function migrationBatchSize(maintenanceWorkMemoryKilobytes: number): number {
  const rows = Math.floor((maintenanceWorkMemoryKilobytes * 1024) / 4 / 1024);
  return Math.min(100000, Math.max(1000, rows));
}

/** The rows of a table in batches of at most `batchSize` complete rows, as `write` sees them. */
function* rowBatches(write: WriteTransaction, table: TableRecord, batchSize: number): Generator<ColumnValue[][]> {
  let batch: ColumnValue[][] = [];
  for (const scanned of scanTable(write, table.id)) {
    const count = scanned.rowIds.length;
    for (let index = 0; index < count; index++) {
      batch.push(scanned.columns.map((column) => (column[index] ?? null) as ColumnValue));
      if (batch.length >= batchSize) {
        yield batch;
        batch = [];
      }
    }
  }
  if (batch.length > 0) yield batch;
}

/** `kmersearch_partition_table(table, n, tablespace)`: returns the parent's record. */
export function partitionTable(
  write: WriteTransaction,
  request: { readonly tableName: string | null; readonly partitionCount: number | null; readonly tablespace: string | null },
  options: MigrationOptions,
): TableRecord {
  const partitionCount = request.partitionCount ?? 0;
  if (partitionCount < 1) throw new KmerSearchError(SqlState.invalidParameterValue, 'partition_count must be at least 1');
  if (request.tableName === null) throw nullArgument('table_name');
  const tableName = request.tableName;
  const original = resolveTable(write, tableName);
  if (original !== undefined && partitionSchemeOf(original) !== undefined) {
    throw new KmerSearchError(SqlState.wrongObjectType, `table "${original.name}" is already a partitioned table`);
  }
  const columnIndex = dnaColumnIndex(original);
  const table = original as TableRecord;
  const membership = partitionMembershipOf(table);
  if (membership !== undefined) {
    const parent = write.getTable(membership.parentId);
    throw new KmerSearchError(SqlState.featureNotSupported, `table "${table.name}" is a partition of table "${parent?.name ?? ''}"`, {
      hint: 'Partition the parent table, or unpartition it first.',
    });
  }

  // Indexes are not carried over (as in the reference); constraints, defaults and sequences are (F10).
  for (const index of write.listIndexes(table.id)) write.dropIndex(index.id);
  const partitionIds: number[] = [];
  for (let remainder = 0; remainder < partitionCount; remainder++) {
    const partition = write.createTable({
      name: `${tableName}_${remainder}`,
      columns: table.columns.map((column) => ({
        name: column.name,
        type: column.type,
        notNull: column.notNull,
        defaultExpression: column.defaultExpression,
      })),
      constraints: table.constraints.map((constraint) => ({
        kind: constraint.kind,
        columns: constraint.columnIndexes.map((index) => (table.columns[index] as { readonly name: string }).name),
      })),
      options: membershipOptions({ parentId: table.id, remainder, modulus: partitionCount }),
    });
    partitionIds.push(partition.id);
  }
  const tablespace = request.tablespace === null || request.tablespace === '' ? null : request.tablespace;
  const parent = write.setTableOptions(table.id, withScheme(table, { method: 'hash', columnIndex, partitionIds, tablespace }));

  const batchSize = migrationBatchSize(options.maintenanceWorkMemoryKilobytes);
  const total = table.liveRowCount;
  options.info(`Starting partition table data migration: ${total} rows to migrate in batches of ${batchSize}`);
  // The reference reports progress only in its keyed batch loop (a primary key or unique index, more rows than
  // one batch); otherwise it copies everything in one statement.
  const reportsProgress = table.constraints.length > 0 && total > batchSize;
  let migrated = 0;
  let lastReported = 0;
  for (const batch of rowBatches(write, table, batchSize)) {
    insertPartitionedRows(write, parent, batch);
    migrated += batch.length;
    if (!reportsProgress) continue;
    const percent = Math.floor((migrated * 100) / total);
    if (percent >= lastReported + 5 || migrated >= total) {
      options.info(`Migration progress: ${percent}% (${migrated} / ${total} rows migrated)`);
      lastReported = Math.floor(percent / 5) * 5;
    }
  }
  if (total > 0 && migrated > 0) options.info(`Migration completed: 100% (${migrated} / ${total} rows migrated)`);
  write.truncateTable(table.id);
  reportPreservedAnalyses(write, table, options);
  options.info(`Partition table creation completed successfully for table '${tableName}' with ${partitionCount} partitions`);
  return write.getTable(table.id) as TableRecord;
}

/** `kmersearch_unpartition_table(table, tablespace)`: returns the table's record. */
export function unpartitionTable(
  write: WriteTransaction,
  request: { readonly tableName: string | null; readonly tablespace: string | null },
  options: MigrationOptions,
): TableRecord {
  if (request.tableName === null) throw nullArgument('table_name');
  const tableName = request.tableName;
  const resolved = resolveTable(write, tableName);
  const scheme = resolved === undefined ? undefined : partitionSchemeOf(resolved);
  if (resolved === undefined || scheme === undefined) {
    throw new KmerSearchError(SqlState.wrongObjectType, `table "${resolved?.name ?? tableName}" is not a partitioned table`);
  }
  const parent = resolved;
  if (scheme.partitionIds.length === 0) throw new KmerSearchError(SqlState.invalidTableDefinition, 'partitioned table has no partitions');
  dnaColumnIndex(parent);

  const partitions = partitionsOf(write, parent);
  const batchSize = migrationBatchSize(options.maintenanceWorkMemoryKilobytes);
  options.info(`Starting unpartition data migration from ${partitions.length} partitions`);
  let total = 0;
  for (const [position, partition] of partitions.entries()) {
    let rows = 0;
    for (const batch of rowBatches(write, partition, batchSize)) {
      write.insertRows(parent.id, batch);
      rows += batch.length;
    }
    total += rows;
    options.info(`Migrated ${rows} rows from partition ${partition.name} (${position + 1}/${partitions.length})`);
  }
  options.info(`Migration completed: ${total} total rows migrated`);
  // The table comes back without indexes, as in the reference (its copy of the parent has none): the partitions'
  // indexes go with the partitions, the partitioned indexes of the parent here.
  for (const partition of partitions) write.dropTable(partition.id);
  for (const index of write.listIndexes(parent.id)) write.dropIndex(index.id);
  const withoutScheme = withScheme(parent, undefined);
  const tablespace = request.tablespace === null || request.tablespace === '' ? null : request.tablespace;
  write.setTableOptions(parent.id, tablespace === null ? withoutScheme : { ...withoutScheme, tablespace });
  reportPreservedAnalyses(write, parent, options);
  options.info(`Unpartition completed successfully for table '${tableName}'`);
  return write.getTable(parent.id) as TableRecord;
}
