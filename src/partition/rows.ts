/**
 * Writing rows of a partitioned table: each row goes to the partition its DNA value hashes to (routing.ts), an
 * UPDATE that changes the value moves the row (delete from the old partition, insert into the new one, as
 * PostgreSQL does), and primary-key and unique constraints hold across all partitions (deviation F10): before a
 * row is written to one partition its key is looked up in every other one. Storage checks the partition itself,
 * so together no two live rows of the whole table share a key.
 *
 * Rows of the parent are named by a combined row id, `rowId × partitionCount + remainder`, so that the scans of
 * UPDATE and DELETE can hand them back (exact below 2^53: a partition would need 2^53 / count row ids).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { DnaValue } from '../dna/index.js';
import {
  uniqueViolation,
  type ColumnValue,
  type ConstraintRecord,
  type RowUpdate,
  type TableRecord,
  type WriteTransaction,
} from '../storage/index.js';
import { partitionRemainder } from './routing.js';
import { partitionSchemeOf, partitionsOf, type PartitionScheme } from './scheme.js';

/** Rows written to one partition by one call, for the caller's index upkeep. */
export interface PartitionWrite {
  readonly partition: TableRecord;
  readonly rows: readonly (readonly ColumnValue[])[];
  readonly rowIds: readonly number[];
}

export function combinedRowId(rowId: number, remainder: number, partitionCount: number): number {
  return rowId * partitionCount + remainder;
}

export function splitRowId(combined: number, partitionCount: number): { readonly rowId: number; readonly remainder: number } {
  const remainder = combined % partitionCount;
  return { rowId: (combined - remainder) / partitionCount, remainder };
}

function requireScheme(parent: TableRecord): PartitionScheme {
  const scheme = partitionSchemeOf(parent);
  if (scheme === undefined) throw new KmerSearchError(SqlState.internalError, `table "${parent.name}" is not partitioned`);
  return scheme;
}

/** The constraint of `partition` that mirrors `constraint` of a sibling (same kind, same columns). */
function mirrorOf(partition: TableRecord, constraint: ConstraintRecord): ConstraintRecord | undefined {
  return partition.constraints.find(
    (candidate) =>
      candidate.kind === constraint.kind &&
      candidate.columnIndexes.length === constraint.columnIndexes.length &&
      candidate.columnIndexes.every((column, position) => column === constraint.columnIndexes[position]),
  );
}

/** Fails with the partition's constraint when another partition already holds a key of `row`. */
function checkSiblings(write: WriteTransaction, partitions: readonly TableRecord[], target: number, row: readonly ColumnValue[]): void {
  const partition = partitions[target] as TableRecord;
  for (const constraint of partition.constraints) {
    const values = constraint.columnIndexes.map((column) => row[column] ?? null);
    if (values.includes(null)) continue;
    for (const [remainder, sibling] of partitions.entries()) {
      if (remainder === target) continue;
      const mirror = mirrorOf(sibling, constraint);
      if (mirror !== undefined && write.lookupUnique(sibling.id, mirror.id, values) !== undefined) {
        throw uniqueViolation(partition, constraint, values, write.valueFormatter);
      }
    }
  }
}

function remainderOf(scheme: PartitionScheme, row: readonly ColumnValue[]): number {
  return partitionRemainder((row[scheme.columnIndex] ?? null) as DnaValue | null, scheme.partitionIds.length);
}

/** Inserts complete rows into the partitions of `parent`, routed by hash; returns what went where. */
export function insertPartitionedRows(write: WriteTransaction, parent: TableRecord, rows: readonly (readonly ColumnValue[])[]): PartitionWrite[] {
  const scheme = requireScheme(parent);
  const partitions = partitionsOf(write, parent);
  const groups: (readonly ColumnValue[])[][] = partitions.map(() => []);
  for (const row of rows) (groups[remainderOf(scheme, row)] as (readonly ColumnValue[])[]).push(row);
  const writes: PartitionWrite[] = [];
  for (const [remainder, group] of groups.entries()) {
    if (group.length === 0) continue;
    const hasConstraints = (partitions[remainder] as TableRecord).constraints.length > 0;
    if (!hasConstraints || partitions.length === 1) {
      writes.push({ partition: partitions[remainder] as TableRecord, rows: group, rowIds: write.insertRows(scheme.partitionIds[remainder] as number, group) });
      continue;
    }
    // One row at a time, so that a key is checked against the rows this statement has just written elsewhere.
    const rowIds: number[] = [];
    for (const row of group) {
      checkSiblings(write, partitions, remainder, row);
      rowIds.push(...write.insertRows(scheme.partitionIds[remainder] as number, [row]));
    }
    writes.push({ partition: partitions[remainder] as TableRecord, rows: group, rowIds });
  }
  return writes;
}

/** Deletes rows of `parent` named by combined row ids; returns the number deleted. */
export function deletePartitionedRows(write: WriteTransaction, parent: TableRecord, combinedRowIds: readonly number[]): number {
  const scheme = requireScheme(parent);
  const count = scheme.partitionIds.length;
  const groups: number[][] = scheme.partitionIds.map(() => []);
  for (const combined of combinedRowIds) {
    const { rowId, remainder } = splitRowId(combined, count);
    (groups[remainder] as number[]).push(rowId);
  }
  let deleted = 0;
  for (const [remainder, rowIds] of groups.entries()) {
    if (rowIds.length > 0) deleted += write.deleteRows(scheme.partitionIds[remainder] as number, rowIds);
  }
  return deleted;
}

/**
 * Replaces rows of `parent` (named by combined row ids) by new versions, in order: a version whose DNA value
 * hashes elsewhere moves to that partition. Returns, per update, whether it took place, and what was written.
 */
export function updatePartitionedRows(
  write: WriteTransaction,
  parent: TableRecord,
  updates: readonly RowUpdate[],
): { readonly updated: readonly boolean[]; readonly writes: readonly PartitionWrite[] } {
  const scheme = requireScheme(parent);
  const partitions = partitionsOf(write, parent);
  const count = partitions.length;
  const updated: boolean[] = [];
  const writes: PartitionWrite[] = [];
  for (const update of updates) {
    const { rowId, remainder } = splitRowId(update.rowId, count);
    const target = remainderOf(scheme, update.values);
    const source = partitions[remainder] as TableRecord;
    if (target === remainder) {
      if (count > 1) checkSiblings(write, partitions, target, update.values);
      const [newRowId] = write.updateRows(source.id, [{ rowId, values: update.values }]);
      updated.push(newRowId !== null && newRowId !== undefined);
      if (newRowId !== null && newRowId !== undefined) writes.push({ partition: source, rows: [update.values], rowIds: [newRowId] });
      continue;
    }
    // The old version goes first, so that the moved row does not collide with itself.
    if (write.deleteRows(source.id, [rowId]) === 0) {
      updated.push(false);
      continue;
    }
    checkSiblings(write, partitions, target, update.values);
    const destination = partitions[target] as TableRecord;
    writes.push({ partition: destination, rows: [update.values], rowIds: write.insertRows(destination.id, [update.values]) });
    updated.push(true);
  }
  return { updated, writes };
}
