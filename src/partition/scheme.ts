/**
 * How a partitioned table is represented in src/storage's catalog (docs/architecture.md, "Partitions").
 *
 * The table keeps its record, id, name, columns, defaults, constraints and owned sequences; it becomes the
 * parent by an entry in its opaque options naming the hash-partitioned column and its children by remainder,
 * and its own heap stays empty. Each child `<table>_<i>` is an ordinary table (own heap, own constraints, own
 * indexes, queryable by name) whose options name its parent and remainder. Uniqueness across the children is
 * enforced where rows are routed (rows.ts): a key is checked against every sibling before it is written.
 *
 * A partitioned index (PostgreSQL's CREATE INDEX on a partitioned table) is an index record on the parent with
 * an entry in its opaque options naming the partitions' indexes attached to it; the parent's heap is always
 * empty, so its data spaces stay empty and nothing reads them. The attached indexes are ordinary indexes of the
 * partitions (their options belong to src/gin, which rewrites them on every merge, so the link is kept on the
 * parent's side only).
 */
import { KmerSearchError, SqlState } from '../errors.js';
import type { IndexRecord, StorageView, TableRecord } from '../storage/index.js';

/** The parent's options entry. */
export interface PartitionScheme {
  readonly method: 'hash';
  /** 0-based position of the DNA column rows are routed by. */
  readonly columnIndex: number;
  /** Child table ids by remainder (`<table>_0`, `<table>_1`, …); its length is the modulus. */
  readonly partitionIds: readonly number[];
  /** The tablespace argument as given (recorded only: the engine has one storage location), or null. */
  readonly tablespace: string | null;
}

/** A child's options entry. */
export interface PartitionMembership {
  readonly parentId: number;
  readonly remainder: number;
  readonly modulus: number;
}

/** A partitioned index's options entry. */
export interface PartitionedIndex {
  /** The partitions' indexes attached to it, in partition order. */
  readonly attachedIndexIds: readonly number[];
  /**
   * Those of them its CREATE INDEX created (the others existed and were attached). The reference's CREATE INDEX
   * event trigger records only the index a statement names, so these have no kmersearch_index_info row.
   */
  readonly createdIndexIds: readonly number[];
}

const schemeKey = 'partitioning';
const membershipKey = 'partitionOf';
const partitionedIndexKey = 'partitionedIndex';

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null;
}

/** The partition scheme of a partitioned table, or undefined for any other table. */
export function partitionSchemeOf(table: TableRecord): PartitionScheme | undefined {
  const scheme = table.options[schemeKey];
  return isRecord(scheme) && scheme.method === 'hash' ? (scheme as unknown as PartitionScheme) : undefined;
}

/** The parent and remainder of a partition, or undefined for any other table. */
export function partitionMembershipOf(table: TableRecord): PartitionMembership | undefined {
  const membership = table.options[membershipKey];
  return isRecord(membership) && typeof membership.parentId === 'number' ? (membership as unknown as PartitionMembership) : undefined;
}

/**
 * The table whose high-frequency analyses apply to `tableId`: a partition's parent (the analysis of a partitioned
 * table counts all its partitions and is stored under the parent's id), else the table itself.
 */
export function analysedTableIdOf(view: StorageView, tableId: number): number {
  const table = view.getTable(tableId);
  return (table === undefined ? undefined : partitionMembershipOf(table)?.parentId) ?? tableId;
}

export function isPartitionedTable(table: TableRecord): boolean {
  return partitionSchemeOf(table) !== undefined;
}

export function withScheme(table: TableRecord, scheme: PartitionScheme | undefined): Readonly<Record<string, unknown>> {
  const options: Record<string, unknown> = { ...table.options };
  if (scheme === undefined) delete options[schemeKey];
  else options[schemeKey] = scheme;
  return options;
}

export function membershipOptions(membership: PartitionMembership): Readonly<Record<string, unknown>> {
  return { [membershipKey]: membership };
}

/** The partitions of a partitioned table in remainder order, as `view` sees them. */
export function partitionsOf(view: StorageView, table: TableRecord): TableRecord[] {
  const scheme = partitionSchemeOf(table);
  if (scheme === undefined) return [];
  return scheme.partitionIds.map((id) => {
    const partition = view.getTable(id);
    if (partition === undefined) {
      throw new KmerSearchError(SqlState.internalError, `partition ${id} of table "${table.name}" is missing`);
    }
    return partition;
  });
}

/** The attached indexes of a partitioned index, or undefined for any other index. */
export function partitionedIndexOf(index: IndexRecord): PartitionedIndex | undefined {
  const entry = index.options[partitionedIndexKey];
  return isRecord(entry) && Array.isArray(entry.attachedIndexIds) && Array.isArray(entry.createdIndexIds) ? (entry as unknown as PartitionedIndex) : undefined;
}

export function isPartitionedIndex(index: IndexRecord): boolean {
  return partitionedIndexOf(index) !== undefined;
}

/** `options` (the index's other options) with the partitioned-index entry. */
export function partitionedIndexOptions(options: Readonly<Record<string, unknown>>, entry: PartitionedIndex): Readonly<Record<string, unknown>> {
  const copy: PartitionedIndex = { attachedIndexIds: [...entry.attachedIndexIds], createdIndexIds: [...entry.createdIndexIds] };
  return { ...options, [partitionedIndexKey]: copy };
}

/** The indexes attached to a partitioned index, as `view` sees them (none for any other index). */
export function attachedIndexesOf(view: StorageView, index: IndexRecord): IndexRecord[] {
  return (partitionedIndexOf(index)?.attachedIndexIds ?? []).flatMap((id) => view.getIndex(id) ?? []);
}

/** The partitioned index `index` (an index of a partition) is attached to, or undefined. */
export function parentIndexOf(view: StorageView, index: IndexRecord): IndexRecord | undefined {
  const table = view.getTable(index.tableId);
  const membership = table === undefined ? undefined : partitionMembershipOf(table);
  if (membership === undefined) return undefined;
  return view.listIndexes(membership.parentId).find((candidate) => partitionedIndexOf(candidate)?.attachedIndexIds.includes(index.id) === true);
}

/** The ids of every index attached to one of `indexes`. */
export function attachedIndexIds(indexes: readonly IndexRecord[]): Set<number> {
  return new Set(indexes.flatMap((index) => partitionedIndexOf(index)?.attachedIndexIds ?? []));
}

/** The ids of every index created by the CREATE INDEX of one of `indexes` (where PostgreSQL shows only the parent). */
export function createdIndexIds(indexes: readonly IndexRecord[]): Set<number> {
  return new Set(indexes.flatMap((index) => partitionedIndexOf(index)?.createdIndexIds ?? []));
}
